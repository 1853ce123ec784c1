// What the client puts on the wire, per action and per signature algorithm, recorded by a local capture server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  ResourceDirectoryResponseError,
  ResourceDirectoryValidationError,
  type ClientOptions,
  type ResourceDirectoryClient,
} from '../../../packages/client/src/index.js';
import { clientActions, type ClientActionName } from '../../../generated/ResourceManager-2020-03-31/action-types.js';
import {
  EMPTY_BODY_SHA256,
  parseAcs3Authorization,
  verifyAcs3,
  verifyRpc,
} from '../../../packages/client/src/protocol/signing.js';
import { errorBody, useCaptureServer, type Captured } from '../../helpers/capture-server.js';
import { errorCodes } from '../../helpers/contract.js';
import { apiActions, RM } from '../../fixtures/seed-facts.js';

const ID = 'LTAI5tWireTestKeyId';
const SECRET = 'WireTestSecret0123456789abcdefXYZ';
const TOKEN = 'CAIS.WireTest/Token+With=Specials';

const server = useCaptureServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** One call per action; the parameters are valid and use every parameter the action has. */
const calls: { action: ClientActionName; params: Record<string, unknown>; wire: [string, string][] }[] = [
  {
    action: 'EnableResourceDirectory',
    params: {
      VerificationCode: '123456',
      EnableMode: 'NewManagementAccount',
      MASecureMobilePhone: '852-61234567',
      MAName: 'user01@rdadmin.aliyunid.com',
    },
    // contract order, not the order of the object above
    wire: [
      ['EnableMode', 'NewManagementAccount'],
      ['MAName', 'user01@rdadmin.aliyunid.com'],
      ['MASecureMobilePhone', '852-61234567'],
      ['VerificationCode', '123456'],
    ],
  },
  { action: 'InitResourceDirectory', params: {}, wire: [] },
  {
    action: 'SendVerificationCodeForEnableRD',
    params: { SecureMobilePhone: '852-61234567' },
    wire: [['SecureMobilePhone', '852-61234567']],
  },
  { action: 'GetResourceDirectory', params: {}, wire: [] },
];

const expectedRawQuery: Record<ClientActionName, string> = {
  EnableResourceDirectory:
    'EnableMode=NewManagementAccount&MAName=user01%40rdadmin.aliyunid.com' +
    '&MASecureMobilePhone=852-61234567&VerificationCode=123456',
  InitResourceDirectory: '',
  SendVerificationCodeForEnableRD: 'SecureMobilePhone=852-61234567',
  GetResourceDirectory: '',
};

function client(extra: Partial<ClientOptions> = {}): ResourceDirectoryClient {
  return createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: SECRET, ...extra });
}

