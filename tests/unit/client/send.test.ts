// How the client sends (packages/client/src/send.ts): one path, through openapi-fetch (`client.raw`), for the action
// methods as for callers of raw; middleware added to raw sees (and may replace) every request and answer; a call's own
// headers go with it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Middleware } from 'openapi-fetch';
import { createClient, type ClientOptions, type ResourceDirectoryClient } from '../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../packages/client/src/protocol/signing.js';
import { normalisedRequest, useCaptureServer, type Captured } from '../../helpers/capture-server.js';

const ID = 'LTAI5tSendTestKeyId';
const SECRET = 'SendTestSecret0123456789abcdef';
const TOKEN = 'CAIS.SendTest/Token+With=Specials';

const server = useCaptureServer();
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const client = (extra: Partial<ClientOptions> = {}) =>
  createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: SECRET, ...extra });
const acs3Incoming = (r: Captured) => ({
  method: r.method,
  pathname: r.path,
  query: r.query,
  headers: r.headers,
  body: r.body,
});

type Call = (c: ResourceDirectoryClient) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const viaMethod: Call = (c) =>
  c.EnableResourceDirectory({
    EnableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
    VerificationCode: '123456',
  });
const viaRaw: Call = (c) =>
  (c.raw.POST as unknown as (p: string, i: object) => ReturnType<Call>)('/#Action=EnableResourceDirectory', {
    params: {
      query: {
        Action: 'EnableResourceDirectory',
        Version: '2020-03-31',
        EnableMode: 'NewManagementAccount',
        MAName: 'user01',
        MASecureMobilePhone: '852-61234567',
        VerificationCode: '123456',
      },
    },
  });

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['ACS3-HMAC-SHA256', true],
  ['HMAC-SHA1', false],
  ['HMAC-SHA1', true],
] as const)(
  '%s, STS=%s: an action method puts on the wire exactly what the same call through raw does',
  (signatureAlgorithm, sts) => {
    it('the same method, target, headers (names in order) and body, both signed', async () => {
      const c = client({ signatureAlgorithm, ...(sts ? { securityToken: TOKEN } : {}) });
      await viaMethod(c);
      await viaRaw(c);
      const [a, b] = server.requests as [Captured, Captured];
      expect(normalisedRequest(a)).toEqual(normalisedRequest(b));
      for (const r of [a, b]) {
        const ok =
          signatureAlgorithm === 'HMAC-SHA1'
            ? verifyRpc(r.method, r.query, SECRET).ok
            : verifyAcs3(acs3Incoming(r), SECRET).ok;
        expect(ok).toBe(true);
      }
    });

    it('the response handed back carries the URL raw gives it', async () => {
      const c = client({ signatureAlgorithm, ...(sts ? { securityToken: TOKEN } : {}) });
      const { response } = await viaMethod(c);
      const raw = await viaRaw(c);
      expect(response.url.replace(/[0-9a-f]{64}|Signature=[^&]+|Timestamp=[^&]+/g, '')).toBe(
        raw.response.url.replace(/[0-9a-f]{64}|Signature=[^&]+|Timestamp=[^&]+/g, ''),
      );
      if (signatureAlgorithm === 'HMAC-SHA1' && sts) expect(response.url).toBe('');
    });
  },
);

