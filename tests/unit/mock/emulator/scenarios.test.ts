// The stateful emulator (createMockServer({ stateful })) on the wire: whole scenarios per account, every state error of
// every action, the order in which they win, dry runs, verification codes (single use, expiry, replacement, quota),
// management account names, sites, anonymous requests, and the control routes. Every API answer is checked against
// the contract (tests/helpers/mock.ts); the clock is the test's.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accountIdOf,
  defaultPhone,
  DEFAULT_CODE_TTL_MS,
  STATE_ERROR_PRECEDENCE,
} from '../../../../packages/mock/src/index.js';
import { buildContract } from '../../../../scripts/gen-15-rules.js';
import { apiFile, contracts, doc, operation } from '../../../helpers/contract.js';
import { newAccount, otherCode, startEmulator, type Emu } from '../../../helpers/emulator.js';
import { startMock, statusOf, XML_TYPE } from '../../../helpers/mock.js';

/**
 * EnableResourceDirectory documents NotSupport.Account.Site and Invalid.AccountType in ResourceDirectoryMaster
 * 2022-04-19 only.
 */
const RDM_VERSION = { Version: '2022-04-19' } as const;
const rdmStatusOf = (action: string, code: string): number =>
  contracts['ResourceDirectoryMaster/2022-04-19']!.errorCodes(action).find((e) => e.code === code)!.status;

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const QUOTA = operation('SendVerificationCodeForEnableRD')['x-acs-quota'];

