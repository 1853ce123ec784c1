// The mock on the wire, with plain HTTP: routing by Action / x-acs-action, Version, parameters (case-sensitive, query
// or form body), the documented error for every kind of bad input and the contract's precedence, Prefer, JSON and XML,
// site rules and messages, static routes, the handler seam, and hostile input (never a 5xx, never a hang).
// Every answer the mock writes here is checked against the contract (tests/helpers/mock.ts).
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../../generated/contract.js';
import type { ActionHandlers } from '../../../../packages/mock/src/index.js';
import {
  contractProblem,
  bodyOf,
  startMock,
  statusOf,
  VERSION,
  XML_TYPE,
  JSON_TYPE,
  type TestMock,
} from '../../../helpers/mock.js';
import { apiActions, RM } from '../../../fixtures/seed-facts.js';
import { apiEntries, apiFile, contracts, doc, repoRoot, type Json } from '../../../helpers/contract.js';

const rules = contract.apis['ResourceManager/2020-03-31'];

interface Answer {
  status: number;
  type: string | null;
  requestId: string | null;
  text: string;
  body: Json;
  headers: Headers;
}

async function send(mock: TestMock, query: Record<string, string> | string, init: RequestInit = {}): Promise<Answer> {
  const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  const res = await fetch(`${mock.url}/${qs ? `?${qs}` : ''}`, { method: 'POST', ...init });
  const text = await res.text();
  const type = res.headers.get('content-type');
  let body: Json;
  try {
    body = bodyOf(text, type);
  } catch {
    body = undefined;
  }
  return { status: res.status, type, requestId: res.headers.get('x-acs-request-id'), text, body, headers: res.headers };
}

const rpc = (action: string, params: Record<string, string> = {}) => ({ Action: action, Version: VERSION, ...params });

/** Expects the documented error: code, and the status the contract gives it for the action. */
function expectError(a: Answer, action: string | undefined, code: string, status?: number): void {
  expect(a.body?.Code, a.text).toBe(code);
  expect(a.status, a.text).toBe(status ?? statusOf(action ?? 'GetResourceDirectory', code));
  expect(a.body.RequestId).toBe(a.requestId);
}

/** Valid parameters per action (acceptable on both sites unless a site is named). */
const valid: Record<string, Record<string, string>> = {
  EnableResourceDirectory: {
    EnableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
    VerificationCode: '123456',
  },
  InitResourceDirectory: {},
  SendVerificationCodeForEnableRD: { SecureMobilePhone: '852-61234567' },
  GetResourceDirectory: {},
};
const validChina: Record<string, Record<string, string>> = {
  ...valid,
  EnableResourceDirectory: {
    EnableMode: 'NewManagementAccount',
    MAName: 'user01@rdadmin.aliyunid.com',
    MASecureMobilePhone: '86-13900001234',
    VerificationCode: '123456',
  },
  SendVerificationCodeForEnableRD: { SecureMobilePhone: '86-13900001234' },
};

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock();
});
afterEach(() => expect(mock.problems).toEqual([]));
afterAll(() => mock.close());

describe('the contract check of every answer', () => {
  it('can fail: a wrong status, schema, content type or request id is reported', () => {
    const good = {
      method: 'POST',
      url: '/',
      action: 'GetResourceDirectory',
      status: 404,
      format: 'json' as const,
      contentType: JSON_TYPE,
      requestId: 'A9CAF610-8C78-51CF-ABF6-291C686708A4',
      headers: { 'x-acs-request-id': 'A9CAF610-8C78-51CF-ABF6-291C686708A4' },
    };
    const body = {
      RequestId: good.requestId,
      HostId: 'resourcemanager.aliyuncs.com',
      Code: 'ResourceDirectoryNotInUse',
      Message: 'm',
      Recommend:
        'https://api.aliyun.com/troubleshoot?q=ResourceDirectoryNotInUse&product=ResourceManager' +
        `&requestId=${good.requestId}`,
    };
    expect(contractProblem({ ...good, body: JSON.stringify(body) })).toBeUndefined();
    expect(contractProblem({ ...good, status: 409, body: JSON.stringify(body) })).toMatch(/not declared/);
    expect(contractProblem({ ...good, status: 422, body: JSON.stringify(body) })).toMatch(/not declared/);
    expect(contractProblem({ ...good, body: JSON.stringify({ ...body, Code: undefined }) })).toMatch(/Code/);
    expect(contractProblem({ ...good, contentType: 'application/problem+json', body: JSON.stringify(body) })).toMatch(
      /content type/,
    );
    expect(
      contractProblem({ ...good, format: 'xml', contentType: XML_TYPE, body: '<Problem><Code>x</Code></Problem>' }),
    ).toMatch(/root/);
    expect(contractProblem({ ...good, headers: { 'x-acs-request-id': 'other' }, body: JSON.stringify(body) })).toMatch(
      /RequestId/,
    );
    expect(
      contractProblem({
        ...good,
        action: 'GetResourceDirectory',
        status: 200,
        body: JSON.stringify({ RequestId: good.requestId }),
      }),
    ).toMatch(/ResourceDirectory/);
  });
});