async function send(c: ResourceDirectoryClient, action: ClientActionName, params: Record<string, unknown>) {
  const fn = c[action] as (p: Record<string, unknown>) => ReturnType<ResourceDirectoryClient['GetResourceDirectory']>;
  return fn(params);
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
function expectRecentUtc(stamp: string) {
  expect(stamp).toMatch(TIMESTAMP);
  expect(Math.abs(Date.parse(stamp) - Date.now())).toBeLessThan(5_000);
}

function acs3Incoming(r: Captured) {
  return { method: r.method, pathname: r.path, query: r.query, headers: r.headers, body: r.body };
}

describe.each([false, true])('ACS3-HMAC-SHA256 (default), STS=%s', (sts) => {
  it.each(calls)(
    '$action: exact method, path, query, signed headers and a verifiable signature',
    async ({ action, params, wire }) => {
      const c = client(sts ? { securityToken: TOKEN } : {});
      const { data, error, response } = await send(c, action, params);
      expect(error).toBeUndefined();
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ RequestId: expect.any(String) });

      expect(server.requests).toHaveLength(1);
      const r = server.requests[0]!;
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/');
      expect(r.url).toBe(expectedRawQuery[action] ? `/?${expectedRawQuery[action]}` : '/');
      expect(r.query).toEqual(wire); // action parameters only, in the contract's order
      expect(r.url).not.toContain('#');
      expect(r.url).not.toContain('Action=');
      expect(r.url).not.toContain('Version=');
      expect(r.body.length).toBe(0);

      expect(r.headers.host).toBe(`127.0.0.1:${server.port}`);
      expect(r.headers['x-acs-action']).toBe(action);
      expect(r.headers['x-acs-version']).toBe('2020-03-31');
      expectRecentUtc(r.headers['x-acs-date']!);
      expect(r.headers['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{64}$/);
      expect(r.headers['x-acs-content-sha256']).toBe(EMPTY_BODY_SHA256);
      expect(r.headers.accept).toBe('application/json');
      if (sts) expect(r.headers['x-acs-security-token']).toBe(TOKEN);
      else expect(r.headers).not.toHaveProperty('x-acs-security-token');
      expect(
        Object.keys(r.headers)
          .filter((h) => h.startsWith('x-acs-'))
          .sort(),
      ).toEqual([
        'x-acs-action',
        'x-acs-content-sha256',
        'x-acs-date',
        ...(sts ? ['x-acs-security-token'] : []),
        'x-acs-signature-nonce',
        'x-acs-version',
      ]);

      const auth = parseAcs3Authorization(r.headers.authorization);
      expect(auth).toBeDefined();
      expect(auth!.accessKeyId).toBe(ID);
      expect(auth!.signedHeaders).toEqual([
        'host',
        'x-acs-action',
        'x-acs-content-sha256',
        'x-acs-date',
        ...(sts ? ['x-acs-security-token'] : []),
        'x-acs-signature-nonce',
        'x-acs-version',
      ]);
      expect(verifyAcs3(acs3Incoming(r), SECRET)).toMatchObject({ ok: true });
      expect(verifyAcs3(acs3Incoming(r), `${SECRET}x`)).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    },
  );

  it('the signature covers the query and the signed headers (a change on the wire breaks it)', async () => {
    await client(sts ? { securityToken: TOKEN } : {}).EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
    const r = server.requests[0]!;
    expect(verifyAcs3(acs3Incoming(r), SECRET).ok).toBe(true);
    expect(verifyAcs3({ ...acs3Incoming(r), query: [['EnableMode', 'NewManagementAccount']] }, SECRET).ok).toBe(false);
    expect(
      verifyAcs3({ ...acs3Incoming(r), headers: { ...r.headers, 'x-acs-action': 'GetResourceDirectory' } }, SECRET).ok,
    ).toBe(false);
    expect(
      verifyAcs3({ ...acs3Incoming(r), headers: { ...r.headers, host: 'resourcemanager.aliyuncs.com' } }, SECRET).ok,
    ).toBe(false);
  });
});

describe.each([false, true])('HMAC-SHA1, STS=%s', (sts) => {
  it.each(calls)(
    '$action: exact method, path, query order and a verifiable signature',
    async ({ action, params, wire }) => {
      const c = client({ signatureAlgorithm: 'HMAC-SHA1', ...(sts ? { securityToken: TOKEN } : {}) });
      const { data, error } = await send(c, action, params);
      expect(error).toBeUndefined();
      expect(data).toMatchObject({ RequestId: expect.any(String) });

      expect(server.requests).toHaveLength(1);
      const r = server.requests[0]!;
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/');
      expect(r.url).not.toContain('#');
      expect(r.body.length).toBe(0);
      const names = r.query.map(([k]) => k);
      expect(names).toEqual([
        'Action',
        'Format',
        'Version',
        'AccessKeyId',
        'SignatureMethod',
        'SignatureVersion',
        'SignatureNonce',
        'Timestamp',
        ...(sts ? ['SecurityToken'] : []),
        ...wire.map(([k]) => k),
        'Signature',
      ]);
      const q = Object.fromEntries(r.query);
      expect(q).toMatchObject({
        Action: action,
        Format: 'JSON',
        Version: '2020-03-31',
        AccessKeyId: ID,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
      });
      expect(q.SignatureNonce).toMatch(/^[0-9a-f]{64}$/);
      expectRecentUtc(q.Timestamp!);
      expect(r.rawQuery).toContain(`&Timestamp=${q.Timestamp!.replace(/:/g, '%3A')}&`);
      if (sts) expect(q.SecurityToken).toBe(TOKEN);
      expect(r.query.slice(sts ? 9 : 8, -1)).toEqual(wire);
      if (expectedRawQuery[action]) expect(r.rawQuery).toContain(`&${expectedRawQuery[action]}&Signature=`);
      // the wire form is already the canonical encoding: no `+`, space as %20, `/`, `+`, `=` escaped
      if (sts) expect(r.rawQuery).toContain('&SecurityToken=CAIS.WireTest%2FToken%2BWith%3DSpecials&');
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers).not.toHaveProperty('authorization');
      expect(Object.keys(r.headers).filter((h) => h.startsWith('x-acs-'))).toEqual([]);

      expect(verifyRpc(r.method, r.query, SECRET)).toMatchObject({ ok: true, accessKeyId: ID });
      expect(verifyRpc(r.method, r.query, `${SECRET}x`)).toMatchObject({ ok: false, reason: 'signature-mismatch' });
      expect(verifyRpc('GET', r.query, SECRET).ok).toBe(false);
    },
  );
});

