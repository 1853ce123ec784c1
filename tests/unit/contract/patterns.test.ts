// The validation patterns of the contract, through the compiled schemas of the bundled description:
// hand-picked valid and invalid cases for each, and a property test against the seeds' rules written as plain code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchema, contracts, deref, doc } from '../../helpers/contract.js';

const param = (name: string) => doc.components.parameters[name];
/** Each parameter's check, per site, compiled once (ajv compiles a schema again for every new schema object). */
const checks = new Map<string, (value: string) => boolean>();
const accepts = (name: string, site?: 'intl' | 'china') => {
  const key = `${name} ${site}`;
  let check = checks.get(key);
  if (!check) {
    const base = compileSchema(param(name).schema);
    const siteRule = site ? compileSchema(param(name)['x-acs-site-rules'][site].schema) : undefined;
    check = (value: string) => base(value) === true && (siteRule ? siteRule(value) === true : true);
    checks.set(key, check);
  }
  return check;
};

/** Seed 000/002's MAName rule for the prefix, in words made code: 2-50 characters of letters, digits and _ . -,
 *  starting and ending with a letter or digit, no two special characters in a row. */
function prefixOk(prefix: string): boolean {
  if (prefix.length < 2 || prefix.length > 50) return false;
  const alnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
  const special = (c: string) => c === '_' || c === '.' || c === '-';
  for (const c of prefix) if (!alnum(c) && !special(c)) return false;
  if (!alnum(prefix[0]!) || !alnum(prefix[prefix.length - 1]!)) return false;
  for (let i = 1; i < prefix.length; i++) if (special(prefix[i]!) && special(prefix[i - 1]!)) return false;
  return true;
}
const suffix = '@rdadmin.aliyunid.com';
const maNameOk = (s: string, site?: 'intl' | 'china') => {
  const china = s.endsWith(suffix) && prefixOk(s.slice(0, -suffix.length));
  const intl = prefixOk(s);
  return site === 'intl' ? intl : site === 'china' ? china : intl || china;
};

const fifty = 'a'.repeat(50);
const maNameValid = [
  'ab',
  'a1',
  '1a',
  '12',
  'user01',
  'User.Name',
  'a-b',
  'a_b',
  'a.b',
  'a.b-c_d',
  'A1_b2.c3-d4',
  fifty,
  `a${'_b'.repeat(24)}a`,
  'rd-admin',
  'admin2024',
  'x9',
  '0.0',
  'a-1-b-2',
  'ZZ',
  'alice.smith',
  `ab${suffix}`,
  `user01${suffix}`,
  `a.b-c_d${suffix}`,
  `${fifty}${suffix}`,
  `9z${suffix}`,
  `A_B${suffix}`,
  `x-y.z${suffix}`,
  `mgmt.account-01${suffix}`,
  `a1${suffix}`,
  `Q7.w8${suffix}`,
];
const maNameInvalid = [
  '',
  'a',
  '_',
  '-a',
  'a-',
  '.ab',
  'ab.',
  'a..b',
  'a._b',
  'a-_b',
  'a__b',
  'a b',
  'a@b',
  'a/b',
  'ä1',
  'ab!',
  `${fifty}a`,
  `a${suffix}`,
  `_ab${suffix}`,
  `ab_${suffix}`,
  `a--b${suffix}`,
  `${fifty}a${suffix}`,
  `ab@rdadmin.aliyunid.co`,
  `ab@example.com`,
  `ab${suffix}${suffix}`,
  `${suffix}`,
  `ab @rdadmin.aliyunid.com`,
  'ab\n',
  ' ab',
  'ab ',
  'a\u00a0b',
  'ab\u0000',
];

describe('MAName', () => {
  it('has at least 30 valid and 30 invalid cases', () => {
    expect(maNameValid.length).toBeGreaterThanOrEqual(30);
    expect(maNameInvalid.length).toBeGreaterThanOrEqual(30);
  });
  it.each(maNameValid)('accepts %j', (v) => {
    expect(maNameOk(v)).toBe(true);
    expect(accepts('MAName')(v)).toBe(true);
  });
  it.each(maNameInvalid)('refuses %j', (v) => {
    expect(maNameOk(v)).toBe(false);
    expect(accepts('MAName')(v)).toBe(false);
  });
  it('site rules: the international site takes <Prefix>, the China site <prefix>@rdadmin.aliyunid.com', () => {
    expect(accepts('MAName', 'intl')('user01')).toBe(true);
    expect(accepts('MAName', 'intl')(`user01${suffix}`)).toBe(false);
    expect(accepts('MAName', 'china')(`user01${suffix}`)).toBe(true);
    expect(accepts('MAName', 'china')('user01')).toBe(false);
  });
  it('agrees with the rule in words on random input, for both sites', () => {
    const chars = fc.constantFrom(...'aZ09_.-@ ä'.split(''));
    const candidate = fc.oneof(
      fc.string({ unit: chars, minLength: 0, maxLength: 55 }),
      fc.string({ unit: chars, minLength: 0, maxLength: 55 }).map((s) => s + suffix),
    );
    let runs = 0;
    fc.assert(
      fc.property(candidate, fc.constantFrom(undefined, 'intl' as const, 'china' as const), (s, site) => {
        runs++;
        expect(accepts('MAName', site)(s)).toBe(maNameOk(s, site));
      }),
      { numRuns: 3000 },
    );
    expect(runs).toBeGreaterThanOrEqual(3000);
  });
});