describe('routing', () => {
  it('has valid parameters for every action the seeds give the default API', () => {
    expect(Object.keys(valid)).toEqual(Object.keys(apiActions[RM]!));
    expect(Object.keys(validChina)).toEqual(Object.keys(apiActions[RM]!));
  });

  it.each(Object.keys(valid))('%s by the Action query parameter, GET and POST', async (action) => {
    for (const method of ['GET', 'POST']) {
      const a = await send(mock, rpc(action, valid[action]), { method });
      expect(a.status, a.text).toBe(200);
      expect(a.type).toBe(JSON_TYPE);
      expect(mock.last().action).toBe(action);
    }
  });

  it.each(Object.keys(valid))('%s by the x-acs-action and x-acs-version headers (ACS3 form)', async (action) => {
    const a = await send(mock, valid[action]!, { headers: { 'x-acs-action': action, 'x-acs-version': VERSION } });
    expect(a.status, a.text).toBe(200);
    expect(mock.last().action).toBe(action);
  });

  it('parameters in an application/x-www-form-urlencoded body', async () => {
    const a = await send(mock, '', {
      body: new URLSearchParams(rpc('EnableResourceDirectory', valid.EnableResourceDirectory)),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(a.status, a.text).toBe(200);
    expect(a.body.ResourceDirectory.ResourceDirectoryId).toBe('rd-54****');
    const split = await send(mock, rpc('EnableResourceDirectory'), {
      body: 'EnableMode=CurrentAccount',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(split.status, split.text).toBe(200);
  });

  it('a body of another type is not read as parameters', async () => {
    const a = await send(mock, rpc('EnableResourceDirectory'), {
      body: 'EnableMode=CurrentAccount',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(a, 'EnableResourceDirectory', 'MissingEnableMode');
  });

  it('unknown, missing, empty or conflicting actions: 404 InvalidAction.NotFound', async () => {
    expectError(
      await send(mock, { Action: 'DeleteResourceDirectory', Version: VERSION }),
      undefined,
      'InvalidAction.NotFound',
      404,
    );
    expectError(await send(mock, { Version: VERSION }), undefined, 'InvalidAction.NotFound', 404);
    expectError(await send(mock, { Action: '', Version: VERSION }), undefined, 'InvalidAction.NotFound', 404);
    expectError(
      await send(mock, { Action: 'getresourcedirectory', Version: VERSION }),
      undefined,
      'InvalidAction.NotFound',
      404,
    );
    expectError(
      await send(mock, { action: 'GetResourceDirectory', Version: VERSION }),
      undefined,
      'InvalidAction.NotFound',
      404,
    );
    expectError(await send(mock, { Action: 'toString', Version: VERSION }), undefined, 'InvalidAction.NotFound', 404);
    expectError(await send(mock, { Action: '__proto__', Version: VERSION }), undefined, 'InvalidAction.NotFound', 404);
    expectError(
      await send(mock, rpc('GetResourceDirectory'), { headers: { 'x-acs-action': 'InitResourceDirectory' } }),
      undefined,
      'InvalidAction.NotFound',
      404,
    );
    expect(mock.last().action).toBeUndefined();
  });

  it('the action is checked before the version (precedence)', async () => {
    expectError(await send(mock, { Action: 'Nope' }), undefined, 'InvalidAction.NotFound', 404);
  });

  it('missing version: 400 MissingVersion; wrong or conflicting version: 400 InvalidVersion', async () => {
    expectError(await send(mock, { Action: 'GetResourceDirectory' }), 'GetResourceDirectory', 'MissingVersion', 400);
    expectError(
      await send(mock, { Action: 'GetResourceDirectory', version: VERSION }),
      'GetResourceDirectory',
      'MissingVersion',
      400,
    );
    expectError(
      await send(mock, { Action: 'GetResourceDirectory', Version: '' }),
      'GetResourceDirectory',
      'MissingVersion',
      400,
    );
    expectError(
      await send(mock, { Action: 'GetResourceDirectory', Version: '2019-01-01' }),
      'GetResourceDirectory',
      'InvalidVersion',
      400,
    );
    expectError(
      await send(
        mock,
        { Version: '2022-04-19' },
        { headers: { 'x-acs-action': 'GetResourceDirectory', 'x-acs-version': VERSION } },
      ),
      'GetResourceDirectory',
      'InvalidVersion',
      400,
    );
    expectError(
      await send(mock, {}, { headers: { 'x-acs-action': 'GetResourceDirectory', 'x-acs-version': '2014-05-26' } }),
      'GetResourceDirectory',
      'InvalidVersion',
      400,
    );
    expectError(
      await send(
        mock,
        { Version: '2014-05-26' },
        { headers: { 'x-acs-action': 'GetResourceDirectory', 'x-acs-version': VERSION } },
      ),
      'GetResourceDirectory',
      'InvalidVersion',
      400,
    );
  });

  it('the version is checked before the parameters (precedence)', async () => {
    expectError(
      await send(mock, { Action: 'EnableResourceDirectory', Version: 'x' }),
      'EnableResourceDirectory',
      'InvalidVersion',
      400,
    );
  });

  it('other paths and methods: 404 InvalidApi.NotFound, never a 5xx', async () => {
    expectError(
      await send(mock, rpc('GetResourceDirectory'), { method: 'PUT' }),
      undefined,
      'InvalidApi.NotFound',
      404,
    );
    expectError(
      await send(mock, rpc('GetResourceDirectory'), { method: 'DELETE' }),
      undefined,
      'InvalidApi.NotFound',
      404,
    );
    const other = await fetch(`${mock.url}/v1/resource-directory?Action=GetResourceDirectory&Version=${VERSION}`);
    expect(other.status).toBe(404);
    expect((await other.json()).Code).toBe('InvalidApi.NotFound');
    const options = await fetch(`${mock.url}/`, { method: 'OPTIONS' });
    expect(options.status).toBe(404);
  });
});

describe('parameters: every rule of the contract, through the mock (packages/client/src/protocol/validate.ts)', () => {
  type Case = [string, string, Record<string, string>, string];
  const cases: Case[] = [];
  for (const [action, r] of Object.entries(rules.actions)) {
    const base = valid[action]!;
    for (const p of r.parameters) {
      const errors = p.errors as { missing?: string; invalid?: string };
      const requiredByRule = r.requestRules.some((rule) => (rule.then.required as readonly string[]).includes(p.name));
      if (errors.missing && (p.required || requiredByRule)) {
        const { [p.name]: _omitted, ...without } = base;
        cases.push([action, `${p.name} missing`, without, errors.missing]);
        cases.push([action, `${p.name} empty (counts as absent)`, { ...base, [p.name]: '' }, errors.missing]);
        cases.push([
          action,
          `${p.name} sent as ${p.name.toLowerCase()} (names are case-sensitive)`,
          { ...without, [p.name.toLowerCase()]: base[p.name] ?? 'CurrentAccount' },
          errors.missing,
        ]);
        cases.push([
          action,
          `${p.name} sent as ${p.name.toUpperCase()}`,
          { ...without, [p.name.toUpperCase()]: base[p.name] ?? 'CurrentAccount' },
          errors.missing,
        ]);
      }
      if (errors.invalid)
        cases.push([action, `${p.name} breaks its schema`, { ...base, [p.name]: 'Bogus!' }, errors.invalid]);
    }
  }

  it('there are cases for every action parameter with a documented error', () => {
    // counted in the published description: four per x-acs-errors.missing of a parameter that is required or that a
    // request rule requires, one per x-acs-errors.invalid; over the seeds' own parameters of each action
    const c = contracts[RM]!;
    let expected = 0;
    for (const { action, op } of c.operations) {
      const ruled = ((op['x-acs-request-rules'] ?? []) as Json[]).flatMap((rule) => rule.then.required ?? []);
      for (const p of (op.parameters as Json[])
        .map((q) => c.deref(q))
        .filter((q) => apiActions[RM]![action]!.parameters.includes(q.name))) {
        if (p['x-acs-errors']?.missing && (p.required || ruled.includes(p.name))) expected += 4;
        if (p['x-acs-errors']?.invalid) expected += 1;
      }
    }
    expect(Object.keys(rules.actions)).toEqual(Object.keys(apiActions[RM]!));
    expect(cases).toHaveLength(expected);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c[3]))).toEqual(
      new Set([
        'MissingEnableMode',
        'InvalidParameter',
        'MissingMAName',
        'InvalidParameter.ManagementAccountName',
        'MissingSecureMobilePhone',
        'InvalidParameter.ManagementAccountSecurityInfo',
        'MissingSecurityInfo',
        'Invalid.VerificationCode',
      ]),
    );
  });

  it.each(cases)('%s: %s -> %s', async (action, _what, params, code) => {
    const a = await send(mock, rpc(action, params));
    expectError(a, action, code);
    expect(a.status).not.toBe(422);
    expect(a.type).toBe(JSON_TYPE);
  });

  it.each([
    ['EnableMode unknown value', { EnableMode: 'Everything' }, 'InvalidParameter', 400],
    ['EnableMode lower-case value', { EnableMode: 'currentaccount' }, 'InvalidParameter', 400],
    [
      'DryRun (2022-04-19) not a boolean',
      { EnableMode: 'CurrentAccount', DryRun: 'maybe', Version: '2022-04-19' },
      'InvalidParameter',
      400,
    ],
    [
      'DryRun on 2020-03-31, which does not declare it, is ignored like any undeclared parameter',
      { EnableMode: 'CurrentAccount', DryRun: 'maybe' },
      undefined,
      200,
    ],
    [
      'MAName with consecutive specials',
      { ...valid.EnableResourceDirectory, MAName: 'a..b' },
      'InvalidParameter.ManagementAccountName',
      409,
    ],
    [
      'MAName too short',
      { ...valid.EnableResourceDirectory, MAName: 'a' },
      'InvalidParameter.ManagementAccountName',
      409,
    ],
    [
      'phone without country code',
      { ...valid.EnableResourceDirectory, MASecureMobilePhone: '61234567' },
      'InvalidParameter.ManagementAccountSecurityInfo',
      409,
    ],
    [
      'code of five digits',
      { ...valid.EnableResourceDirectory, VerificationCode: '12345' },
      'Invalid.VerificationCode',
      409,
    ],
    [
      'NewManagementAccount alone: the 400 MissingMAName before the 409s',
      { EnableMode: 'NewManagementAccount' },
      'MissingMAName',
      400,
    ],
    [
      'missing MAName (400) beats a broken code (409)',
      { EnableMode: 'NewManagementAccount', MASecureMobilePhone: '852-61234567', VerificationCode: 'x' },
      'MissingMAName',
      400,
    ],
    [
      'within 409: a broken schema before a missing field',
      { EnableMode: 'NewManagementAccount', MAName: 'a..b', VerificationCode: '123456' },
      'InvalidParameter.ManagementAccountName',
      409,
    ],
    [
      'within 409: declared order (phone before code)',
      { EnableMode: 'NewManagementAccount', MAName: 'user01' },
      'MissingSecureMobilePhone',
      409,
    ],
    ['Format neither JSON nor XML', { EnableMode: 'CurrentAccount', Format: 'YAML' }, 'InvalidParameter', 400],
    ['Format loses to a missing parameter (400, missing first)', { Format: 'YAML' }, 'MissingEnableMode', 400],
    [
      'Format (400) beats a 409',
      { ...valid.EnableResourceDirectory, VerificationCode: 'x', Format: 'YAML' },
      'InvalidParameter',
      400,
    ],
    ['CurrentAccount ignores the new-account fields', { EnableMode: 'CurrentAccount' }, undefined, 200],
    [
      'DryRun=true (2022-04-19) is accepted',
      { EnableMode: 'CurrentAccount', DryRun: 'true', Version: '2022-04-19' },
      undefined,
      200,
    ],
    [
      'unknown parameters are ignored',
      { EnableMode: 'CurrentAccount', Foo: 'bar', enablemode: 'Bogus' },
      undefined,
      200,
    ],
  ] as const)('EnableResourceDirectory: %s', async (_what, params, code, status) => {
    const a = await send(mock, rpc('EnableResourceDirectory', params as Record<string, string>));
    if (code) expectError(a, 'EnableResourceDirectory', code, status);
    else expect(a.status, a.text).toBe(status);
  });

  it(
    'SendVerificationCodeForEnableRD: a malformed phone is InvalidParameter (400); leaving it out is' + ' allowed',
    async () => {
      expectError(
        await send(mock, rpc('SendVerificationCodeForEnableRD', { SecureMobilePhone: '++1' })),
        'SendVerificationCodeForEnableRD',
        'InvalidParameter',
        400,
      );
      expect((await send(mock, rpc('SendVerificationCodeForEnableRD'))).status).toBe(200);
    },
  );

  it('duplicate parameters: the first occurrence counts', async () => {
    const a = await send(
      mock,
      `Action=EnableResourceDirectory&Version=${VERSION}&EnableMode=CurrentAccount&EnableMode=Bogus`,
    );
    expect(a.status, a.text).toBe(200);
    const b = await send(
      mock,
      `Action=EnableResourceDirectory&Version=${VERSION}&EnableMode=Bogus&EnableMode=CurrentAccount`,
    );
    expectError(b, 'EnableResourceDirectory', 'InvalidParameter', 400);
  });

  it('query parameters come before form parameters of the same name', async () => {
    const a = await send(mock, rpc('EnableResourceDirectory', { EnableMode: 'Bogus' }), {
      body: 'EnableMode=CurrentAccount',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(a, 'EnableResourceDirectory', 'InvalidParameter', 400);
  });
});

describe('sites', () => {
  let intl: TestMock;
  let china: TestMock;
  beforeAll(async () => {
    [intl, china] = await Promise.all([startMock({ site: 'intl' }), startMock({ site: 'china' })]);
  });
  afterEach(() => {
    expect(intl.problems).toEqual([]);
    expect(china.problems).toEqual([]);
  });
  afterAll(() => Promise.all([intl.close(), china.close()]));

  it('each site accepts its own forms', async () => {
    expect((await send(intl, rpc('EnableResourceDirectory', valid.EnableResourceDirectory))).status).toBe(200);
    expect((await send(china, rpc('EnableResourceDirectory', validChina.EnableResourceDirectory))).status).toBe(200);
    expect(
      (await send(intl, rpc('SendVerificationCodeForEnableRD', valid.SendVerificationCodeForEnableRD))).status,
    ).toBe(200);
    expect(
      (await send(china, rpc('SendVerificationCodeForEnableRD', validChina.SendVerificationCodeForEnableRD))).status,
    ).toBe(200);
  });

  it.each([
    [
      'intl',
      'EnableResourceDirectory',
      { ...valid.EnableResourceDirectory, MAName: 'user01@rdadmin.aliyunid.com' },
      'InvalidParameter.ManagementAccountName',
    ],
    [
      'intl',
      'EnableResourceDirectory',
      { ...valid.EnableResourceDirectory, MASecureMobilePhone: '86-13900001234' },
      'InvalidParameter.ManagementAccountSecurityInfo',
    ],
    [
      'china',
      'EnableResourceDirectory',
      { ...validChina.EnableResourceDirectory, MAName: 'user01' },
      'InvalidParameter.ManagementAccountName',
    ],
    [
      'china',
      'EnableResourceDirectory',
      { ...validChina.EnableResourceDirectory, MASecureMobilePhone: '852-61234567' },
      'InvalidParameter.ManagementAccountSecurityInfo',
    ],
    [
      'intl',
      'SendVerificationCodeForEnableRD',
      { SecureMobilePhone: '86-13900001234' },
      'InvalidParameter.MobileCountryCode',
    ],
    [
      'china',
      'SendVerificationCodeForEnableRD',
      { SecureMobilePhone: '852-61234567' },
      'InvalidParameter.MobileCountryCode',
    ],
  ] as const)('%s site, %s: a site rule -> %s', async (site, action, params, code) => {
    const a = await send(site === 'intl' ? intl : china, rpc(action, params));
    expectError(a, action, code);
  });

  it('without --site both forms pass (only the shared rules apply)', async () => {
    expect((await send(mock, rpc('EnableResourceDirectory', validChina.EnableResourceDirectory))).status).toBe(200);
    expect(
      (await send(mock, rpc('SendVerificationCodeForEnableRD', validChina.SendVerificationCodeForEnableRD))).status,
    ).toBe(200);
  });

  it(
    'x-acs-site-messages: the China site words NotSupport.AccountInAnotherResourceDirectory its own way, in JSON and' +
      ' XML',
    async () => {
      const china409 =
        doc.paths['/#Action=EnableResourceDirectory'].post.responses['409'].content['application/json'].examples[
          'NotSupport.AccountInAnotherResourceDirectory'
        ];
      const chinaMessage = china409['x-acs-site-messages'].china;
      for (const format of ['JSON', 'XML']) {
        const c = await send(
          china,
          rpc('EnableResourceDirectory', { Format: format, __example: 'NotSupport.AccountInAnotherResourceDirectory' }),
        );
        expect(c.body.Message).toBe(chinaMessage);
        const i = await send(
          intl,
          rpc('EnableResourceDirectory', { Format: format, __example: 'NotSupport.AccountInAnotherResourceDirectory' }),
        );
        expect(i.body.Message).toBe(china409.value.Message);
        const none = await send(
          mock,
          rpc('EnableResourceDirectory', { Format: format, __example: 'NotSupport.AccountInAnotherResourceDirectory' }),
        );
        expect(none.body.Message).toBe(china409.value.Message);
      }
    },
  );
});

describe('Prefer and __code / __example', () => {
  it('code alone selects the first example of that status', async () => {
    const a = await send(mock, rpc('GetResourceDirectory'), { headers: { prefer: 'code=404' } });
    expectError(a, 'GetResourceDirectory', 'ResourceDirectoryNotInUse', 404);
    const b = await send(mock, rpc('GetResourceDirectory', { __code: '503' }));
    expectError(b, 'GetResourceDirectory', 'ServiceUnavailable', 503);
  });

  it('example alone, quoted, or with ; separators', async () => {
    expectError(
      await send(mock, rpc('GetResourceDirectory'), { headers: { prefer: 'example=NoPermission' } }),
      'GetResourceDirectory',
      'NoPermission',
      403,
    );
    expectError(
      await send(mock, rpc('GetResourceDirectory'), { headers: { prefer: 'code=403; example="Forbidden.RAM"' } }),
      'GetResourceDirectory',
      'Forbidden.RAM',
      403,
    );
  });

  it('the query parameters win over the header', async () => {
    const a = await send(mock, rpc('GetResourceDirectory', { __example: 'InternalError' }), {
      headers: { prefer: 'code=404, example=ResourceDirectoryNotInUse' },
    });
    expectError(a, 'GetResourceDirectory', 'InternalError', 500);
  });

  it('the answer is the contract example with a fresh RequestId (also in Recommend)', async () => {
    const example = doc.components.examples['Throttling.User'].value;
    const a = await send(mock, rpc('InitResourceDirectory', { __example: 'Throttling.User' }));
    expect(a.body).toEqual({
      ...example,
      RequestId: a.requestId,
      Recommend: example.Recommend.replace(example.RequestId, a.requestId),
    });
    expect(a.requestId).not.toBe(example.RequestId);
    expect(a.headers.get('x-acs-retry-after')).toBe('1000');
  });

  it(
    'an error example is answered even when the parameters are invalid; a success example only for a valid' +
      ' request',
    async () => {
      expectError(
        await send(mock, rpc('EnableResourceDirectory', { __example: 'Invalid.EnterpriseName' })),
        'EnableResourceDirectory',
        'Invalid.EnterpriseName',
        409,
      );
      expectError(
        await send(mock, rpc('EnableResourceDirectory', { __example: 'chinaSite' })),
        'EnableResourceDirectory',
        'MissingEnableMode',
        400,
      );
      const ok = await send(
        mock,
        rpc('EnableResourceDirectory', { EnableMode: 'CurrentAccount', __example: 'chinaSite' }),
      );
      expect(ok.status).toBe(200);
      expect(ok.body.ResourceDirectory.MasterAccountName).toBe('alice@example.com');
    },
  );

  it('__code and __example are not action parameters (they neither satisfy nor break one)', async () => {
    expectError(
      await send(mock, rpc('EnableResourceDirectory', { __code: '200' })),
      'EnableResourceDirectory',
      'MissingEnableMode',
      400,
    );
    expect(
      (await send(mock, rpc('GetResourceDirectory', { __code: '200', __example: 'internationalSite' }))).status,
    ).toBe(200);
  });

  it.each([
    ['an unknown example name', { prefer: 'example=NoSuchThing' }, /NoSuchThing/],
    ['an unknown status', { prefer: 'code=418' }, /418/],
    [
      'a status the action does not document (GetResourceDirectory has no 409)',
      { prefer: 'code=409, example=EntityAlreadyExists.ResourceDirectory' },
      /409/,
    ],
    ['an example under another status', { prefer: 'code=400, example=NoPermission' }, /403/],
    ['a code that is not a number', { prefer: 'code=abc' }, /abc/],
    [
      "another action's example",
      { prefer: 'example=SendValidateCodeExceedsLimitForAccount' },
      /SendValidateCodeExceedsLimitForAccount/,
    ],
  ])('%s: a clear 400 Mock.InvalidPrefer, not a 500', async (_what, headers, message) => {
    const a = await send(mock, rpc('GetResourceDirectory'), { headers });
    expect(a.status).toBe(400);
    expect(a.body.Code).toBe('Mock.InvalidPrefer');
    expect(a.body.Message).toMatch(message);
    expect(a.body.Message).toMatch(/documented|not \d{3}/);
  });

  it('an unknown __example in XML is a 400 <Error> too', async () => {
    const a = await send(mock, rpc('GetResourceDirectory', { __example: '<x>&', Format: 'xml' }));
    expect(a.status).toBe(400);
    expect(a.type).toBe(XML_TYPE);
    expect(a.body.Code).toBe('Mock.InvalidPrefer');
    expect(a.body.Message).toContain('<x>&');
  });

  it('other preferences are ignored', async () => {
    expect(
      (await send(mock, rpc('GetResourceDirectory'), { headers: { prefer: 'return=minimal, dynamic=true' } })).status,
    ).toBe(200);
  });
});

describe('representations', () => {
  it.each([
    [{ Format: 'XML' }, {}, 'xml'],
    [{ Format: 'xml' }, {}, 'xml'],
    [{ Format: 'Xml' }, { accept: 'application/json' }, 'xml'],
    [{ Format: 'json' }, { accept: 'text/xml' }, 'json'],
    [{ Format: 'JSON' }, {}, 'json'],
    [{}, { accept: 'application/xml' }, 'xml'],
    [{}, { accept: 'text/xml' }, 'xml'],
    [{}, { accept: 'text/xml, application/json' }, 'xml'],
    [{}, { accept: 'application/json, text/xml' }, 'json'],
    [{}, { accept: 'text/xml;q=0, application/json' }, 'json'],
    [{}, { accept: '*/*' }, 'json'],
    [{}, {}, 'json'],
  ] as const)('Format %o, Accept %o -> %s', async (params, headers, format) => {
    const a = await send(mock, rpc('GetResourceDirectory', params), { headers });
    expect(a.status).toBe(200);
    expect(a.type).toBe(format === 'xml' ? XML_TYPE : JSON_TYPE);
    if (format === 'xml') expect(a.text).toMatch(/<GetResourceDirectoryResponse>\s*<RequestId>/);
  });

  it('XML success bodies are the contract XML examples, with the fresh RequestId', async () => {
    const xmlExample: string =
      doc.paths['/#Action=EnableResourceDirectory'].post.responses['200'].content['text/xml'].examples.chinaSite.value;
    const a = await send(
      mock,
      rpc('EnableResourceDirectory', { EnableMode: 'CurrentAccount', Format: 'XML', __example: 'chinaSite' }),
    );
    expect(a.text).toBe(
      `<?xml version="1.0"` +
        ` encoding="UTF-8"?>\n${xmlExample.trim().replace('EC2FE94D-A4A2-51A1-A493-5C273A36C46A', a.requestId!)}`,
    );
  });

  it('XML errors have an <Error> root, exactly text/xml;charset=utf-8', async () => {
    const a = await send(mock, rpc('EnableResourceDirectory', { Format: 'XML' }));
    expect(a.status).toBe(400);
    expect(a.headers.get('content-type')).toBe('text/xml;charset=utf-8');
    expect(a.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error>/);
    expect(a.body.Code).toBe('MissingEnableMode');
  });

  it('errors before the action is known honour Accept too', async () => {
    const a = await send(mock, { Action: 'Nope' }, { headers: { accept: 'text/xml' } });
    expect(a.type).toBe(XML_TYPE);
    expect(a.body.Code).toBe('InvalidAction.NotFound');
  });

  it('an invalid Format is answered in the Accept representation', async () => {
    const a = await send(mock, rpc('GetResourceDirectory', { Format: 'YAML' }), { headers: { accept: 'text/xml' } });
    expect(a.type).toBe(XML_TYPE);
    expectError(a, 'GetResourceDirectory', 'InvalidParameter', 400);
  });

  it('every answer carries a fresh upper-case UUID as RequestId and x-acs-request-id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const a = await send(mock, rpc(i % 2 ? 'GetResourceDirectory' : 'Nope'));
      expect(a.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      expect(a.body.RequestId).toBe(a.requestId);
      ids.add(a.requestId!);
    }
    expect(ids.size).toBe(20);
  });
});

describe('handlers: the seam for a stateful emulator', () => {
  let custom: TestMock;
  const seen: { accessKeyId?: string; params: Record<string, string> }[] = [];
  const handlers: ActionHandlers = {
    GetResourceDirectory: (req) => {
      seen.push({ accessKeyId: req.accessKeyId, params: { ...req.params } });
      if (req.params.Mode === 'error') return { kind: 'error', code: 'ResourceDirectoryNotInUse' };
      if (req.params.Mode === 'throw') throw new Error('handler bug');
      if (req.params.Mode === 'example') return { kind: 'example', name: 'InvalidAction.NotFound' };
      return {
        kind: 'body',
        body: {
          ResourceDirectory: {
            RootFolderId: 'r-state',
            ResourceDirectoryId: 'rd-state',
            CreateTime: '2026-01-01T00:00:00.000Z',
            MasterAccountId: '1234567890123456',
            MasterAccountName: 'a & <b>',
            ControlPolicyStatus: 'Disabled',
            MemberDeletionStatus: 'Disabled',
          },
        },
      };
    },
    EnableResourceDirectory: async (req) =>
      req.params.EnableMode === 'CurrentAccount'
        ? { kind: 'error', code: 'EntityAlreadyExists.ResourceDirectory' }
        : Promise.reject(new Error('async bug')),
  };
  beforeAll(async () => {
    custom = await startMock({ handlers, onError: () => {} });
  });
  afterEach(() => expect(custom.problems).toEqual([]));
  afterAll(() => custom.close());

  it('a handler builds the success body (JSON and XML); the mock sets the RequestId', async () => {
    const j = await send(custom, rpc('GetResourceDirectory'), {
      headers: { authorization: 'ACS3-HMAC-SHA256 Credential=someone,SignedHeaders=host,Signature=00' },
    });
    expect(j.status).toBe(200);
    expect(j.body.ResourceDirectory.ResourceDirectoryId).toBe('rd-state');
    expect(seen.at(-1)!.accessKeyId).toBe('someone');
    const x = await send(custom, rpc('GetResourceDirectory', { Format: 'XML', AccessKeyId: 'classic' }));
    expect(x.type).toBe(XML_TYPE);
    expect(x.body.ResourceDirectory.MasterAccountName).toBe('a & <b>');
    expect(x.body.RequestId).toBe(x.requestId);
    expect(seen.at(-1)!.accessKeyId).toBe('classic');
  });

  it('a handler answers a documented error by code, sync or async', async () => {
    expectError(
      await send(custom, rpc('GetResourceDirectory', { Mode: 'error' })),
      'GetResourceDirectory',
      'ResourceDirectoryNotInUse',
      404,
    );
    expectError(
      await send(custom, rpc('EnableResourceDirectory', { EnableMode: 'CurrentAccount' })),
      'EnableResourceDirectory',
      'EntityAlreadyExists.ResourceDirectory',
      409,
    );
    expectError(
      await send(custom, rpc('GetResourceDirectory', { Mode: 'example' })),
      'GetResourceDirectory',
      'InvalidAction.NotFound',
      404,
    );
  });

  it('the gateway steps run before the handler: an invalid request never reaches it', async () => {
    const before = seen.length;
    expectError(
      await send(custom, rpc('EnableResourceDirectory', {})),
      'EnableResourceDirectory',
      'MissingEnableMode',
      400,
    );
    expectError(await send(custom, { Action: 'GetResourceDirectory' }), 'GetResourceDirectory', 'MissingVersion', 400);
    expectError(
      await send(custom, rpc('GetResourceDirectory', { __example: 'NoPermission' })),
      'GetResourceDirectory',
      'NoPermission',
      403,
    );
    expect(seen.length).toBe(before);
  });

  it('a failing handler is a 500 InternalError (a server fault), and the server keeps serving', async () => {
    expectError(
      await send(custom, rpc('GetResourceDirectory', { Mode: 'throw' })),
      'GetResourceDirectory',
      'InternalError',
      500,
    );
    expectError(
      await send(custom, rpc('EnableResourceDirectory', valid.EnableResourceDirectory)),
      'EnableResourceDirectory',
      'InternalError',
      500,
    );
    expect((await send(custom, rpc('InitResourceDirectory'))).status).toBe(200);
  });
});

describe('static routes', () => {
  let withDocs: TestMock;
  let docsDir: string;
  beforeAll(async () => {
    docsDir = mkdtempSync(join(tmpdir(), 'mock-docs-'));
    writeFileSync(join(docsDir, 'index.html'), '<!doctype html><title>en</title>');
    mkdirSync(join(docsDir, 'zh-Hant'));
    writeFileSync(join(docsDir, 'zh-Hant', 'index.html'), '<!doctype html><title>zh-Hant</title>');
    withDocs = await startMock({ docsDir });
  });
  afterAll(async () => {
    await withDocs.close();
    rmSync(docsDir, { recursive: true, force: true });
  });

  it("each API's description is served at /<Product>-<version>/openapi.json and .yaml", async () => {
    expect(apiEntries.map((a) => a.id)).toEqual(Object.keys(apiActions));
    for (const { id, folder } of apiEntries) {
      for (const ext of ['json', 'yaml']) {
        const r = await fetch(`${mock.url}/${folder}/openapi.${ext}`);
        expect(r.status, `${folder} ${ext}`).toBe(200);
        expect(await r.text()).toBe(readFileSync(apiFile(id, `openapi.${ext}`), 'utf8'));
      }
    }
    expect((await fetch(`${mock.url}/ResourceManager-2020-03-31/nothing.json`)).status).toBe(404);
  });

  it('each per-action description is served at /<Product>-<version>/actions/<Action>.json and .yaml', async () => {
    let served = 0;
    for (const { id, folder } of apiEntries) {
      const actions = readdirSync(join(repoRoot, 'generated', folder, 'actions'));
      expect(actions.length, folder).toBeGreaterThan(0);
      for (const name of actions) {
        const r = await fetch(`${mock.url}/${folder}/actions/${name}`);
        expect(r.status, `${folder}/actions/${name}`).toBe(200);
        expect(r.headers.get('content-type')).toMatch(
          name.endsWith('.json') ? /^application\/json/ : /^application\/yaml/,
        );
        expect(await r.text()).toBe(readFileSync(apiFile(id, `actions/${name}`), 'utf8'));
        served += 1;
      }
    }
    // a .json and a .yaml per action of each API (the seeds' actions)
    expect(served).toBe(2 * Object.values(apiActions).reduce((n, actions) => n + Object.keys(actions).length, 0));
    for (const path of [
      '/ResourceManager-2020-03-31/actions/NoSuchAction.json',
      '/ResourceManager-2020-03-31/actions/GetResourceDirectory.txt',
      '/ResourceManager-2020-03-31/actions/../openapi.json',
      '/ResourceManager-2020-03-31/actions/%2e%2e%2fopenapi.json',
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: mock.port, path }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status, path).toBe(404);
    }
  });

  it("/openapi.yaml and /openapi.json are the default API's description", async () => {
    const y = await fetch(`${mock.url}/openapi.yaml`);
    expect(y.status).toBe(200);
    expect(y.headers.get('content-type')).toMatch(/yaml/);
    expect(await y.text()).toBe(readFileSync(apiFile('ResourceManager/2020-03-31', 'openapi.yaml'), 'utf8'));
    const j = await fetch(`${mock.url}/openapi.json`);
    expect(await j.json()).toEqual(doc);
  });

  it('/docs redirects to /docs/, which serves index.html; /docs/zh-Hant/ the Traditional Chinese page', async () => {
    const r = await fetch(`${withDocs.url}/docs`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/docs/');
    const en = await fetch(`${withDocs.url}/docs`);
    expect(en.headers.get('content-type')).toMatch(/text\/html/);
    expect(await en.text()).toContain('<title>en</title>');
    expect(await (await fetch(`${withDocs.url}/docs/zh-Hant/`)).text()).toContain('zh-Hant');
    expect(await (await fetch(`${withDocs.url}/docs/zh-Hant`)).text()).toContain('zh-Hant');
    expect(await (await fetch(`${withDocs.url}/docs/zh-Hant/index.html`)).text()).toContain('zh-Hant');
  });

  it('missing docs and paths outside the docs folder are a 404, not a 5xx', async () => {
    expect((await fetch(`${withDocs.url}/docs/nope.html`)).status).toBe(404);
    for (const path of [
      '/docs/../package.json',
      '/docs/%2e%2e/package.json',
      '/docs/..%2fpackage.json',
      '/docs/%00',
      '/docs/%E0%A4%A',
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: withDocs.port, path }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status, path).toBe(404);
    }
  });
});

describe('hostile input: a 4xx, never a 5xx or a hang', () => {
  it.each([
    '%',
    '%E0%A4%A',
    'Action=%FF%FE&Version=2020-03-31',
    'Action=GetResourceDirectory&Version=2020-03-31&Format=%00',
    `Action=EnableResourceDirectory&Version=2020-03-31&EnableMode=${'A'.repeat(10000)}`,
    'Action=EnableResourceDirectory&Version=2020-03-31&MAName=%ED%A0%80&EnableMode=NewManagementAccount',
    '__proto__=x&constructor=y&Action=GetResourceDirectory&Version=2020-03-31',
    'Action=GetResourceDirectory&Version=2020-03-31&__example=%00%01%02',
    '&&&===&',
  ])('query %s', async (qs) => {
    const a = await send(mock, qs);
    expect(a.status).toBeLessThan(500);
    expect(a.body?.RequestId ?? a.text).toBeDefined();
  });

  it('a body over the limit is refused with a 400', async () => {
    const small = await startMock({ maxBodyBytes: 1024 });
    try {
      const a = await send(small, rpc('GetResourceDirectory'), {
        body: 'x'.repeat(4096),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(a.status).toBe(400);
      expect(a.body.Code).toBe('InvalidParameter');
      expect(small.problems).toEqual([]);
      expect((await send(small, rpc('GetResourceDirectory'))).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('a malformed form body is read leniently', async () => {
    const a = await send(mock, rpc('EnableResourceDirectory'), {
      body: '%%%&EnableMode=CurrentAccount&=&',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(a.status, a.text).toBe(200);
  });
});