describe('every request is signed anew', () => {
  it('nonces are unique across calls and algorithms', async () => {
    for (const signatureAlgorithm of ['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const) {
      const c = client({ signatureAlgorithm });
      await Promise.all(Array.from({ length: 25 }, () => c.GetResourceDirectory()));
    }
    const nonces = server.requests.map(
      (r) => r.headers['x-acs-signature-nonce'] ?? Object.fromEntries(r.query).SignatureNonce,
    );
    expect(nonces).toHaveLength(50);
    expect(nonces.every((n) => typeof n === 'string' && n.length === 64)).toBe(true);
    expect(new Set(nonces).size).toBe(50);
  });

  it('the timestamp is the current UTC second, without milliseconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-22T10:20:14.987Z'));
      await client().GetResourceDirectory();
      await client({ signatureAlgorithm: 'HMAC-SHA1' }).GetResourceDirectory();
    } finally {
      vi.useRealTimers();
    }
    expect(server.requests[0]!.headers['x-acs-date']).toBe('2026-11-22T10:20:14Z');
    expect(Object.fromEntries(server.requests[1]!.query).Timestamp).toBe('2026-11-22T10:20:14Z');
  });
});

describe('parameters on the wire', () => {
  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)(
    '%s: DryRun (ResourceDirectoryMaster 2022-04-19) is sent as true / false',
    async (signatureAlgorithm) => {
      const c = createClient({
        api: 'ResourceDirectoryMaster/2022-04-19',
        endpoint: server.origin,
        accessKeyId: ID,
        accessKeySecret: SECRET,
        signatureAlgorithm,
      });
      await c.EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: false });
      await c.EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: true });
      expect(server.requests.map((r) => Object.fromEntries(r.query).DryRun)).toEqual(['false', 'true']);
      const versions = server.requests.map((r) => r.headers['x-acs-version'] ?? Object.fromEntries(r.query).Version);
      expect(versions).toEqual(['2022-04-19', '2022-04-19']);
    },
  );

  it(
    'DryRun on ResourceManager 2020-03-31 (which would ignore it and enable for real) is refused before anything is' +
      ' sent, pointing to 2022-04-19',
    async () => {
      const c = client();
      const untyped = c.EnableResourceDirectory as unknown as (p: object) => Promise<unknown>;
      const err = await untyped({ EnableMode: 'CurrentAccount', DryRun: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResourceDirectoryValidationError);
      const v = err as ResourceDirectoryValidationError;
      expect(v.violations).toMatchObject([{ parameter: 'DryRun', kind: 'unknown', code: 'InvalidParameter' }]);
      expect(v.message).toContain('ResourceDirectoryMaster/2022-04-19');
      expect(v.message).toContain("createClient({ api: 'ResourceDirectoryMaster/2022-04-19' })");
      expect(server.requests).toEqual([]);
    },
  );

  it('an empty optional value counts as absent and is not sent', async () => {
    await client().SendVerificationCodeForEnableRD({ SecureMobilePhone: '' });
    await client().EnableResourceDirectory({ EnableMode: 'CurrentAccount', MAName: undefined });
    expect(server.requests.map((r) => r.url)).toEqual(['/', '/?EnableMode=CurrentAccount']);
  });

  it('a parameterless action may be called without an argument', async () => {
    await client().GetResourceDirectory();
    await client().InitResourceDirectory();
    expect(server.requests.map((r) => r.headers['x-acs-action'])).toEqual([
      'GetResourceDirectory',
      'InitResourceDirectory',
    ]);
  });
});