describe('stateful emulator, no site', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  beforeEach(async () => {
    expect((await emu.control('POST', '/_emulator/reset')).status).toBe(200);
  });
  afterEach(() => expect(emu.problems).toEqual([]));
  afterAll(() => emu.close());

  it('get 404 → send code → read it → enable NewManagementAccount → get returns the same directory', async () => {
    const before = await emu.call('GetResourceDirectory', 'AK-A');
    expect([before.status, before.code]).toEqual([404, 'ResourceDirectoryNotInUse']);

    const { phone, code } = await emu.sendCode('AK-A', '852-61234567');
    expect(phone).toBe('852-61234567');
    expect(code).toMatch(/^[0-9]{6}$/);

    const enabled = await emu.call('EnableResourceDirectory', 'AK-A', newAccount('user01', phone, code));
    expect(enabled.status).toBe(200);
    const rd = enabled.body.ResourceDirectory;
    expect(rd.ResourceDirectoryId).toMatch(/^rd-[A-Za-z0-9]{6}$/);
    expect(rd.RootFolderId).toMatch(/^r-[A-Za-z0-9]{6}$/);
    expect(rd.MasterAccountName).toBe('user01');
    expect(rd.MasterAccountId).toMatch(/^[1-9][0-9]{15}$/);
    expect(rd.MasterAccountId).not.toBe(accountIdOf('AK-A'));
    expect(rd.CreateTime).toMatch(ISO_MS);
    expect(rd.CreateTime).toBe(new Date(emu.clock.t).toISOString());

    emu.clock.advance(60_000);
    const after = await emu.call('GetResourceDirectory', 'AK-A');
    expect(after.status).toBe(200);
    expect(after.body.ResourceDirectory).toEqual({
      RootFolderId: rd.RootFolderId,
      ResourceDirectoryId: rd.ResourceDirectoryId,
      CreateTime: rd.CreateTime,
      MasterAccountId: rd.MasterAccountId,
      MasterAccountName: 'user01',
      ControlPolicyStatus: 'Disabled',
      MemberDeletionStatus: 'Disabled',
      IdentityInformation: 'Emulated Enterprise Co., Ltd.',
    });
    // Another account still has none.
    expect((await emu.call('GetResourceDirectory', 'AK-B')).code).toBe('ResourceDirectoryNotInUse');
  });

  it(
    'EnableMode=CurrentAccount: the caller is the management account, with a stable id and a documented' + ' name',
    async () => {
      const enabled = await emu.call('EnableResourceDirectory', 'AK-C', { EnableMode: 'CurrentAccount' });
      expect(enabled.status).toBe(200);
      const rd = enabled.body.ResourceDirectory;
      expect(rd.MasterAccountId).toBe(accountIdOf('AK-C'));
      expect(rd.MasterAccountId).toMatch(/^[1-9][0-9]{15}$/);
      expect(rd.MasterAccountName).toBe(`aliyun-${accountIdOf('AK-C')}`);
      expect(Object.keys(enabled.body)).toEqual(['ResourceDirectory', 'RequestId']);
      const got = await emu.call('GetResourceDirectory', 'AK-C');
      expect(got.body.ResourceDirectory).toMatchObject({
        ...rd,
        ControlPolicyStatus: 'Disabled',
        MemberDeletionStatus: 'Disabled',
      });
      // accountIdOf is a function of the AccessKeyId alone.
      expect(accountIdOf('AK-C')).toBe(accountIdOf('AK-C'));
      expect(accountIdOf('AK-C')).not.toBe(accountIdOf('AK-D'));
    },
  );

  it('a profile name is the CurrentAccount MasterAccountName', async () => {
    await emu.profile('AK-N', { name: 'ops-root' });
    const enabled = await emu.call('EnableResourceDirectory', 'AK-N', { EnableMode: 'CurrentAccount' });
    expect(enabled.body.ResourceDirectory.MasterAccountName).toBe('ops-root');
  });

  it('InitResourceDirectory enables with the current account, in seed 001 field order', async () => {
    const init = await emu.call('InitResourceDirectory', 'AK-I');
    expect(init.status).toBe(200);
    expect(Object.keys(init.body.ResourceDirectory)).toEqual([
      'RootFolderId',
      'ResourceDirectoryId',
      'MasterAccountId',
      'MasterAccountName',
      'CreateTime',
    ]);
    expect(init.body.ResourceDirectory.MasterAccountId).toBe(accountIdOf('AK-I'));
    expect((await emu.call('GetResourceDirectory', 'AK-I')).body.ResourceDirectory.ResourceDirectoryId).toBe(
      init.body.ResourceDirectory.ResourceDirectoryId,
    );
  });

  it(
    'enable twice, Init after Enable, Enable after Init, and a code after either: 409' +
      ' EntityAlreadyExists.ResourceDirectory',
    async () => {
      const first = await emu.call('EnableResourceDirectory', 'AK-E', { EnableMode: 'CurrentAccount' });
      expect(first.status).toBe(200);
      for (const [action, params] of [
        ['EnableResourceDirectory', { EnableMode: 'CurrentAccount' }],
        ['InitResourceDirectory', {}],
        ['SendVerificationCodeForEnableRD', {}],
      ] as const) {
        const again = await emu.call(action, 'AK-E', params);
        expect([action, again.status, again.code]).toEqual([action, 409, 'EntityAlreadyExists.ResourceDirectory']);
      }
      expect((await emu.call('InitResourceDirectory', 'AK-F')).status).toBe(200);
      expect((await emu.call('EnableResourceDirectory', 'AK-F', { EnableMode: 'CurrentAccount' })).code).toBe(
        'EntityAlreadyExists.ResourceDirectory',
      );
      // NewManagementAccount: the caller belongs to the new directory, so it cannot enable another one either.
      const { phone, code } = await emu.sendCode('AK-G');
      expect((await emu.call('EnableResourceDirectory', 'AK-G', newAccount('g-admin', phone, code))).status).toBe(200);
      expect((await emu.call('EnableResourceDirectory', 'AK-G', { EnableMode: 'CurrentAccount' })).code).toBe(
        'EntityAlreadyExists.ResourceDirectory',
      );
      // The first directory is unchanged.
      expect((await emu.call('GetResourceDirectory', 'AK-E')).body.ResourceDirectory.ResourceDirectoryId).toBe(
        first.body.ResourceDirectory.ResourceDirectoryId,
      );
    },
  );

  describe('DryRun=true checks everything and changes nothing', () => {
    it('CurrentAccount: a would-be directory, then still none', async () => {
      const before = (await emu.control('GET', '/_emulator/state')).body;
      const dry = await emu.call('EnableResourceDirectory', 'AK-D', {
        EnableMode: 'CurrentAccount',
        DryRun: 'true',
        Version: '2022-04-19',
      });
      expect(dry.status).toBe(200);
      expect(dry.body.ResourceDirectory.MasterAccountId).toBe(accountIdOf('AK-D'));
      expect(dry.body.ResourceDirectory.ResourceDirectoryId).toMatch(/^rd-[A-Za-z0-9]{6}$/);
      expect((await emu.call('GetResourceDirectory', 'AK-D')).code).toBe('ResourceDirectoryNotInUse');
      expect((await emu.control('GET', '/_emulator/state')).body).toEqual(before);
      // DryRun=false is a real call.
      expect(
        (
          await emu.call('EnableResourceDirectory', 'AK-D', {
            EnableMode: 'CurrentAccount',
            DryRun: 'false',
            Version: '2022-04-19',
          })
        ).status,
      ).toBe(200);
      expect((await emu.call('GetResourceDirectory', 'AK-D')).status).toBe(200);
    });

    it('NewManagementAccount: the code stays valid and the name stays free', async () => {
      const { phone, code } = await emu.sendCode('AK-D1', '852-61110000');
      const dry = await emu.call(
        'EnableResourceDirectory',
        'AK-D1',
        newAccount('dry-name', phone, code, { DryRun: 'true', Version: '2022-04-19' }),
      );
      expect(dry.status).toBe(200);
      expect(dry.body.ResourceDirectory.MasterAccountName).toBe('dry-name');
      expect(
        (await emu.control('GET', '/_emulator/verification-codes?account=AK-D1')).body.map(
          (c: { status: string }) => c.status,
        ),
      ).toEqual(['valid']);
      expect((await emu.call('GetResourceDirectory', 'AK-D1')).code).toBe('ResourceDirectoryNotInUse');
      // The name was not taken: another account can use it ...
      const other = await emu.sendCode('AK-D2', '852-62220000');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-D2', newAccount('dry-name', other.phone, other.code))).status,
      ).toBe(200);
      // ... and the code was not used: it still works (for a free name).
      expect((await emu.call('EnableResourceDirectory', 'AK-D1', newAccount('dry-name-2', phone, code))).status).toBe(
        200,
      );
    });

    it('state errors are answered in a dry run too', async () => {
      await emu.call('EnableResourceDirectory', 'AK-D3', { EnableMode: 'CurrentAccount' });
      expect(
        (
          await emu.call('EnableResourceDirectory', 'AK-D3', {
            EnableMode: 'CurrentAccount',
            DryRun: 'true',
            Version: '2022-04-19',
          })
        ).code,
      ).toBe('EntityAlreadyExists.ResourceDirectory');
      const { phone, code } = await emu.sendCode('AK-D4', '852-63330000');
      expect(
        (
          await emu.call(
            'EnableResourceDirectory',
            'AK-D4',
            newAccount('x-name', phone, otherCode(code), { DryRun: 'true', Version: '2022-04-19' }),
          )
        ).code,
      ).toBe('Invalid.VerificationCode');
      await emu.profile('AK-D5', { enterpriseVerified: false });
      expect(
        (
          await emu.call('EnableResourceDirectory', 'AK-D5', {
            EnableMode: 'CurrentAccount',
            DryRun: 'true',
            Version: '2022-04-19',
          })
        ).code,
      ).toBe('EnterpriseRealNameVerificationError');
    });
  });

  describe('verification codes', () => {
    it('a wrong code, another phone, another account: 409 Invalid.VerificationCode, and nothing changes', async () => {
      const { phone, code } = await emu.sendCode('AK-V', '852-61234567');
      const wrong = await emu.call('EnableResourceDirectory', 'AK-V', newAccount('v-admin', phone, otherCode(code)));
      expect([wrong.status, wrong.code]).toEqual([409, 'Invalid.VerificationCode']);
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-V', newAccount('v-admin', '852-69999999', code))).code,
      ).toBe('Invalid.VerificationCode');
      // The code was sent for AK-V: AK-W cannot use it, even to the same phone.
      expect((await emu.call('EnableResourceDirectory', 'AK-W', newAccount('w-admin', phone, code))).code).toBe(
        'Invalid.VerificationCode',
      );
      expect((await emu.call('GetResourceDirectory', 'AK-V')).code).toBe('ResourceDirectoryNotInUse');
      // The right one still works.
      expect((await emu.call('EnableResourceDirectory', 'AK-V', newAccount('v-admin', phone, code))).status).toBe(200);
    });

    it('a code expires after 5 minutes (valid 1 ms before)', async () => {
      expect(DEFAULT_CODE_TTL_MS).toBe(5 * 60 * 1000);
      const { phone, code } = await emu.sendCode('AK-X1', '852-61234567');
      emu.clock.advance(DEFAULT_CODE_TTL_MS - 1);
      expect(
        (
          await emu.call(
            'EnableResourceDirectory',
            'AK-X1',
            newAccount('x1-admin', phone, code, { DryRun: 'true', Version: '2022-04-19' }),
          )
        ).status,
      ).toBe(200);
      emu.clock.advance(1);
      expect((await emu.call('EnableResourceDirectory', 'AK-X1', newAccount('x1-admin', phone, code))).code).toBe(
        'Invalid.VerificationCode',
      );
      const listed = (await emu.control('GET', '/_emulator/verification-codes?account=AK-X1')).body;
      expect(listed).toEqual([
        {
          phone,
          code,
          account: 'AK-X1',
          sentAt: new Date(emu.clock.t - DEFAULT_CODE_TTL_MS).toISOString(),
          expiresAt: new Date(emu.clock.t).toISOString(),
          status: 'expired',
        },
      ]);
      // A new code works.
      const fresh = await emu.sendCode('AK-X1', phone);
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-X1', newAccount('x1-admin', phone, fresh.code))).status,
      ).toBe(200);
    });

    it('a newer code to the same phone replaces the older one', async () => {
      const first = await emu.sendCode('AK-R', '852-61234567');
      let second = await emu.sendCode('AK-R', '852-61234567');
      while (second.code === first.code) second = await emu.sendCode('AK-R', '852-61234567');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-R', newAccount('r-admin', first.phone, first.code))).code,
      ).toBe('Invalid.VerificationCode');
      const statuses = (await emu.control('GET', '/_emulator/verification-codes?account=AK-R')).body.map(
        (c: { status: string }) => c.status,
      );
      expect(statuses.at(-1)).toBe('valid');
      expect(statuses.slice(0, -1).every((s: string) => s === 'superseded')).toBe(true);
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-R', newAccount('r-admin', second.phone, second.code))).status,
      ).toBe(200);
    });

    it('a code is single-use: consumed by a successful enable', async () => {
      const { phone, code } = await emu.sendCode('AK-S', '852-61234567');
      expect((await emu.call('EnableResourceDirectory', 'AK-S', newAccount('s-admin', phone, code))).status).toBe(200);
      const listed = (await emu.control('GET', '/_emulator/verification-codes?account=AK-S')).body;
      expect(listed.map((c: { status: string }) => c.status)).toEqual(['consumed']);
      expect(await emu.emulator.store.validCode('AK-S', phone, code)).toBeUndefined();
    });

    it("without SecureMobilePhone the code goes to the account's own phone, which the enable must name", async () => {
      const account = (await emu.control('GET', '/_emulator/accounts/AK-P')).body;
      expect(account.phone).toBe(defaultPhone(accountIdOf('AK-P'), undefined));
      expect(account.phone).toMatch(/^852-6[0-9]{7}$/);
      const { phone, code } = await emu.sendCode('AK-P');
      expect(phone).toBe(account.phone);
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-P', newAccount('p-admin', '852-60000001', code))).code,
      ).toBe('Invalid.VerificationCode');
      expect((await emu.call('EnableResourceDirectory', 'AK-P', newAccount('p-admin', phone, code))).status).toBe(200);
      // A phone set on the profile is used instead.
      await emu.profile('AK-P2', { phone: '852-98765432' });
      expect((await emu.sendCode('AK-P2')).phone).toBe('852-98765432');
    });

    it(
      `the ${QUOTA.limit + 1}st code for one account in one UTC day: 409 ${QUOTA.error}; the next UTC day counts` +
        ` again`,
      async () => {
        expect(QUOTA.period).toBe('day');
        emu.clock.t = Date.parse('2025-03-02T00:00:00.000Z');
        for (let i = 0; i < QUOTA.limit; i++) {
          const r = await emu.call('SendVerificationCodeForEnableRD', 'AK-Q', { SecureMobilePhone: '852-61234567' });
          expect(r.status, `code ${i + 1}`).toBe(200);
        }
        const over = await emu.call('SendVerificationCodeForEnableRD', 'AK-Q', { SecureMobilePhone: '852-61234567' });
        expect([over.status, over.code]).toEqual([
          statusOf('SendVerificationCodeForEnableRD', QUOTA.error),
          QUOTA.error,
        ]);
        // Other accounts are not affected; the refused send changed nothing.
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-Q2')).status).toBe(200);
        expect((await emu.control('GET', '/_emulator/accounts/AK-Q')).body.verificationCodesSentToday).toBe(
          QUOTA.limit,
        );
        // Exactly the codes sent are listed (the refused one is not).
        const codes = (await emu.control('GET', '/_emulator/verification-codes?account=AK-Q&phone=852-61234567')).body;
        expect(codes).toHaveLength(QUOTA.limit);
        emu.clock.t = Date.parse('2025-03-02T23:59:59.999Z');
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-Q')).code).toBe(QUOTA.error);
        emu.clock.t = Date.parse('2025-03-03T00:00:00.000Z');
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-Q')).status).toBe(200);
      },
    );

    it('GET /_emulator/verification-codes filters by account and phone', async () => {
      await emu.sendCode('AK-L1', '852-61111111');
      await emu.sendCode('AK-L1', '852-62222222');
      await emu.sendCode('AK-L2', '852-61111111');
      const all = (await emu.control('GET', '/_emulator/verification-codes')).body;
      expect(all.map((c: { account: string; phone: string }) => `${c.account} ${c.phone}`)).toEqual([
        'AK-L1 852-61111111',
        'AK-L1 852-62222222',
        'AK-L2 852-61111111',
      ]);
      for (const c of all) {
        expect(Object.keys(c)).toEqual(['phone', 'code', 'account', 'sentAt', 'expiresAt', 'status']);
        expect(c.code).toMatch(/^[0-9]{6}$/);
        expect(c.sentAt).toMatch(ISO_MS);
      }
      expect((await emu.control('GET', '/_emulator/verification-codes?account=AK-L1')).body).toHaveLength(2);
      expect((await emu.control('GET', '/_emulator/verification-codes?phone=852-61111111')).body).toHaveLength(2);
      expect(
        (await emu.control('GET', '/_emulator/verification-codes?account=AK-L2&phone=852-61111111')).body,
      ).toHaveLength(1);
      expect((await emu.control('GET', '/_emulator/verification-codes?account=nobody')).body).toEqual([]);
      expect((await emu.control('GET', '/_emulator/verification-codes?acount=AK-L1')).status).toBe(400);
    });

    it('codes are random six-digit strings', async () => {
      const codes = new Set<string>();
      for (let i = 0; i < 20; i++) codes.add((await emu.sendCode(`AK-RND-${i}`, '852-61234567')).code);
      expect(codes.size).toBeGreaterThan(15);
    });
  });

  describe('management account names', () => {
    it(
      'a name another directory uses: 409 InvalidParameter.ManagementAccountName.AlreadyUsed (any case, with or' +
        ' without @rdadmin.aliyunid.com)',
      async () => {
        const a = await emu.sendCode('AK-M1', '852-61234567');
        expect(
          (await emu.call('EnableResourceDirectory', 'AK-M1', newAccount('Team-Admin', a.phone, a.code))).status,
        ).toBe(200);
        const b = await emu.sendCode('AK-M2', '852-61234567');
        for (const name of ['Team-Admin', 'team-admin', 'TEAM-ADMIN@rdadmin.aliyunid.com']) {
          const used = await emu.call('EnableResourceDirectory', 'AK-M2', newAccount(name, b.phone, b.code));
          expect([name, used.status, used.code]).toEqual([
            name,
            409,
            'InvalidParameter.ManagementAccountName.AlreadyUsed',
          ]);
        }
        // The refused attempts did not use the code.
        expect(
          (await emu.call('EnableResourceDirectory', 'AK-M2', newAccount('team-admin-2', b.phone, b.code))).status,
        ).toBe(200);
      },
    );

    it("a CurrentAccount directory's name counts as used", async () => {
      await emu.profile('AK-M3', { name: 'finance-root' });
      expect((await emu.call('EnableResourceDirectory', 'AK-M3', { EnableMode: 'CurrentAccount' })).status).toBe(200);
      const c = await emu.sendCode('AK-M4', '852-61234567');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-M4', newAccount('finance-root', c.phone, c.code))).code,
      ).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
    });

    it('new management account ids are distinct', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const c = await emu.sendCode(`AK-ID-${i}`, '852-61234567');
        const r = await emu.call('EnableResourceDirectory', `AK-ID-${i}`, newAccount(`id-admin-${i}`, c.phone, c.code));
        ids.add(r.body.ResourceDirectory.MasterAccountId);
        ids.add(r.body.ResourceDirectory.ResourceDirectoryId);
        ids.add(r.body.ResourceDirectory.RootFolderId);
      }
      expect(ids.size).toBe(30);
    });
  });

  describe('account profiles make every documented state error reachable', () => {
    const cases = [
      [{ inAnotherResourceDirectory: true }, 'NotSupport.AccountInAnotherResourceDirectory'],
      [{ accountType: 'individual' }, 'Invalid.AccountType'],
      [{ enterpriseVerified: false }, 'EnterpriseRealNameVerificationError'],
      [{ enterpriseName: '' }, 'Invalid.EnterpriseName'],
    ] as const;
    it.each(cases)(
      '%j → %s on EnableResourceDirectory (2022-04-19, which documents all twelve codes) and InitResourceDirectory',
      async (patch, code) => {
        const ak = `AK-PROFILE-${code}`;
        await emu.profile(ak, patch);
        for (const action of ['EnableResourceDirectory', 'InitResourceDirectory']) {
          const r = await emu.call(
            action,
            ak,
            action === 'EnableResourceDirectory' ? { EnableMode: 'CurrentAccount', ...RDM_VERSION } : {},
          );
          expect([action, r.status, r.code]).toEqual([
            action,
            action === 'EnableResourceDirectory' ? rdmStatusOf(action, code) : statusOf(action, code),
            code,
          ]);
        }
        // null puts the default back.
        await emu.profile(ak, Object.fromEntries(Object.keys(patch).map((k) => [k, null])));
        expect((await emu.call('InitResourceDirectory', ak)).status).toBe(200);
      },
    );

    it('SendVerificationCodeForEnableRD answers only the codes it documents', async () => {
      await emu.profile('AK-SEND-1', { accountType: 'individual', enterpriseVerified: false, enterpriseName: '' });
      expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-SEND-1')).status).toBe(200);
      await emu.profile('AK-SEND-2', { inAnotherResourceDirectory: true });
      expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-SEND-2')).code).toBe(
        'NotSupport.AccountInAnotherResourceDirectory',
      );
    });

    it("without --site an account's site does not matter", async () => {
      await emu.profile('AK-SITE', { site: 'china' });
      expect((await emu.call('InitResourceDirectory', 'AK-SITE')).status).toBe(200);
    });

    it('IdentityInformation follows the enterprise name', async () => {
      await emu.profile('AK-ID', { enterpriseName: 'Example Holdings Ltd.' });
      await emu.call('InitResourceDirectory', 'AK-ID');
      expect((await emu.call('GetResourceDirectory', 'AK-ID')).body.ResourceDirectory.IdentityInformation).toBe(
        'Example Holdings Ltd.',
      );
    });
  });

  describe('precedence', () => {
    it("the state step follows STATE_ERROR_PRECEDENCE, which keeps the contract's order", () => {
      const step = doc['x-acs-error-precedence'].order.find((s: { step: string }) => s.step === 'state');
      const contractOrder: string[] = step.errors;
      expect(contractOrder.length).toBeGreaterThan(0);
      expect(contractOrder.filter((c) => !(STATE_ERROR_PRECEDENCE as readonly string[]).includes(c))).toEqual([]);
      expect(STATE_ERROR_PRECEDENCE.filter((c) => contractOrder.includes(c))).toEqual(contractOrder);
      // Every code in the order is one some action documents with a 4xx.
      const documented = new Set(
        [
          'EnableResourceDirectory',
          'InitResourceDirectory',
          'SendVerificationCodeForEnableRD',
          'GetResourceDirectory',
        ].flatMap((a) =>
          STATE_ERROR_PRECEDENCE.filter((c) => {
            try {
              return statusOf(a, c) >= 400;
            } catch {
              return false;
            }
          }),
        ),
      );
      expect([...documented].sort()).toEqual([...STATE_ERROR_PRECEDENCE].sort());
    });

    it('EnableResourceDirectory: with every state error at once, each one wins until it is taken away', async () => {
      // Needs --site for NotSupport.Account.Site: a China site mock of its own.
      const china = await startEmulator({ site: 'china' });
      try {
        const owner = await china.sendCode('OWNER', '86-13900000000');
        expect(
          (
            await china.call(
              'EnableResourceDirectory',
              'OWNER',
              newAccount('taken@rdadmin.aliyunid.com', owner.phone, owner.code),
            )
          ).status,
        ).toBe(200);
        const order = [
          'EntityAlreadyExists.ResourceDirectory',
          'NotSupport.AccountInAnotherResourceDirectory',
          'NotSupport.Account.Site',
          'Invalid.AccountType',
          'EnterpriseRealNameVerificationError',
          'Invalid.EnterpriseName',
          'Invalid.VerificationCode',
          'InvalidParameter.ManagementAccountName.AlreadyUsed',
        ];
        expect(order).toEqual(STATE_ERROR_PRECEDENCE.filter((c) => order.includes(c)));
        const profileOf: Record<string, Record<string, unknown>> = {
          'NotSupport.AccountInAnotherResourceDirectory': { inAnotherResourceDirectory: true },
          'NotSupport.Account.Site': { site: 'intl' },
          'Invalid.AccountType': { accountType: 'individual' },
          EnterpriseRealNameVerificationError: { enterpriseVerified: false },
          'Invalid.EnterpriseName': { enterpriseName: '' },
        };
        for (let k = 0; k < order.length; k++) {
          const ak = `AK-PREC-${k}`;
          const active = order.slice(k);
          const sent = await china.sendCode(ak, '86-13911112222');
          if (active.includes('EntityAlreadyExists.ResourceDirectory'))
            expect((await china.call('EnableResourceDirectory', ak, { EnableMode: 'CurrentAccount' })).status).toBe(
              200,
            );
          await china.profile(ak, Object.assign({}, ...active.map((c) => profileOf[c] ?? {})));
          const code = active.includes('Invalid.VerificationCode') ? otherCode(sent.code) : sent.code;
          const name = active.includes('InvalidParameter.ManagementAccountName.AlreadyUsed')
            ? 'taken@rdadmin.aliyunid.com'
            : `free-${k}@rdadmin.aliyunid.com`;
          const r = await china.call('EnableResourceDirectory', ak, newAccount(name, sent.phone, code, RDM_VERSION));
          expect([k, r.code]).toEqual([k, order[k]]);
        }
        expect(china.problems).toEqual([]);
      } finally {
        await china.close();
      }
    });

    it(
      'SendVerificationCodeForEnableRD: EntityAlreadyExists before AccountInAnotherResourceDirectory before the' +
        ' quota',
      async () => {
        const fill = async (ak: string) => {
          for (let i = 0; i < QUOTA.limit; i++)
            expect((await emu.call('SendVerificationCodeForEnableRD', ak)).status).toBe(200);
        };
        await fill('AK-SP1');
        await emu.call('InitResourceDirectory', 'AK-SP1');
        await emu.profile('AK-SP1', { inAnotherResourceDirectory: true });
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-SP1')).code).toBe(
          'EntityAlreadyExists.ResourceDirectory',
        );
        await fill('AK-SP2');
        await emu.profile('AK-SP2', { inAnotherResourceDirectory: true });
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-SP2')).code).toBe(
          'NotSupport.AccountInAnotherResourceDirectory',
        );
        await emu.profile('AK-SP2', { inAnotherResourceDirectory: null });
        expect((await emu.call('SendVerificationCodeForEnableRD', 'AK-SP2')).code).toBe(QUOTA.error);
      },
    );

    it('parameters before state: a broken parameter wins over any state error', async () => {
      await emu.call('InitResourceDirectory', 'AK-PP');
      expect((await emu.call('EnableResourceDirectory', 'AK-PP', {})).code).toBe('MissingEnableMode');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-PP', { EnableMode: 'NewManagementAccount', MAName: 'xx' })).code,
      ).toBe('MissingSecureMobilePhone');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-PP', newAccount('-bad-', '852-61234567', '123456'))).code,
      ).toBe('InvalidParameter.ManagementAccountName');
      expect(
        (
          await emu.call('EnableResourceDirectory', 'AK-PP', {
            EnableMode: 'CurrentAccount',
            DryRun: 'yes',
            Version: '2022-04-19',
          })
        ).code,
      ).toBe('InvalidParameter');
      expect(
        (await emu.call('SendVerificationCodeForEnableRD', 'AK-PP', { SecureMobilePhone: 'not-a-phone' })).status,
      ).toBe(400);
    });

    it('a request without an AccessKeyId: 400 IncompleteSignature, before the parameters', async () => {
      for (const [action, params] of [
        ['GetResourceDirectory', {}],
        ['InitResourceDirectory', {}],
        ['SendVerificationCodeForEnableRD', {}],
        ['EnableResourceDirectory', { EnableMode: 'CurrentAccount' }],
        ['EnableResourceDirectory', {}],
      ] as const) {
        const r = await emu.call(action, undefined, params);
        expect([action, r.status, r.code]).toEqual([action, 400, 'IncompleteSignature']);
        expect(r.body.Message).toMatch(
          /^The request signature does not conform to Aliyun standards\. The stateful emulator keeps state per account/,
        );
      }
      expect((await emu.control('GET', '/_emulator/state')).body.accounts).toEqual({});
    });
  });

  it('XML answers come from the state too', async () => {
    const xml = { Format: 'XML' };
    const none = await emu.call('GetResourceDirectory', 'AK-XML', xml);
    expect([none.status, none.contentType, none.code]).toEqual([404, XML_TYPE, 'ResourceDirectoryNotInUse']);
    const enabled = await emu.call('EnableResourceDirectory', 'AK-XML', { EnableMode: 'CurrentAccount', ...xml });
    expect(enabled.contentType).toBe(XML_TYPE);
    const got = await emu.call('GetResourceDirectory', 'AK-XML', xml);
    expect(got.body.ResourceDirectory.ResourceDirectoryId).toBe(enabled.body.ResourceDirectory.ResourceDirectoryId);
    expect(got.body.ResourceDirectory.MasterAccountId).toBe(accountIdOf('AK-XML'));
  });

  it(
    'ResourceManager 2020-03-31 answers EnableResourceDirectory only with the codes it documents: an individual' +
      ' account is not Invalid.AccountType there',
    async () => {
      await emu.profile('AK-RM-TYPE', { accountType: 'individual' });
      expect(
        (
          await emu.call('EnableResourceDirectory', 'AK-RM-TYPE', {
            EnableMode: 'CurrentAccount',
            ...RDM_VERSION,
            DryRun: 'true',
          })
        ).code,
      ).toBe('Invalid.AccountType');
      expect((await emu.call('InitResourceDirectory', 'AK-RM-TYPE')).code).toBe('Invalid.AccountType');
      const r = await emu.call('EnableResourceDirectory', 'AK-RM-TYPE', { EnableMode: 'CurrentAccount' });
      expect(r.status).toBe(200);
    },
  );

  it('Prefer still selects a documented answer, and changes no state', async () => {
    const r = await emu.call(
      'EnableResourceDirectory',
      'AK-PREF',
      { EnableMode: 'CurrentAccount', ...RDM_VERSION },
      { prefer: 'example=Invalid.AccountType' },
    );
    expect(r.code).toBe('Invalid.AccountType');
    expect((await emu.call('GetResourceDirectory', 'AK-PREF')).code).toBe('ResourceDirectoryNotInUse');
  });

  describe('control routes', () => {
    it('GET /_emulator/state is the whole state; POST /_emulator/reset clears it', async () => {
      await emu.call('InitResourceDirectory', 'AK-ST');
      await emu.sendCode('AK-ST2', '852-61234567');
      await emu.profile('AK-ST3', { accountType: 'individual' });
      const state = (await emu.control('GET', '/_emulator/state')).body;
      expect(state.format).toBe('rd-emulator-state');
      expect(state.version).toBe(1);
      expect(Object.keys(state.accounts).sort()).toEqual(['AK-ST', 'AK-ST2', 'AK-ST3']);
      expect(state.accounts['AK-ST3'].profile).toEqual({ accountType: 'individual' });
      expect(Object.keys(state.directories)).toEqual([state.accounts['AK-ST'].resourceDirectoryId]);
      expect(state.verificationCodes).toHaveLength(1);
      const reset = await emu.control('POST', '/_emulator/reset');
      expect([reset.status, reset.body]).toEqual([200, { reset: true }]);
      expect((await emu.control('GET', '/_emulator/state')).body).toEqual({
        format: 'rd-emulator-state',
        version: 1,
        accounts: {},
        directories: {},
        verificationCodes: [],
      });
      expect((await emu.call('GetResourceDirectory', 'AK-ST')).code).toBe('ResourceDirectoryNotInUse');
    });

    it('GET /_emulator/accounts/<id>: defaults; POST sets fields; null restores a default', async () => {
      const id = accountIdOf('AK/with space');
      const path = `/_emulator/accounts/${encodeURIComponent('AK/with space')}`;
      expect((await emu.control('GET', path)).body).toEqual({
        accessKeyId: 'AK/with space',
        accountId: id,
        accountType: 'enterprise',
        enterpriseVerified: true,
        enterpriseName: 'Emulated Enterprise Co., Ltd.',
        inAnotherResourceDirectory: false,
        phone: defaultPhone(id, undefined),
        name: `aliyun-${id}`,
        resourceDirectoryId: null,
        verificationCodesSentToday: 0,
      });
      const set = await emu.control('POST', path, { site: 'intl', phone: '852-55555555', enterpriseVerified: false });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({
        site: 'intl',
        phone: '852-55555555',
        enterpriseVerified: false,
        accountType: 'enterprise',
      });
      const cleared = await emu.control('POST', path, { phone: null });
      expect(cleared.body).toMatchObject({ site: 'intl', phone: defaultPhone(id, 'intl'), enterpriseVerified: false });
    });

    it.each([
      ['POST', '/_emulator/accounts/AK', '{not json', 400, /JSON object/],
      ['POST', '/_emulator/accounts/AK', [], 400, /JSON object/],
      ['POST', '/_emulator/accounts/AK', { colour: 'red' }, 400, /unknown field "colour"/],
      ['POST', '/_emulator/accounts/AK', { site: 'mars' }, 400, /site must be/],
      ['POST', '/_emulator/accounts/AK', { accountType: 'robot' }, 400, /accountType must be/],
      ['POST', '/_emulator/accounts/AK', { enterpriseVerified: 'yes' }, 400, /enterpriseVerified must be/],
      ['POST', '/_emulator/accounts/AK', { phone: '13900001234' }, 400, /phone must be/],
      ['POST', '/_emulator/accounts/AK', { name: 5 }, 400, /name must be/],
      ['POST', '/_emulator/accounts/%E0%A4%A', {}, 400, /percent-encoding/],
      ['PUT', '/_emulator/accounts/AK', undefined, 405, /allowed: GET, POST, DELETE/],
      ['GET', '/_emulator/reset', undefined, 405, /allowed: POST/],
      ['POST', '/_emulator/state', undefined, 405, /allowed: GET/],
      ['GET', '/_emulator/nothing', undefined, 404, /no control route/],
      ['GET', '/_emulator', undefined, 404, /no control route/],
      ['GET', '/_emulator/accounts/', undefined, 404, /no control route/],
      ['GET', '/_emulator/accounts/a/b', undefined, 404, /percent-encode/],
      ['GET', '/_emulator/accounts/%20', undefined, 400, /empty/],
    ] as const)('%s %s %j → %i', async (method, path, body, status, message) => {
      const r = await emu.control(method, path, body);
      expect(r.status).toBe(status);
      expect(r.body.error).toMatch(message);
      if (status === 405) expect(r.headers.get('allow')).toBeTruthy();
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('a control body over 64 KiB: 413', async () => {
      const r = await emu.control('POST', '/_emulator/accounts/AK', { name: 'x'.repeat(70_000) });
      expect(r.status).toBe(413);
    });

    it('a refused profile change changes nothing', async () => {
      await emu.control('POST', '/_emulator/accounts/AK-RF', { site: 'intl', colour: 'red' });
      expect((await emu.control('GET', '/_emulator/state')).body.accounts).toEqual({});
    });
  });
});

