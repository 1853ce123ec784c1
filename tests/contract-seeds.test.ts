// The error codes of the seeds, written down action by action from ../shared/seeds, against the contract:
// each is present with its HTTP status and exact message, and nothing undocumented slipped in.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doc, errorCodes, operation, operations, repoRoot } from './helpers/contract.js';

const seedsDir = join(repoRoot, '..', 'shared', 'seeds');
const seedFiles = readdirSync(seedsDir);
const seed = (id: string) => readFileSync(join(seedsDir, seedFiles.find((f) => f.startsWith(`${id}_`))!), 'utf8');

type Row = readonly [status: number, code: string, message: string];
const inAnother = 'The specified account is an Alibaba Cloud account or already exists in another resource directory.';
const already = 'The resource directory for the account is already enabled. We recommend that you do not enable the resource directory again.';
const realName = 'The specified account does not pass enterprise real-name verification. We recommend you first complete enterprise real-name verification for the account.';

/** Written from the seeds' error-code tables (seed id, then rows in the seed's order). */
const seedTables: Record<string, { seeds: string[]; rows: Row[] }> = {
  EnableResourceDirectory: {
    seeds: ['000'],
    rows: [
      [409, 'NotSupport.AccountInAnotherResourceDirectory', inAnother],
      [409, 'Invalid.EnterpriseName', 'You must specify the enterprise name.'],
      [409, 'EnterpriseRealNameVerificationError', realName],
      [409, 'EntityAlreadyExists.ResourceDirectory', already],
      [409, 'InvalidParameter.ManagementAccountName.AlreadyUsed', 'The ManagementAccountName has been used.'],
      [409, 'Invalid.VerificationCode', 'The verification code is invalid.'],
      [409, 'InvalidParameter.ManagementAccountName', 'The management account name is in the wrong format.'],
      [409, 'InvalidParameter.ManagementAccountSecurityInfo', 'The parameter management account secure mobile phone is invalid.'],
      [409, 'MissingSecureMobilePhone', 'Secure mobile phone is missing.'],
      [409, 'MissingSecurityInfo', 'Security info is missing.'],
      [409, 'NotSupport.Account.Site', 'The caller is not a China site account, which is not supported.'],
      [409, 'Invalid.AccountType', 'The specified profile type of account is invalid.'],
    ],
  },
  InitResourceDirectory: {
    seeds: ['001'],
    rows: [
      [409, 'NotSupport.AccountInAnotherResourceDirectory', inAnother],
      [409, 'EnterpriseRealNameVerificationError', realName],
      [409, 'Invalid.AccountType', 'The specified profile type of account is invalid.'],
      [409, 'Invalid.EnterpriseName', 'You must specify the enterprise name.'],
      [409, 'NotSupport.Account.Site', 'The caller is not a China site account, which is not supported.'],
      [409, 'EntityAlreadyExists.ResourceDirectory', already],
    ],
  },
  SendVerificationCodeForEnableRD: {
    seeds: ['003'],
    rows: [
      [409, 'NotSupport.AccountInAnotherResourceDirectory', inAnother],
      [409, 'EntityAlreadyExists.ResourceDirectory', already],
      [409, 'SendValidateCodeExceedsLimitForAccount', 'For the same account, the number of verification codes sent exceeds the limit.'],
      [409, 'InvalidParameter.MobileCountryCode', 'The current site does not support the country code.'],
    ],
  },
  GetResourceDirectory: {
    seeds: ['004'],
    rows: [[404, 'ResourceDirectoryNotInUse', 'The specified account is not an Alibaba Cloud account or a member account of the resource directory.']],
  },
};

/** Seed 002 (China site) lists these for EnableResourceDirectory; one message differs from the international page. */
const chinaSiteEnable: Row[] = [
  [409, 'Invalid.EnterpriseName', 'You must specify the enterprise name.'],
  [409, 'EnterpriseRealNameVerificationError', realName],
  [409, 'EntityAlreadyExists.ResourceDirectory', already],
  [409, 'InvalidParameter.ManagementAccountName.AlreadyUsed', 'The ManagementAccountName has been used.'],
  [409, 'Invalid.VerificationCode', 'The verification code is invalid.'],
  [409, 'InvalidParameter.ManagementAccountName', 'The management account name is in the wrong format.'],
  [409, 'InvalidParameter.ManagementAccountSecurityInfo', 'The parameter management account secure mobile phone is invalid.'],
  [409, 'MissingSecureMobilePhone', 'Secure mobile phone is missing.'],
  [409, 'MissingSecurityInfo', 'Security info is missing.'],
  [409, 'NotSupport.AccountInAnotherResourceDirectory', 'Your account is a management account for another resource directory or a member of another resource directory.'],
];