describe('options', () => {
  it('credentials fall back to ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / ALIBABA_CLOUD_SECURITY_TOKEN', async () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'EnvKeyId');
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'EnvSecret0123456789');
    vi.stubEnv('ALIBABA_CLOUD_SECURITY_TOKEN', 'EnvToken0123456789');
    await createClient({ endpoint: server.origin }).GetResourceDirectory();
    const r = server.requests[0]!;
    expect(parseAcs3Authorization(r.headers.authorization)!.accessKeyId).toBe('EnvKeyId');
    expect(r.headers['x-acs-security-token']).toBe('EnvToken0123456789');
    expect(verifyAcs3(acs3Incoming(r), 'EnvSecret0123456789').ok).toBe(true);
  });

  it('explicit credentials win over the environment', async () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'EnvKeyId');
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'EnvSecret0123456789');
    await client().GetResourceDirectory();
    expect(verifyAcs3(acs3Incoming(server.requests[0]!), SECRET)).toMatchObject({ ok: true, accessKeyId: ID });
  });

  it(
    'the default endpoint is https://resourcemanager.aliyuncs.com, and a custom fetch receives the wire' + ' request',
    async () => {
      const seen: Request[] = [];
      const c = createClient({
        accessKeyId: ID,
        accessKeySecret: SECRET,
        fetch: async (req) => {
          seen.push(req);
          return new Response(JSON.stringify({ RequestId: 'r' }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        },
      });
      expect(c.endpoint).toBe('https://resourcemanager.aliyuncs.com');
      expect(c.signatureAlgorithm).toBe('ACS3-HMAC-SHA256');
      await c.SendVerificationCodeForEnableRD({ SecureMobilePhone: '852-61234567' });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('POST');
      expect(seen[0]!.url).toBe('https://resourcemanager.aliyuncs.com/?SecureMobilePhone=852-61234567');
      const headers = Object.fromEntries(seen[0]!.headers);
      const auth = parseAcs3Authorization(headers.authorization)!;
      expect(auth.signedHeaders).toContain('host');
      // host is signed as the endpoint's host; fetch sends it from the URL
      expect(
        verifyAcs3(
          {
            method: 'POST',
            pathname: '/',
            query: [['SecureMobilePhone', '852-61234567']],
            headers: { ...headers, host: 'resourcemanager.aliyuncs.com' },
            body: '',
          },
          SECRET,
        ).ok,
      ).toBe(true);
    },
  );

  it('refuses endpoints that are not a bare http(s) origin', () => {
    for (const endpoint of [
      'resourcemanager.aliyuncs.com',
      'ftp://x',
      'https://x/path',
      'https://x/?a=1',
      'https://u:p@x',
    ]) {
      expect(() => createClient({ endpoint }), endpoint).toThrow(/endpoint/);
    }
    expect(createClient({ endpoint: 'https://resourcemanager.aliyuncs.com/' }).endpoint).toBe(
      'https://resourcemanager.aliyuncs.com',
    );
  });

  it('the raw openapi-fetch client goes through the same signing middleware', async () => {
    const c = client();
    const { data } = await c.raw.POST('/#Action=GetResourceDirectory', {
      params: { query: { Action: 'GetResourceDirectory', Version: '2020-03-31' } },
    });
    expect(data).toMatchObject({ ResourceDirectory: { ResourceDirectoryId: 'rd-St****' } });
    const r = server.requests[0]!;
    expect(r.url).toBe('/');
    expect(r.headers['x-acs-action']).toBe('GetResourceDirectory');
    expect(verifyAcs3(acs3Incoming(r), SECRET).ok).toBe(true);
  });
});

describe('answers', () => {
  it('a documented error is returned as `error`, typed by its Code, with the response', async () => {
    server.queue.push({
      status: 404,
      body: errorBody('ResourceDirectoryNotInUse', 'The specified account is not ...'),
    });
    const { data, error, response } = await client().GetResourceDirectory();
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({
      Code: 'ResourceDirectoryNotInUse',
      RequestId: '724E69B8-9285-54E9-A4A4-159108C46B03',
      Message: 'The specified account is not ...',
    });
  });

  it('an error code the action does not document is thrown, not passed off as the union', async () => {
    // documented for Enable, not for Get
    server.queue.push({ status: 409, body: errorBody('EntityAlreadyExists.ResourceDirectory') });
    const e = await client()
      .GetResourceDirectory()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResourceDirectoryResponseError);
    expect(e).toMatchObject({
      code: 'EntityAlreadyExists.ResourceDirectory',
      status: 409,
      requestId: '724E69B8-9285-54E9-A4A4-159108C46B03',
    });
  });

  it('a body that is not JSON is thrown as UnexpectedResponse (success and error)', async () => {
    server.queue.push({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<GetResourceDirectoryResponse/>',
    });
    server.queue.push({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' });
    await expect(client().GetResourceDirectory()).rejects.toMatchObject({
      name: 'ResourceDirectoryResponseError',
      code: 'UnexpectedResponse',
      status: 200,
    });
    await expect(client().GetResourceDirectory()).rejects.toMatchObject({
      code: 'UnexpectedResponse',
      status: 502,
      body: '<html>Bad gateway</html>',
    });
  });

  it('every documented code of every action is handed back as `error`', async () => {
    let handed = 0;
    for (const [action, spec] of Object.entries(clientActions) as [
      ClientActionName,
      (typeof clientActions)[ClientActionName],
    ][]) {
      const call = calls.find((x) => x.action === action)!;
      for (const code of spec.errorCodes) {
        server.queue.push({ status: code === 'InternalError' ? 500 : 400, body: errorBody(code) });
        const { error } = await send(client(), action, call.params);
        expect(error, `${action} ${code}`).toMatchObject({ Code: code });
        handed++;
      }
    }
    // the seeds' four actions of 2020-03-31, each with every code its published description documents (named examples)
    const actions = Object.keys(apiActions[RM]!);
    expect(Object.keys(clientActions)).toEqual(actions);
    expect(handed).toBe(actions.reduce((n, a) => n + new Set(errorCodes(a).map((e) => e.code)).size, 0));
  });
});