describe('one path: the action methods go through raw', () => {
  it(
    'a middleware added to raw sees every signed request of the action methods while it is there, and only' + ' then',
    async () => {
      const seen: string[] = [];
      const mw: Middleware = {
        onRequest({ request }) {
          seen.push(
            `${request.method} ${new URL(request.url).search} ${request.headers.get('x-acs-action')}` +
              ` ${request.headers.has('authorization')}`,
          );
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
    },
  );

  it('a middleware sees the answer before the caller, and may replace it', async () => {
    const c = client();
    const statuses: number[] = [];
    c.raw.use({
      onResponse({ response }) {
        statuses.push(response.status);
        return new Response(JSON.stringify({ RequestId: 'replaced' }), { status: 200 });
      },
    });
    expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'replaced' });
    expect(statuses).toEqual([200]);
    expect(server.requests).toHaveLength(1);
  });

  it('a middleware can answer in place of the server', async () => {
    const c = client();
    c.raw.use({ onRequest: () => new Response(JSON.stringify({ RequestId: 'from-middleware' }), { status: 200 }) });
    expect((await c.SendVerificationCodeForEnableRD()).data).toEqual({ RequestId: 'from-middleware' });
    expect(server.requests).toHaveLength(0);
  });

  it('a middleware that replaces the signed request with its own WHATWG Request is followed', async () => {
    const c = client();
    c.raw.use({
      onRequest: ({ request }) =>
        new Request(request, { headers: { ...Object.fromEntries(request.headers), 'x-trace': 't-1' } }),
    });
    await c.GetResourceDirectory();
    expect(server.requests[0]!.headers['x-trace']).toBe('t-1');
    expect(verifyAcs3(acs3Incoming(server.requests[0]!), SECRET).ok).toBe(true);
  });

  it(
    "whatever sees the signed request gets a WHATWG Request: a middleware of raw's, one given to a single raw call," +
      ' a fetch of yours',
    async () => {
      const seen: boolean[] = [];
      const check: Middleware = {
        onRequest: ({ request }) => void seen.push(request instanceof Request && typeof request.clone === 'function'),
      };
      const viaOwnFetch = client({
        fetch: async (r) => (
          seen.push(r instanceof Request),
          new Response(JSON.stringify({ RequestId: 'f' }), { status: 200 })
        ),
      });
      await viaOwnFetch.GetResourceDirectory();
      const c = client();
      await (c.raw.POST as unknown as (p: string, i: object) => Promise<unknown>)('/#Action=GetResourceDirectory', {
        params: { query: { Action: 'GetResourceDirectory', Version: '2020-03-31' } },
        middleware: [check],
      });
      c.raw.use(check);
      await c.GetResourceDirectory();
      expect(seen).toEqual([true, true, true]);
      expect(server.requests).toHaveLength(2);
    },
  );

  it('an invalid call throws before any middleware sees it: nothing is sent', async () => {
    const c = client();
    const seen = vi.fn();
    c.raw.use({ onRequest: seen });
    await expect(c.EnableResourceDirectory({ EnableMode: 'Nope' } as never)).rejects.toMatchObject({
      code: 'InvalidParameter',
      parameter: 'EnableMode',
    });
    expect(seen).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(0);
  });
});

describe('per-call headers', () => {
  it('are sent as given with the signed request, which still verifies', async () => {
    await client().GetResourceDirectory(undefined, {
      headers: { Prefer: 'code=404, example=ResourceDirectoryNotInUse', 'X-Trace': 'abc' },
    });
    await client({ signatureAlgorithm: 'HMAC-SHA1' }).GetResourceDirectory(undefined, {
      headers: { prefer: 'code=200' },
    });
    const [acs3, v1] = server.requests as [Captured, Captured];
    expect(acs3.headers.prefer).toBe('code=404, example=ResourceDirectoryNotInUse');
    expect(acs3.headers['x-trace']).toBe('abc');
    expect(verifyAcs3(acs3Incoming(acs3), SECRET).ok).toBe(true);
    expect(v1.headers.prefer).toBe('code=200');
    expect(verifyRpc(v1.method, v1.query, SECRET).ok).toBe(true);
  });

  it.each(['authorization', 'x-acs-date', 'X-Acs-Action', 'host', 'accept', 'content-type'])(
    '%s, a header the client sets or signs, is refused: InvalidClientOptions, nothing sent',
    async (name) => {
      await expect(client().GetResourceDirectory(undefined, { headers: { [name]: 'x' } })).rejects.toMatchObject({
        code: 'InvalidClientOptions',
        message: expect.stringContaining(name.toLowerCase()),
      });
      expect(server.requests).toHaveLength(0);
    },
  );

  it('a header value fetch refuses is refused too, nothing sent', async () => {
    await expect(client().GetResourceDirectory(undefined, { headers: { Prefer: 'a\nb' } })).rejects.toThrow();
    expect(server.requests).toHaveLength(0);
  });
});

describe('fetch', () => {
  it("a custom fetch gets the signed Request with the caller's signal", async () => {
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
    await createClient({ endpoint: server.origin, accessKeyId: ID, accessKeySecret: secret }).EnableResourceDirectory({
      EnableMode: 'CurrentAccount',
    });
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
