// packages/client/src/protocol/validate.ts: every parameter rule of the contract maps to its documented error, in the
// documented precedence.
import { describe, expect, it } from 'vitest';
import { checkAllParameters, checkParameters } from '../../../../packages/client/src/index.js';
import { contract, type ActionRules } from '../../../../generated/contract.js';
import { deref, doc, errorCodes, operations, type Json } from '../../../helpers/contract.js';

const rules = contract.apis['ResourceManager/2020-03-31'];

const RDM = { api: 'ResourceDirectoryMaster/2022-04-19' } as const;
const valid = {
  EnableMode: 'NewManagementAccount',
  MAName: 'user01',
  MASecureMobilePhone: '852-61234567',
  VerificationCode: '123456',
  DryRun: 'false',
};

describe('checkParameters', () => {
  it('accepts valid parameters of every action', () => {
    expect(checkParameters('EnableResourceDirectory', valid)).toBeUndefined();
    expect(checkParameters('EnableResourceDirectory', { EnableMode: 'CurrentAccount' })).toBeUndefined();
    expect(
      checkParameters('EnableResourceDirectory', { EnableMode: 'CurrentAccount', DryRun: true }, RDM),
    ).toBeUndefined();
    expect(checkParameters('InitResourceDirectory', {})).toBeUndefined();
    expect(checkParameters('GetResourceDirectory', {})).toBeUndefined();
    expect(checkParameters('SendVerificationCodeForEnableRD', {})).toBeUndefined();
    expect(checkParameters('SendVerificationCodeForEnableRD', { SecureMobilePhone: '86-13900001234' })).toBeUndefined();
  });

  it.each([
    ['EnableMode missing', {}, 'MissingEnableMode', 400],
    ['EnableMode empty', { EnableMode: '' }, 'MissingEnableMode', 400],
    ['EnableMode not in the enum', { EnableMode: 'currentaccount' }, 'InvalidParameter', 400],
    ['MAName malformed', { ...valid, MAName: 'a..b' }, 'InvalidParameter.ManagementAccountName', 409],
    [
      'MASecureMobilePhone malformed',
      { ...valid, MASecureMobilePhone: '13900001234' },
      'InvalidParameter.ManagementAccountSecurityInfo',
      409,
    ],
    ['VerificationCode malformed', { ...valid, VerificationCode: '12ab' }, 'Invalid.VerificationCode', 409],
    ['NewManagementAccount without MAName', { ...valid, MAName: undefined }, 'MissingMAName', 400],
    [
      'NewManagementAccount without MASecureMobilePhone',
      { ...valid, MASecureMobilePhone: undefined },
      'MissingSecureMobilePhone',
      409,
    ],
    ['NewManagementAccount without VerificationCode', { ...valid, VerificationCode: '' }, 'MissingSecurityInfo', 409],
  ] as const)('EnableResourceDirectory: %s -> %s', (_, params, code, status) => {
    const v = checkParameters('EnableResourceDirectory', params)!;
    expect(v.code).toBe(code);
    expect(v.status).toBe(status);
    const documented = errorCodes('EnableResourceDirectory').find((e) => e.code === code)!;
    expect(v.message).toBe(documented.message);
    expect(v.status).toBe(documented.status);
    expect(v.detail).toContain(v.parameter);
  });

  it(
    'SendVerificationCodeForEnableRD: a malformed phone is InvalidParameter, a phone the site does not serve' +
      ' InvalidParameter.MobileCountryCode',
    () => {
      expect(checkParameters('SendVerificationCodeForEnableRD', { SecureMobilePhone: 'xx-13900001234' })?.code).toBe(
        'InvalidParameter',
      );
      expect(
        checkParameters('SendVerificationCodeForEnableRD', { SecureMobilePhone: '86-13900001234' }, { site: 'intl' })
          ?.code,
      ).toBe('InvalidParameter.MobileCountryCode');
      expect(
        checkParameters('SendVerificationCodeForEnableRD', { SecureMobilePhone: '852-61234567' }, { site: 'china' })
          ?.code,
      ).toBe('InvalidParameter.MobileCountryCode');
    },
  );

  it('site rules apply only with a site', () => {
    const china = { ...valid, MAName: 'user01@rdadmin.aliyunid.com', MASecureMobilePhone: '86-13900001234' };
    expect(checkParameters('EnableResourceDirectory', china)).toBeUndefined();
    expect(checkParameters('EnableResourceDirectory', china, { site: 'china' })).toBeUndefined();
    expect(checkParameters('EnableResourceDirectory', china, { site: 'intl' })?.code).toBe(
      'InvalidParameter.ManagementAccountName',
    );
    expect(checkParameters('EnableResourceDirectory', valid, { site: 'china' })?.code).toBe(
      'InvalidParameter.ManagementAccountName',
    );
    expect(checkParameters('EnableResourceDirectory', { ...china, MAName: 'user01' }, { site: 'intl' })?.code).toBe(
      'InvalidParameter.ManagementAccountSecurityInfo',
    );
  });

  it('precedence: 400s before 409s; missing before schema before rule before site; then declared order', () => {
    const all = checkAllParameters(
      'EnableResourceDirectory',
      { EnableMode: 'NewManagementAccount', MAName: 'a..b', VerificationCode: 'x' },
      { site: 'intl' },
    );
    expect(all.map((v) => v.code)).toEqual([
      'InvalidParameter.ManagementAccountName',
      'Invalid.VerificationCode',
      'MissingSecureMobilePhone',
    ]);
    const withGateway = checkAllParameters(
      'EnableResourceDirectory',
      { EnableMode: 'NewManagementAccount', MAName: '', MASecureMobilePhone: 'bad', DryRun: 'maybe' },
      RDM,
    );
    expect(withGateway.map((v) => v.code)).toEqual([
      'InvalidParameter',
      'MissingMAName',
      'InvalidParameter.ManagementAccountSecurityInfo',
      'MissingSecurityInfo',
    ]);
  });

  it(
    'DryRun is checked where it is declared (ResourceDirectoryMaster 2022-04-19) and is no rule of ResourceManager' +
      ' 2020-03-31',
    () => {
      const v = checkParameters('EnableResourceDirectory', { EnableMode: 'CurrentAccount', DryRun: 'yes' }, RDM)!;
      expect([v.code, v.status, v.parameter]).toEqual(['InvalidParameter', 400, 'DryRun']);
      expect(
        checkParameters('EnableResourceDirectory', { EnableMode: 'CurrentAccount', DryRun: 'yes' }),
      ).toBeUndefined();
      expect(() => checkParameters('InitResourceDirectory', {}, RDM)).toThrow(
        /Unknown action InitResourceDirectory in ResourceDirectoryMaster\/2022-04-19/,
      );
    },
  );

  it('parameter names are case-sensitive', () => {
    expect(checkParameters('EnableResourceDirectory', { enablemode: 'CurrentAccount' })?.code).toBe(
      'MissingEnableMode',
    );
  });

  it('every x-acs-errors code of the contract is documented on its action', () => {
    let checked = 0;
    for (const [action, a] of Object.entries<ActionRules>(rules.actions)) {
      const codes = new Set(errorCodes(action).map((e) => e.code));
      for (const p of a.parameters) {
        for (const code of Object.values(p.errors))
          expect(codes.has(code as string), `${action} ${p.name} ${code}`).toBe(true);
        for (const r of Object.values(p.siteRules ?? {}))
          expect(codes.has(r.error), `${action} ${p.name} ${r.error}`).toBe(true);
        checked += Object.values(p.errors).length + Object.values(p.siteRules ?? {}).length;
      }
    }
    // as many as the published description gives the operations' own parameters (x-acs-errors and x-acs-site-rules)
    const common = new Set<string>(doc['x-acs-common-parameters'].operations);
    const published = operations
      .flatMap(({ op }) => (op.parameters as Json[]).map((p) => deref(p)).filter((p) => !common.has(p.name)))
      .reduce(
        (n, p) => n + Object.keys(p['x-acs-errors'] ?? {}).length + Object.keys(p['x-acs-site-rules'] ?? {}).length,
        0,
      );
    expect(published).toBeGreaterThan(0);
    expect(checked).toBe(published);
  });

  it('the China site message is used when the site is china', () => {
    // The only site-specific message is on a state error; the validator passes it through for any code it answers.
    expect(
      rules.actions.EnableResourceDirectory.errors['NotSupport.AccountInAnotherResourceDirectory'].siteMessages.china,
    ).toMatch(/^Your account is a management account/);
  });
});