/** The gateway's common errors (shared/research/wire-protocol.md), on every operation. */
const gateway: Row[] = [
  [400, 'InvalidParameter', 'Specified parameter format is not valid.'],
  [400, 'InvalidParameter.Format', 'Specified parameter format is not valid.'],
  [400, 'InvalidVersion', 'Specified parameter Version is not valid.'],
  [400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.'],
  [400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.'],
  [400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'],
  [400, 'InvalidSignatureMethod', 'Specified signature method is not valid.'],
  [400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'],
  [400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'],
  [400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'],
  [400, 'Throttling.User', 'Request was denied due to user flow control.'],
  [400, 'Throttling', 'Request was denied due to user flow control.'],
  [403, 'Forbidden.RAM', "User not authorized to operate on the specified resource, or this API doesn't support RAM."],
  [403, 'NoPermission', "User not authorized to operate on the specified resource, or this API doesn't support RAM."],
  [404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.'],
  [404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'],
  [404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'],
  [500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.'],
  [503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'],
];

/** Missing{Parameter} codes, the gateway's documented form `Missing{Parameter}` / `{Parameter} is mandatory for this action.`, for required parameters. */
const missingVersion: Row = [400, 'MissingVersion', 'Version is mandatory for this action.'];
const missingParameter: Record<string, Row[]> = {
  InitResourceDirectory: [missingVersion],
  SendVerificationCodeForEnableRD: [missingVersion],
  GetResourceDirectory: [missingVersion],
  EnableResourceDirectory: [
    missingVersion,
    [400, 'MissingEnableMode', 'EnableMode is mandatory for this action.'],
    [400, 'MissingMAName', 'MAName is mandatory for this action.'],
  ],
};

describe('the table is faithful to the seeds', () => {
  it.each(Object.entries(seedTables))('%s: every row stands in its seed word for word', (_, { seeds, rows }) => {
    const text = seeds.map(seed).join('\n');
    for (const [status, code, message] of rows) {
      expect(text, code).toContain(`${status}`);
      expect(text, code).toContain(code);
      expect(text, code).toContain(message);
    }
  });
  it('the China site rows stand in seed 002', () => {
    const text = seed('002');
    for (const [, code, message] of chinaSiteEnable) expect(text).toContain(`${code} ${message}`);
  });
  it('the gateway rows stand in wire-protocol.md', () => {
    const text = readFileSync(join(repoRoot, '..', 'shared', 'research', 'wire-protocol.md'), 'utf8');
    for (const [, code, message] of gateway) {
      expect(text).toContain(code);
      expect(text).toContain(message);
    }
    expect(text).toContain('`Missing{Parameter}`');
    expect(text).toContain('`{Parameter} is mandatory for this action.`');
    for (const rows of Object.values(missingParameter)) {
      for (const [status, code, message] of rows) {
        const parameter = code.slice('Missing'.length);
        expect(status).toBe(400);
        expect(message).toBe(`${parameter} is mandatory for this action.`);
      }
    }
  });
});

describe('the contract holds every documented error code', () => {
  it('covers exactly the four actions', () => {
    expect(operations.map((o) => o.action).sort()).toEqual(Object.keys(seedTables).sort());
  });

  it.each(Object.entries(seedTables))('%s: seed codes with their status and exact message', (action, { rows }) => {
    const inContract = errorCodes(action);
    for (const [status, code, message] of rows) {
      const found = inContract.filter((e) => e.code === code);
      expect(found, `${action} ${code}`).toHaveLength(1);
      expect(found[0]!.status, `${action} ${code} status`).toBe(status);
      expect(found[0]!.message, `${action} ${code} message`).toBe(message);
    }
  });

  it.each(Object.keys(seedTables))('%s: the gateway errors with their status and message', (action) => {
    const inContract = errorCodes(action);
    for (const [status, code, message] of [...gateway, ...(missingParameter[action] ?? [])]) {
      expect(inContract.find((e) => e.code === code && e.status === status)?.message, `${action} ${code}`).toBe(message);
    }
  });

  it.each(Object.keys(seedTables))('%s: nothing undocumented slipped in', (action) => {
    const allowed = new Set([...seedTables[action]!.rows, ...gateway, ...(missingParameter[action] ?? [])].map(([s, c]) => `${s} ${c}`));
    const extra = errorCodes(action).map((e) => `${e.status} ${e.code}`).filter((k) => !allowed.has(k));
    expect(extra).toEqual([]);
  });

  it('the China site message of NotSupport.AccountInAnotherResourceDirectory is kept beside the international one', () => {
    const ex = errorCodes('EnableResourceDirectory').find((e) => e.code === 'NotSupport.AccountInAnotherResourceDirectory')!;
    const china = chinaSiteEnable.find(([, c]) => c === 'NotSupport.AccountInAnotherResourceDirectory')![2];
    expect(ex.example['x-acs-site-messages']?.china).toBe(china);
  });

  it('every China site row is documented for EnableResourceDirectory', () => {
    const codes = new Set(errorCodes('EnableResourceDirectory').map((e) => e.code));
    for (const [, code] of chinaSiteEnable) expect(codes.has(code), code).toBe(true);
  });

  it('error descriptions are the seeds\' descriptions', () => {
    const init = errorCodes('InitResourceDirectory').find((e) => e.code === 'NotSupport.Account.Site')!;
    expect(seed('001')).toContain(init.example.description);
    for (const e of errorCodes('EnableResourceDirectory').filter((x) => x.status === 409 && x.example.description !== '-')) {
      expect(seed('000'), e.code).toContain(`${e.message}${e.example.description}`);
    }
  });
});

describe('the rest of the seeds', () => {
  it('InitResourceDirectory is deprecated and points to EnableResourceDirectory', () => {
    const op = operation('InitResourceDirectory');
    expect(op.deprecated).toBe(true);
    expect(op.description).toContain('EnableResourceDirectory');
  });
  it('every request parameter of the seeds is declared with the seed wording', () => {
    const enable = operation('EnableResourceDirectory');
    const names = (enable.parameters as { $ref?: string; name?: string }[]).map((p) => p.name ?? p.$ref!.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['EnableMode', 'MAName', 'MASecureMobilePhone', 'VerificationCode', 'DryRun']));
    const text = seed('000');
    for (const name of ['EnableMode', 'MAName', 'MASecureMobilePhone', 'VerificationCode', 'DryRun']) {
      const firstLine = (doc.components.parameters[name].description as string).split('\n')[0]!;
      expect(text, name).toContain(firstLine);
    }
    expect(seed('003')).toContain((doc.components.parameters.SecureMobilePhone.description as string).split('\n')[0]);
  });
  it('the quota, RAM action and change history are recorded', () => {
    const send = operation('SendVerificationCodeForEnableRD');
    expect(send['x-acs-quota']).toMatchObject({ limit: 100, period: 'day', error: 'SendValidateCodeExceedsLimitForAccount' });
    expect(send['x-acs-ram']).toMatchObject({ action: 'resourcemanager:SendVerificationCodeForEnableRD', accessLevel: 'none', resourceType: 'All Resources' });
    const history = operation('EnableResourceDirectory')['x-acs-change-history'];
    expect(history[0]).toMatchObject({ date: '2023-12-21' });
    expect(JSON.stringify(history)).toContain('Added Input Parameters: DryRun');
    for (const { action, op } of operations) expect(op['x-acs-ram']?.action, action).toBe(`resourcemanager:${action}`);
  });
  it('the success samples are the seeds\' samples', () => {
    const get = errorCodes('GetResourceDirectory');
    expect(get.length).toBeGreaterThan(0);
    const text = seed('004');
    const sample = (operation('GetResourceDirectory').responses['200'].content['application/json'].examples.internationalSite.value);
    for (const [k, v] of Object.entries<string>(sample.ResourceDirectory)) expect(text, k).toContain(`"${k}" : "${v}"`);
    expect(text).toContain(`"RequestId" : "${sample.RequestId}"`);
  });
});