/** `<Country code>-<Mobile phone number>`: 1-4 digits, a hyphen, 5-15 digits. */
const phoneOk = (s: string, site?: 'intl' | 'china') => {
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (!m || m[1]!.length > 4 || m[2]!.length < 5 || m[2]!.length > 15) return false;
  return site === 'intl' ? m[1] !== '86' : site === 'china' ? m[1] === '86' : true;
};
const phoneValid = [
  '86-13900001234',
  '852-61234567',
  '1-2025550123',
  '44-7700900123',
  '65-81234567',
  '81-9012345678',
  '7-9161234567',
  '61-412345678',
  '49-15123456789',
  '33-612345678',
  '886-912345678',
  '853-66123456',
  '60-123456789',
  '62-8123456789',
  '63-9171234567',
  '66-812345678',
  '84-912345678',
  '91-9876543210',
  '971-501234567',
  '1242-3591234',
  '1-12345',
  '999-123456789012345',
  '0-00000',
  '86-12345',
  '852-123456789012345',
  '1-555555',
  '39-3123456789',
  '34-612345678',
  '82-1012345678',
  '55-11912345678',
];
const phoneInvalid = [
  '',
  '13900001234',
  'xx-13900001234',
  '+86-13900001234',
  '86 13900001234',
  '86--13900001234',
  '86-',
  '-13900001234',
  '12345-13900001234',
  '86-1234',
  '86-1234567890123456',
  '86-139 0000 1234',
  '86-139-0000-1234',
  '86-1390000123a',
  'a-13900001234',
  '86_13900001234',
  ' 86-13900001234',
  '86-13900001234 ',
  '86-13900001234\n',
  '８６-13900001234',
  '86-１３９00001234',
  '86-13900001234-1',
  '(86)-13900001234',
  '86.13900001234',
  '86/13900001234',
  '0086-13900001234x',
  '86-+13900001234',
  '86-0x1234567',
  '--',
  '852-6123456７',
];

describe.each(['MASecureMobilePhone', 'SecureMobilePhone'])('%s', (name) => {
  it('has at least 30 valid and 30 invalid cases', () => {
    expect(phoneValid.length).toBeGreaterThanOrEqual(30);
    expect(phoneInvalid.length).toBeGreaterThanOrEqual(30);
  });
  it.each(phoneValid)('accepts %j', (v) => {
    expect(phoneOk(v)).toBe(true);
    expect(accepts(name)(v)).toBe(true);
  });
  it.each(phoneInvalid)('refuses %j', (v) => {
    expect(phoneOk(v)).toBe(false);
    expect(accepts(name)(v)).toBe(false);
  });
  it('site rules: the international site refuses 86-, the China site takes only 86-', () => {
    expect(accepts(name, 'intl')('86-13900001234')).toBe(false);
    expect(accepts(name, 'intl')('852-61234567')).toBe(true);
    expect(accepts(name, 'china')('86-13900001234')).toBe(true);
    expect(accepts(name, 'china')('852-61234567')).toBe(false);
  });
  it('agrees with the rule in words on random input', () => {
    const candidate = fc
      .tuple(
        fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: 6 }),
        fc.constantFrom('-', '', '--', ' '),
        fc.string({ unit: fc.constantFrom(...'0123456789a'.split('')), maxLength: 17 }),
      )
      .map(([a, b, c]) => a + b + c);
    let runs = 0;
    fc.assert(
      fc.property(candidate, fc.constantFrom(undefined, 'intl' as const, 'china' as const), (s, site) => {
        runs++;
        expect(accepts(name, site)(s)).toBe(phoneOk(s, site));
      }),
      { numRuns: 2000 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
  });
});

describe('other constraints', () => {
  it('EnableMode is an enum of the two documented modes', () => {
    const v = compileSchema(param('EnableMode').schema);
    expect(v('CurrentAccount')).toBe(true);
    expect(v('NewManagementAccount')).toBe(true);
    for (const bad of ['currentaccount', 'Current', '', 'NewAccount']) expect(v(bad), bad).toBe(false);
  });
  it('VerificationCode is six digits', () => {
    const v = compileSchema(param('VerificationCode').schema);
    expect(v('123456')).toBe(true);
    for (const bad of ['12345', '1234567', '12345a', '', ' 123456']) expect(v(bad), bad).toBe(false);
  });
  it('DryRun is a boolean, false by default', () => {
    expect(contracts['ResourceDirectoryMaster/2022-04-19']!.doc.components.parameters.DryRun.schema).toEqual({
      type: 'boolean',
      default: false,
    });
  });
  it('Action and Version are required query parameters with a single allowed value on every operation', () => {
    for (const [pathKey, item] of Object.entries<
      Record<
        string,
        {
          operationId: string;
          parameters: { name?: string; $ref?: string; in?: string; required?: boolean; schema?: { enum?: string[] } }[];
        }
      >
    >(doc.paths)) {
      for (const op of Object.values(item)) {
        const resolved = op.parameters.map((p) =>
          deref<{ name?: string; in?: string; required?: boolean; schema?: { enum?: string[] } }>(p),
        );
        const action = resolved.find((p) => p.name === 'Action')!;
        const version = resolved.find((p) => p.name === 'Version')!;
        expect(action, pathKey).toMatchObject({ in: 'query', required: true, schema: { enum: [op.operationId] } });
        expect(version, pathKey).toMatchObject({ in: 'query', required: true, schema: { enum: ['2020-03-31'] } });
        expect(pathKey).toBe(`/#Action=${op.operationId}`);
      }
    }
  });
});
