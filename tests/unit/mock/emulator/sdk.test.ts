// Whole scenarios against the stateful emulator with signatures verified, driven by the official SDK
// (@alicloud/resourcemanager20200331, configured as in tests/unit/mock/mock/sdk.test.ts) and by our client
// (packages/client/src/client.ts), in both signing styles: the account is the verified AccessKeyId. Every API answer is
// checked against the contract.
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../../packages/client/src/index.js';
import { accountIdOf } from '../../../../packages/mock/src/index.js';
import { startEmulator, type Emu } from '../../../helpers/emulator.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's CommonJS modules are untyped here */
const RM: any = require('@alicloud/resourcemanager20200331');
const OpenApi: any = require('@alicloud/openapi-core');

const KEYS = { LTAI5tEmulatorAlice: 'alice-secret-0123456789', LTAI5tEmulatorBob: 'bob-secret-0123456789' } as const;
type Id = keyof typeof KEYS;
const ALICE: Id = 'LTAI5tEmulatorAlice';
const BOB: Id = 'LTAI5tEmulatorBob';

function sdk(port: number, style: 'ACS3' | 'v2', id: Id, secret: string = KEYS[id]): any {
  return new RM.default(
    new OpenApi.$OpenApiUtil.Config({
      accessKeyId: id,
      accessKeySecret: secret,
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
      ...(style === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
      retryOptions: undefined,
    }),
  );
}
const runtime = () => ({ autoretry: false, maxAttempts: 0 });

async function sdkError(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('the SDK call succeeded');
}

let emu: Emu;
beforeAll(async () => {
  emu = await startEmulator({ verifySignatures: true, accessKeys: KEYS });
});
beforeEach(async () => {
  expect((await emu.control('POST', '/_emulator/reset')).status).toBe(200);
});
afterEach(() => expect(emu.problems).toEqual([]));
afterAll(() => emu.close());

describe.each(['ACS3', 'v2'] as const)('official SDK, %s signing', (style) => {
  it('get 404 → code → enable NewManagementAccount → get: the same directory; enable again: 409', async () => {
    const alice = sdk(emu.port, style, ALICE);
    const missing = await sdkError(alice.getResourceDirectoryWithOptions(runtime()));
    expect(missing).toBeInstanceOf(OpenApi.ClientError);
    expect([missing.code, missing.statusCode]).toEqual(['ResourceDirectoryNotInUse', 404]);

    const sent = await alice.sendVerificationCodeForEnableRDWithOptions(
      new RM.SendVerificationCodeForEnableRDRequest({ secureMobilePhone: '852-61234567' }),
      runtime(),
    );
    expect(sent.statusCode).toBe(200);
    const codes = (await emu.control('GET', `/_emulator/verification-codes?account=${ALICE}`)).body;
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({ account: ALICE, phone: '852-61234567', status: 'valid' });

    const enabled = await alice.enableResourceDirectoryWithOptions(
      new RM.EnableResourceDirectoryRequest({
        enableMode: 'NewManagementAccount',
        MAName: 'sdk-admin',
        MASecureMobilePhone: '852-61234567',
        verificationCode: codes[0].code,
      }),
      runtime(),
    );
    expect(enabled.statusCode).toBe(200);
    const rd = enabled.body.resourceDirectory;
    expect(rd.masterAccountName).toBe('sdk-admin');
    expect(rd.masterAccountId).not.toBe(accountIdOf(ALICE));
    expect(rd.resourceDirectoryId).toMatch(/^rd-[A-Za-z0-9]{6}$/);

    const got = await alice.getResourceDirectoryWithOptions(runtime());
    expect(got.body.resourceDirectory).toMatchObject({
      resourceDirectoryId: rd.resourceDirectoryId,
      rootFolderId: rd.rootFolderId,
      masterAccountId: rd.masterAccountId,
      masterAccountName: 'sdk-admin',
      createTime: rd.createTime,
      controlPolicyStatus: 'Disabled',
      memberDeletionStatus: 'Disabled',
    });

    const again = await sdkError(
      alice.enableResourceDirectoryWithOptions(
        new RM.EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' }),
        runtime(),
      ),
    );
    expect([again.code, again.statusCode]).toEqual(['EntityAlreadyExists.ResourceDirectory', 409]);
    // Bob is another account.
    expect((await sdkError(sdk(emu.port, style, BOB).getResourceDirectoryWithOptions(runtime()))).code).toBe(
      'ResourceDirectoryNotInUse',
    );
  });

  it('InitResourceDirectory: the verified account is the management account', async () => {
    const bob = sdk(emu.port, style, BOB);
    const init = await bob.initResourceDirectoryWithOptions(runtime());
    expect(init.body.resourceDirectory.masterAccountId).toBe(accountIdOf(BOB));
    const code = await sdkError(
      bob.sendVerificationCodeForEnableRDWithOptions(new RM.SendVerificationCodeForEnableRDRequest({}), runtime()),
    );
    expect(code.code).toBe('EntityAlreadyExists.ResourceDirectory');
  });

  it('a wrong code reaches the SDK as 409 Invalid.VerificationCode', async () => {
    const alice = sdk(emu.port, style, ALICE);
    await alice.sendVerificationCodeForEnableRDWithOptions(
      new RM.SendVerificationCodeForEnableRDRequest({ secureMobilePhone: '852-61234567' }),
      runtime(),
    );
    const [{ code }] = (await emu.control('GET', `/_emulator/verification-codes?account=${ALICE}`)).body;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const err = await sdkError(
      alice.enableResourceDirectoryWithOptions(
        new RM.EnableResourceDirectoryRequest({
          enableMode: 'NewManagementAccount',
          MAName: 'sdk-admin',
          MASecureMobilePhone: '852-61234567',
          verificationCode: wrong,
        }),
        runtime(),
      ),
    );
    expect([err.code, err.statusCode]).toEqual(['Invalid.VerificationCode', 409]);
  });

  it('a request whose signature does not verify changes nothing', async () => {
    const forged = sdk(emu.port, style, ALICE, 'not-the-secret');
    const err = await sdkError(forged.initResourceDirectoryWithOptions(runtime()));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect((await emu.control('GET', '/_emulator/state')).body.accounts).toEqual({});
  });
});

describe.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)('our client, %s', (signatureAlgorithm) => {
  const client = (id: Id) =>
    createClient({ endpoint: emu.url, accessKeyId: id, accessKeySecret: KEYS[id], signatureAlgorithm });
  /** The same account through ResourceDirectoryMaster 2022-04-19, the API with DryRun: one state behind both. */
  const rdm = (id: Id) =>
    createClient({
      api: 'ResourceDirectoryMaster/2022-04-19',
      endpoint: emu.url,
      accessKeyId: id,
      accessKeySecret: KEYS[id],
      signatureAlgorithm,
    });

  it('get → error; code; dry run; enable; get → the same directory; Init → EntityAlreadyExists', async () => {
    const rd = client(ALICE);
    const before = await rd.GetResourceDirectory();
    expect(before.error?.Code).toBe('ResourceDirectoryNotInUse');
    expect(before.response.status).toBe(404);

    const sent = await rd.SendVerificationCodeForEnableRD({ SecureMobilePhone: '852-61234567' });
    expect(sent.error).toBeUndefined();
    const [{ code, phone }] = (
      await emu.control('GET', `/_emulator/verification-codes?account=${ALICE}&phone=852-61234567`)
    ).body;

    const params = {
      EnableMode: 'NewManagementAccount',
      MAName: 'client-admin',
      MASecureMobilePhone: phone,
      VerificationCode: code,
    } as const;
    const dry = await rdm(ALICE).EnableResourceDirectory({ ...params, DryRun: true });
    expect(dry.data?.ResourceDirectory.MasterAccountName).toBe('client-admin');
    expect((await rd.GetResourceDirectory()).error?.Code).toBe('ResourceDirectoryNotInUse');

    const enabled = await rd.EnableResourceDirectory(params);
    expect(enabled.error).toBeUndefined();
    const got = await rd.GetResourceDirectory();
    expect(got.data?.ResourceDirectory).toMatchObject(enabled.data!.ResourceDirectory);
    expect(got.data?.RequestId).toBe(got.response.headers.get('x-acs-request-id'));

    const init = await rd.InitResourceDirectory();
    expect(init.error?.Code).toBe('EntityAlreadyExists.ResourceDirectory');
    expect(init.response.status).toBe(409);
  });

  it('the name another account uses: InvalidParameter.ManagementAccountName.AlreadyUsed', async () => {
    const alice = client(ALICE);
    const bob = client(BOB);
    await alice.SendVerificationCodeForEnableRD({ SecureMobilePhone: '852-61234567' });
    await bob.SendVerificationCodeForEnableRD({ SecureMobilePhone: '852-61234567' });
    const codes = (await emu.control('GET', '/_emulator/verification-codes')).body;
    const codeOf = (id: string) => codes.find((c: { account: string }) => c.account === id).code;
    const enable = (c: ReturnType<typeof client>, id: string) =>
      c.EnableResourceDirectory({
        EnableMode: 'NewManagementAccount',
        MAName: 'shared-name',
        MASecureMobilePhone: '852-61234567',
        VerificationCode: codeOf(id),
      });
    expect((await enable(alice, ALICE)).error).toBeUndefined();
    expect((await enable(bob, BOB)).error?.Code).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
  });
});
