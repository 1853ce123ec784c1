// How the action methods send: the wire request built once and handed to fetch, with the same result as going
// through openapi-fetch (`client.raw`); middleware added to `raw` sees the action methods' requests too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Middleware } from 'openapi-fetch';
import { createClient, type ClientOptions, type ResourceDirectoryClient } from '../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../packages/client/src/protocol/signing.js';
import { errorBody, normalisedRequest, useCaptureServer, type Answer, type Captured } from '../../helpers/capture-server.js';

const ID = 'LTAI5tSendTestKeyId';
const SECRET = 'SendTestSecret0123456789abcdef';
const TOKEN = 'CAIS.SendTest/Token+With=Specials';

const server = useCaptureServer();
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const client = (extra: Partial<ClientOptions> = {}) => createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: SECRET, ...extra });
const acs3Incoming = (r: Captured) => ({ method: r.method, pathname: r.path, query: r.query, headers: r.headers, body: r.body });

type Call = (c: ResourceDirectoryClient) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const viaMethod: Call = (c) => c.EnableResourceDirectory({ EnableMode: 'NewManagementAccount', MAName: 'user01', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' });
const viaRaw: Call = (c) =>
  (c.raw.POST as unknown as (p: string, i: object) => ReturnType<Call>)('/#Action=EnableResourceDirectory', {
    params: { query: { Action: 'EnableResourceDirectory', Version: '2020-03-31', EnableMode: 'NewManagementAccount', MAName: 'user01', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' } },
  });

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['ACS3-HMAC-SHA256', true],
  ['HMAC-SHA1', false],
  ['HMAC-SHA1', true],
] as const)('%s, STS=%s: an action method puts on the wire exactly what raw does', (signatureAlgorithm, sts) => {
  it('the same method, target, headers (names in order) and body, both signed', async () => {
    const c = client({ signatureAlgorithm, ...(sts ? { securityToken: TOKEN } : {}) });
    await viaMethod(c);
    await viaRaw(c);
    const [a, b] = server.requests as [Captured, Captured];
    expect(normalisedRequest(a)).toEqual(normalisedRequest(b));
    for (const r of [a, b]) {
      const ok = signatureAlgorithm === 'HMAC-SHA1' ? verifyRpc(r.method, r.query, SECRET).ok : verifyAcs3(acs3Incoming(r), SECRET).ok;
      expect(ok).toBe(true);
    }
  });

  it('the response handed back carries the URL raw gives it', async () => {
    const c = client({ signatureAlgorithm, ...(sts ? { securityToken: TOKEN } : {}) });
    const { response } = await viaMethod(c);
    const raw = await viaRaw(c);
    expect(response.url.replace(/[0-9a-f]{64}|Signature=[^&]+|Timestamp=[^&]+/g, '')).toBe(raw.response.url.replace(/[0-9a-f]{64}|Signature=[^&]+|Timestamp=[^&]+/g, ''));
    if (signatureAlgorithm === 'HMAC-SHA1' && sts) expect(response.url).toBe('');
  });
});

describe('the answer, read as openapi-fetch reads it', () => {
  const answers: [string, Answer][] = [
    ['a success', { status: 200, body: JSON.stringify({ RequestId: 'r', ResourceDirectory: { ResourceDirectoryId: 'rd-1' } }) }],
    ['a documented error', { status: 409, body: errorBody('EntityAlreadyExists.ResourceDirectory') }],
    ['an undocumented error code', { status: 400, body: errorBody('NoSuchCode') }],
    ['an empty success', { status: 200, body: '' }],
    ['an empty error', { status: 400, body: '' }],
    ['a 204', { status: 204, body: '' }],
    ['a success that is not JSON', { status: 200, headers: { 'content-type': 'text/xml' }, body: '<x/>' }],
    ['a 5xx page', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' }],
    ['a JSON array', { status: 200, body: '[1]' }],
  ];
  it.each(answers)('%s: the action method resolves or rejects like the same call through raw', async (_name, answer) => {
    const settle = (p: Promise<unknown>) => p.then((v) => ({ resolved: v }), (e: unknown) => ({ rejected: { ...(e as object), name: (e as Error).name, message: (e as Error).message } }));
    const strip = (x: { resolved?: unknown; rejected?: unknown }) =>
      x.resolved ? { ...(x.resolved as object), response: { status: (x.resolved as { response: Response }).response.status } } : x;

    // through the action method (hot path), then the same action method with a middleware on raw (openapi-fetch)
    server.queue.push(answer);
    const direct = strip(await settle(viaMethod(client())));
    const c = client();
    c.raw.use({ onRequest: () => undefined });
    server.queue.push(answer);
    const through = strip(await settle(viaMethod(c)));
    expect(direct).toEqual(through);
    expect(server.requests).toHaveLength(2);
  });
});

describe('middleware added to raw', () => {
  it('sees the action methods\' signed requests while it is there, and only then', async () => {
    const seen: string[] = [];
    const mw: Middleware = {
      onRequest({ request }) {
        seen.push(`${request.method} ${new URL(request.url).search} ${request.headers.get('x-acs-action')} ${request.headers.has('authorization')}`);
        return undefined;
      },
    };
    const c = client();
    await c.GetResourceDirectory();
    c.raw.use(mw);
    await c.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
    c.raw.use(mw); // twice, as openapi-fetch allows: it runs twice, and one eject leaves one
    await c.GetResourceDirectory();
    c.raw.eject(mw);
    await c.GetResourceDirectory();
    c.raw.eject(mw);
    await c.GetResourceDirectory();
    expect(seen).toEqual([
      'POST ?EnableMode=CurrentAccount EnableResourceDirectory true',
      'POST  GetResourceDirectory true',
      'POST  GetResourceDirectory true',
      'POST  GetResourceDirectory true',
    ]);
    expect(server.requests).toHaveLength(5);
  });

  it('can answer in place of the server, for the action methods too', async () => {
    const c = client();
    c.raw.use({ onRequest: () => new Response(JSON.stringify({ RequestId: 'from-middleware' }), { status: 200 }) });
    expect((await c.SendVerificationCodeForEnableRD()).data).toEqual({ RequestId: 'from-middleware' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('fetch', () => {
  it('a global fetch replaced after the client was created is looked up per request and gets a Request', async () => {
    const c = client();
    const seen: unknown[] = [];
    vi.stubGlobal('fetch', async (input: unknown, init?: unknown) => {
      seen.push(input, init);
      return new Response(JSON.stringify({ RequestId: 'stub' }), { status: 200 });
    });
    expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'stub' });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeInstanceOf(Request);
    expect((seen[0] as Request).headers.get('x-acs-action')).toBe('GetResourceDirectory');
    expect(seen[1]).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('a custom fetch gets a Request with the caller\'s signal', async () => {
    const ac = new AbortController();
    let got: Request | undefined;
    const c = client({
      fetch: async (req) => {
        got = req;
        return new Response(JSON.stringify({ RequestId: 'custom' }), { status: 200 });
      },
    });
    await c.GetResourceDirectory(undefined, { signal: ac.signal });
    expect(got).toBeInstanceOf(Request);
    expect(got!.redirect).toBe('manual');
    ac.abort();
    expect(got!.signal.aborted).toBe(true);
  });
});

describe('signing details', () => {
  it.each([
    ['short', 'k'],
    ['63 bytes', 'x'.repeat(63)],
    ['64 bytes (one HMAC block)', 'y'.repeat(64)],
    ['65 bytes (hashed first)', 'z'.repeat(65)],
    ['200 bytes', 'Secret/+='.repeat(22) + 'ab'],
    ['non-ASCII', 'sécret-密钥-🔑-0123456789'],
  ])('an AccessKey secret of %s signs verifiably', async (_name, secret) => {
    await createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: secret }).GetResourceDirectory();
    await createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: secret }).EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
    for (const r of server.requests) {
      expect(verifyAcs3(acs3Incoming(r), secret).ok).toBe(true);
      expect(verifyAcs3(acs3Incoming(r), `${secret}x`).ok).toBe(false);
    }
  });

  it('the timestamp follows the clock across seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = client();
    vi.setSystemTime(new Date('2026-11-22T10:20:14.999Z'));
    await c.GetResourceDirectory();
    vi.setSystemTime(new Date('2026-11-22T10:20:15.000Z'));
    await c.GetResourceDirectory();
    await client({ signatureAlgorithm: 'HMAC-SHA1' }).GetResourceDirectory();
    vi.setSystemTime(new Date('2026-11-22T10:20:14.500Z')); // the clock may go back
    await c.GetResourceDirectory();
    vi.useRealTimers();
    expect(server.requests.map((r) => r.headers['x-acs-date'] ?? Object.fromEntries(r.query).Timestamp)).toEqual([
      '2026-11-22T10:20:14Z',
      '2026-11-22T10:20:15Z',
      '2026-11-22T10:20:15Z',
      '2026-11-22T10:20:14Z',
    ]);
  });
});