describe('stateful emulator, --site china', () => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await startEmulator({ site: 'china' });
  });
  afterEach(() => expect(emu.problems).toEqual([]));
  afterAll(() => emu.close());

  it('the default phone is a Chinese mainland number, which the China site accepts', async () => {
    const { phone, code } = await emu.sendCode('CN-1');
    expect(phone).toBe(defaultPhone(accountIdOf('CN-1'), 'china'));
    expect(phone).toMatch(/^86-139[0-9]{8}$/);
    const r = await emu.call(
      'EnableResourceDirectory',
      'CN-1',
      newAccount('cn-admin@rdadmin.aliyunid.com', phone, code),
    );
    expect(r.status).toBe(200);
    expect(r.body.ResourceDirectory.MasterAccountName).toBe('cn-admin@rdadmin.aliyunid.com');
  });

  it('site rules come first (the validator), then the state', async () => {
    const { phone, code } = await emu.sendCode('CN-2', '86-13900001111');
    expect((await emu.call('EnableResourceDirectory', 'CN-2', newAccount('cn-admin2', phone, code))).code).toBe(
      'InvalidParameter.ManagementAccountName',
    );
    expect(
      (await emu.call('SendVerificationCodeForEnableRD', 'CN-2', { SecureMobilePhone: '852-61234567' })).code,
    ).toBe('InvalidParameter.MobileCountryCode');
  });

  it('an account registered at the other site: NotSupport.Account.Site', async () => {
    await emu.profile('CN-3', { site: 'intl' });
    for (const action of ['InitResourceDirectory', 'EnableResourceDirectory']) {
      const r = await emu.call(
        action,
        'CN-3',
        action === 'EnableResourceDirectory' ? { EnableMode: 'CurrentAccount', ...RDM_VERSION } : {},
      );
      expect([r.status, r.code]).toEqual([409, 'NotSupport.Account.Site']);
    }
    await emu.profile('CN-3', { site: 'china' });
    expect((await emu.call('InitResourceDirectory', 'CN-3')).status).toBe(200);
  });

  it("NotSupport.AccountInAnotherResourceDirectory in the China site's words", async () => {
    await emu.profile('CN-4', { inAnotherResourceDirectory: true });
    const r = await emu.call('EnableResourceDirectory', 'CN-4', { EnableMode: 'CurrentAccount' });
    expect(r.code).toBe('NotSupport.AccountInAnotherResourceDirectory');
    expect(r.body.Message).toMatch(/^Your account is a management account for another resource directory/);
  });
});

describe("the quota is the contract's", () => {
  it('a contract with limit 3 refuses the 4th code', async () => {
    const docs = ['ResourceManager/2020-03-31', 'ResourceDirectoryMaster/2022-04-19'].map((api) =>
      JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8')),
    );
    docs[0].paths['/#Action=SendVerificationCodeForEnableRD'].post['x-acs-quota'].limit = 3;
    const emu = await startEmulator({ contract: buildContract(docs) });
    try {
      for (let i = 0; i < 3; i++) expect((await emu.call('SendVerificationCodeForEnableRD', 'AK')).status).toBe(200);
      expect((await emu.call('SendVerificationCodeForEnableRD', 'AK')).code).toBe(
        'SendValidateCodeExceedsLimitForAccount',
      );
      expect(emu.problems).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});

describe('without stateful, the mock is unchanged', () => {
  it('examples every time, no control routes, anonymous requests accepted', async () => {
    const mock = await startMock();
    try {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(
          `${mock.url}/?Action=EnableResourceDirectory&Version=2020-03-31&EnableMode=CurrentAccount&AccessKeyId=AK`,
          { method: 'POST' },
        );
        expect(r.status).toBe(200);
        expect((await r.json()).ResourceDirectory.ResourceDirectoryId).toBe('rd-54****');
      }
      expect((await fetch(`${mock.url}/?Action=GetResourceDirectory&Version=2020-03-31`)).status).toBe(200);
      const control = await fetch(`${mock.url}/_emulator/state`);
      expect(control.status).toBe(404);
      expect((await control.json()).Code).toBe('InvalidApi.NotFound');
      expect(mock.problems).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('handlers given with stateful still win per action', async () => {
    const emu = await startEmulator({ handlers: { GetResourceDirectory: () => ({ kind: 'example' }) } });
    try {
      expect((await emu.call('GetResourceDirectory', 'AK')).status).toBe(200);
      expect((await emu.call('InitResourceDirectory', 'AK')).status).toBe(200);
      expect((await emu.call('InitResourceDirectory', 'AK')).code).toBe('EntityAlreadyExists.ResourceDirectory');
    } finally {
      await emu.close();
    }
  });
});
