// The client's fetch (ClientOptions.fetch): which one a call goes through, and that its default, nodeHttpFetch
// (packages/client/src/node-http-fetch.ts over protocol/http-sender.ts), and Node's fetch are interchangeable: the same
// bytes on the wire, the same results and errors from the same answers. And the sender's options
// the contract proxy uses (a raw target, limits, kept bodies).
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  nodeHttpFetch,
  ResourceDirectoryAbortError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryTimeoutError,
  type ClientOptions,
} from '../../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../../packages/client/src/protocol/signing.js';
import { AnswerError, sendHttp } from '../../../../packages/client/src/protocol/http-sender.js';
import { errorBody, normalisedRequest, useCaptureServer, type Captured } from '../../../helpers/capture-server.js';

const ID = 'LTAI5tTransportKeyId';
const SECRET = 'TransportTestSecret0123456789ab';
const TOKEN = 'CAIS.Transport/Token+With=Specials';
const DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const globals = globalThis as unknown as Record<symbol, unknown>;

const server = useCaptureServer();
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const client = (extra: Partial<ClientOptions> = {}, endpoint = server.origin) =>
  createClient({ endpoint, accessKeyId: ID, accessKeySecret: SECRET, ...extra });
const enable = {
  EnableMode: 'NewManagementAccount',
  MAName: 'user01',
  MASecureMobilePhone: '852-61234567',
  VerificationCode: '123456',
} as const;
/** The two fetches compared: the client's default (nodeHttpFetch) and Node's own. */
type Via = 'node:http' | 'fetch';
const via = (v: Via): Partial<ClientOptions> => (v === 'fetch' ? { fetch: (r: Request) => fetch(r) } : {});

describe('the fetch a call goes through', () => {
  const withDispatcher = async (d: unknown, run: () => Promise<void>) => {
    const had = Object.prototype.hasOwnProperty.call(globals, DISPATCHER);
    const before = globals[DISPATCHER];
    globals[DISPATCHER] = d;
    try {
      await run();
    } finally {
      if (had) globals[DISPATCHER] = before;
      else delete globals[DISPATCHER];
    }
  };

  it('by default nodeHttpFetch: one http.request per call, and a replaced global fetch is not used', async () => {
    const spy = vi.spyOn(http, 'request');
    const stub = vi.fn(async () => new Response('{}'));
    vi.stubGlobal('fetch', stub);
    const c = client();
    expect((await c.GetResourceDirectory()).data).toMatchObject({ RequestId: expect.any(String) });
    await c.EnableResourceDirectory(enable);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(stub).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(2);
  });

  it('a fetch option: that fetch, given the signed Request (redirects not followed), and node:http never', async () => {
    const spy = vi.spyOn(http, 'request');
    const seen: Request[] = [];
    const c = client({
      fetch: async (r) => (seen.push(r), new Response(JSON.stringify({ RequestId: 'custom' }), { status: 200 })),
    });
    expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'custom' });
    expect(seen[0]).toBeInstanceOf(Request);
    expect(seen[0]!.redirect).toBe('manual');
    expect(seen[0]!.headers.get('x-acs-action')).toBe('GetResourceDirectory');
    expect(spy).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(0);
  });

  it(
    "fetch: (r) => fetch(r): Node's fetch, the global looked up per request (replaced after the client was" + ' made)',
    async () => {
      const c = client(via('fetch'));
      expect((await c.GetResourceDirectory()).data).toMatchObject({ RequestId: expect.any(String) });
      expect(server.requests).toHaveLength(1);
      const seen: unknown[] = [];
      vi.stubGlobal(
        'fetch',
        async (input: unknown) => (
          seen.push(input),
          new Response(JSON.stringify({ RequestId: 'stub' }), { status: 200 })
        ),
      );
      expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'stub' });
      expect(seen[0]).toBeInstanceOf(Request);
      expect(server.requests).toHaveLength(1);
    },
  );

  it(
    "Node's fetch with an undici global dispatcher such as a MockAgent installed: through that" + ' dispatcher',
    async () => {
      const dispatched: unknown[] = [];
      class MockAgent {
        dispatch(opts: unknown): boolean {
          dispatched.push(opts);
          throw new Error('the test dispatcher answers nothing');
        }
      }
      await withDispatcher(new MockAgent(), async () => {
        await expect(client(via('fetch')).GetResourceDirectory()).rejects.toBeInstanceOf(ResourceDirectoryNetworkError);
      });
      expect(dispatched).toHaveLength(1);
      expect(server.requests).toHaveLength(0);
    },
  );

  it('a fetch option that is not a function is refused when the client is created', () => {
    expect(() => client({ fetch: 'node:http' as unknown as typeof fetch })).toThrow(
      expect.objectContaining({ code: 'InvalidClientOptions', message: expect.stringContaining('fetch') }),
    );
  });

  it('nodeHttpFetch sends no body: a Request with one is a TypeError, nothing is sent', async () => {
    await expect(
      nodeHttpFetch(new Request(server.origin, { method: 'POST', body: 'Action=GetResourceDirectory' })),
    ).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });
});

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['ACS3-HMAC-SHA256', true],
  ['HMAC-SHA1', false],
  ['HMAC-SHA1', true],
] as const)('%s, STS=%s: node:http puts on the wire what fetch does', (signatureAlgorithm, sts) => {
  it.each([
    ['GetResourceDirectory', {}],
    ['EnableResourceDirectory', enable],
    ['SendVerificationCodeForEnableRD', { SecureMobilePhone: '852-61234567' }],
    ['InitResourceDirectory', {}],
  ] as const)(
    '%s: the same method, target, header names in order, header values and body; both signed',
    async (action, params) => {
      const options = { signatureAlgorithm, ...(sts ? { securityToken: TOKEN } : {}) };
      const call = (c: ReturnType<typeof client>) => (c[action] as (p: object) => Promise<unknown>)(params);
      await call(client({ ...options, ...via('node:http') }));
      await call(client({ ...options, ...via('fetch') }));
      const [viaNode, viaFetch] = server.requests as [Captured, Captured];
      expect(normalisedRequest(viaNode)).toEqual(normalisedRequest(viaFetch));
      expect(viaNode.headerNames.slice(0, 2)).toEqual(['host', 'connection']);
      for (const r of [viaNode, viaFetch]) {
        const ok =
          signatureAlgorithm === 'HMAC-SHA1'
            ? verifyRpc(r.method, r.query, SECRET).ok
            : verifyAcs3(
                { method: r.method, pathname: r.path, query: r.query, headers: r.headers, body: r.body },
                SECRET,
              ).ok;
        expect(ok).toBe(true);
      }
    },
  );
});

describe('the same answer gives the same result through either fetch', () => {
  const json = JSON.stringify({
    RequestId: 'r-1',
    ResourceDirectory: { ResourceDirectoryId: 'rd-1', MasterAccountName: 'Zoë' },
  });
  type Raw = { status: number; statusText?: string; headers?: [string, string][]; body?: Buffer | string };
  const answers: [string, Raw][] = [
    ['a success', { status: 200, headers: [['content-type', 'application/json']], body: json }],
    [
      'a documented error',
      {
        status: 409,
        headers: [['content-type', 'application/json']],
        body: errorBody('EntityAlreadyExists.ResourceDirectory'),
      },
    ],
    ['an undocumented error code', { status: 400, body: errorBody('NoSuchCode') }],
    ['an empty success', { status: 200, body: '' }],
    ['a 204', { status: 204 }],
    [
      'a 5xx page',
      {
        status: 502,
        statusText: 'Bad Gateway',
        headers: [['content-type', 'text/html']],
        body: '<html>bad gateway</html>',
      },
    ],
    [
      'a status outside 200-599',
      { status: 999, statusText: 'Odd', body: errorBody('EntityAlreadyExists.ResourceDirectory') },
    ],
    ['a redirect (not followed)', { status: 302, headers: [['location', '/elsewhere']], body: '' }],
    ['a gzip body', { status: 200, headers: [['content-encoding', 'gzip']], body: gzipSync(json) }],
    ['a deflate body', { status: 200, headers: [['content-encoding', 'deflate']], body: deflateSync(json) }],
    ['a raw deflate body', { status: 200, headers: [['content-encoding', 'deflate']], body: deflateRawSync(json) }],
    ['a br body', { status: 200, headers: [['content-encoding', 'br']], body: brotliCompressSync(json) }],
    [
      'two codings',
      { status: 200, headers: [['content-encoding', 'deflate, gzip']], body: gzipSync(deflateSync(json)) },
    ],
    [
      'an error body in gzip',
      {
        status: 409,
        headers: [['content-encoding', 'gzip']],
        body: gzipSync(errorBody('EntityAlreadyExists.ResourceDirectory')),
      },
    ],
    ['an unknown coding (left as is)', { status: 200, headers: [['content-encoding', 'compress']], body: json }],
    ['a body with a BOM', { status: 200, body: `\ufeff${json}` }],
    [
      'a body that is not UTF-8',
      { status: 200, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    ],
    [
      'repeated and Latin-1 headers',
      {
        status: 200,
        headers: [
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
          ['x-acs-request-id', 'r-1'],
          ['x-latin', 'caf\xe9'],
        ],
        body: json,
      },
    ],
  ];

  beforeAll(() => {
    server.handler = undefined;
  });

  it.each(answers)('%s', async (_name, answer) => {
    server.handler = (_req, res) => {
      const flat = (answer.headers ?? []).flat();
      res.writeHead(answer.status, answer.statusText ?? '', flat);
      res.end(answer.body ?? '');
    };
    const settle = async (transport: Via) => {
      try {
        const { data, error, response } = await client(via(transport)).EnableResourceDirectory(enable);
        return {
          resolved: { data, error },
          // (the Date header may be a second apart between the two calls)
          response: {
            status: response.status,
            ok: response.ok,
            statusText: response.statusText,
            headers: [...response.headers].filter(([name]) => name !== 'date'),
            url: response.url.replace(/[0-9a-f]{64}/g, ''),
            bodyUsed: response.bodyUsed,
            redirected: response.redirected,
          },
        };
      } catch (e) {
        const err = e as Error & { code?: string; status?: number; body?: string };
        return {
          rejected: { name: err.name, code: err.code, status: err.status, body: err.body, message: err.message },
        };
      }
    };
    const viaNode = await settle('node:http');
    const viaFetch = await settle('fetch');
    expect(viaNode).toEqual(viaFetch);
    expect(server.requests).toHaveLength(2);
  });

  it('a corrupt gzip body: a NetworkError either way', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(Buffer.from('not gzip at all'));
    };
    for (const transport of ['node:http', 'fetch'] as const) {
      await expect(client(via(transport)).GetResourceDirectory()).rejects.toBeInstanceOf(ResourceDirectoryNetworkError);
    }
  });
});

describe('failures, through either fetch', () => {
  let sockets: Set<Socket>;
  let hostile: http.Server;
  let mode: 'reset' | 'hang' = 'reset';
  beforeAll(async () => {
    sockets = new Set();
    hostile = http.createServer((req) => {
      if (mode === 'reset') req.socket.destroy();
      // 'hang': never answers
    });
    hostile.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hostile.close(r));
  });
  const hostileOrigin = () => `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;

  it.each(['node:http', 'fetch'] as const)(
    "%s: nothing listening: NetworkError with the cause code ECONNREFUSED and fetch's message",
    async (transport) => {
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const e = await client(via(transport), `http://127.0.0.1:${port}`)
        .GetResourceDirectory()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ResourceDirectoryNetworkError);
      expect((e as Error).message).toBe(
        `GetResourceDirectory: the request failed: TypeError: fetch failed (Error: connect ECONNREFUSED` +
          ` 127.0.0.1:${port})`,
      );
      expect(((e as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    },
  );

  it.each(['node:http', 'fetch'] as const)(
    '%s: the connection closed before an answer: NetworkError, not retried',
    async (transport) => {
      mode = 'reset';
      let arrived = 0;
      hostile.on('request', () => arrived++);
      try {
        await expect(client(via(transport), hostileOrigin()).GetResourceDirectory()).rejects.toBeInstanceOf(
          ResourceDirectoryNetworkError,
        );
      } finally {
        hostile.removeAllListeners('request');
        hostile.on('request', (req) => {
          if (mode === 'reset') req.socket.destroy();
        });
      }
      expect(arrived).toBe(1);
    },
  );

  it.each(['node:http', 'fetch'] as const)('%s: no answer within timeoutMs: TimeoutError', async (transport) => {
    mode = 'hang';
    await expect(
      client({ ...via(transport), timeoutMs: 100 }, hostileOrigin()).GetResourceDirectory(),
    ).rejects.toBeInstanceOf(ResourceDirectoryTimeoutError);
  });

  it.each(['node:http', 'fetch'] as const)('%s: aborted by the caller while waiting: AbortError', async (transport) => {
    mode = 'hang';
    const ac = new AbortController();
    const pending = client(via(transport), hostileOrigin()).GetResourceDirectory(undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(ResourceDirectoryAbortError);
  });
});

describe('node:http connections', () => {
  it('one connection kept alive across calls', async () => {
    const connections = new Set<Socket>();
    const probe = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: 'k' }));
    });
    probe.on('connection', (s: Socket) => connections.add(s));
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    try {
      const c = client({}, `http://127.0.0.1:${(probe.address() as AddressInfo).port}`);
      for (let i = 0; i < 5; i++) expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'k' });
      expect(connections.size).toBe(1);
    } finally {
      probe.closeAllConnections();
      await new Promise((r) => probe.close(r));
    }
  });

  it('a kept-alive connection the server dropped meanwhile: sent once more on a new one, same nonce', async () => {
    // Answers the first request of each connection, then drops the connection on the next one without answering:
    // what a server that closed an idle connection looks like to the client that reuses it.
    const seen: { port: number; nonce: string }[] = [];
    const served = new WeakSet<Socket>();
    const flaky = http.createServer((req, res) => {
      seen.push({ port: req.socket.remotePort!, nonce: String(req.headers['x-acs-signature-nonce']) });
      if (served.has(req.socket)) return req.socket.destroy();
      served.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end(JSON.stringify({ RequestId: `n-${seen.length}` }));
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    try {
      const c = client({}, `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`);
      expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'n-1' });
      expect((await c.GetResourceDirectory()).data).toEqual({ RequestId: 'n-3' });
      expect(seen).toHaveLength(3);
      expect(seen[1]!.port).toBe(seen[0]!.port); // the kept-alive connection
      expect(seen[2]!.port).not.toBe(seen[1]!.port); // a new one
      expect(seen[2]!.nonce).toBe(seen[1]!.nonce); // the same signed request
      expect(seen[1]!.nonce).not.toBe(seen[0]!.nonce);
    } finally {
      flaky.closeAllConnections();
      await new Promise((r) => flaky.close(r));
    }
  });
});

describe('https', () => {
  const cert = readFileSync(new URL('../../../fixtures/tls-test-cert.pem', import.meta.url));
  const key = readFileSync(new URL('../../../fixtures/tls-test-key.pem', import.meta.url));
  let tls: https.Server;
  let origin: string;
  beforeAll(async () => {
    tls = https.createServer({ cert, key }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: 'tls' }));
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    origin = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise((r) => tls.close(r));
  });

  it.each(['node:http', 'fetch'] as const)(
    '%s: a certificate nobody trusts: NetworkError with the TLS code',
    async (transport) => {
      const e = await client(via(transport), origin)
        .GetResourceDirectory()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ResourceDirectoryNetworkError);
      expect(((e as Error).cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    },
  );

  it('node:http: trusted through https.globalAgent (where Node-level TLS settings go), it answers', async () => {
    const options = https.globalAgent.options as { ca?: unknown };
    const before = options.ca;
    options.ca = cert;
    try {
      expect((await client({}, origin).GetResourceDirectory()).data).toEqual({ RequestId: 'tls' });
    } finally {
      options.ca = before;
      https.globalAgent.destroy();
    }
  });
});

describe('sendHttp, the one sender (what the proxy asks of it)', () => {
  const url = () => new URL('/', server.origin);

  it('sends the request target as given, not normalised as a URL would be, with the body', async () => {
    server.handler = (_req, res) => res.end('{}');
    const target = "/?a=b%20c&d='x'";
    expect(new URL(target, server.origin).search).not.toBe(target.slice(1)); // a URL would write the quotes as %27
    const answer = await sendHttp({
      url: url(),
      path: target,
      method: 'POST',
      headers: { host: new URL(server.origin).host, 'content-length': '3' },
      body: Buffer.from('x=1'),
    });
    expect(answer.status).toBe(200);
    expect(server.requests.at(-1)!.url).toBe(target);
    expect(server.requests.at(-1)!.body.toString()).toBe('x=1');
  });

  it('an answer over maxResponseBytes: rejected with ERR_ANSWER_TOO_LARGE as the cause', async () => {
    server.handler = (_req, res) => res.end('x'.repeat(10_000));
    const e = await sendHttp(
      { url: url(), method: 'GET', headers: { host: new URL(server.origin).host } },
      { maxResponseBytes: 1000 },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).cause).toBeInstanceOf(AnswerError);
    expect(((e as Error).cause as AnswerError).code).toBe('ERR_ANSWER_TOO_LARGE');
  });

  it('an answer cut short: rejected with ERR_ANSWER_INCOMPLETE as the cause', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"RequestId":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const e = await sendHttp({ url: url(), method: 'GET', headers: { host: new URL(server.origin).host } }).catch(
      (x: unknown) => x,
    );
    expect(((e as Error).cause as AnswerError).code).toBe('ERR_ANSWER_INCOMPLETE');
  });

  it("a body that cannot be decoded: rejected by default, kept as received with undecodable: 'keep'", async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end('not gzip at all');
    };
    const request = { url: url(), method: 'GET', headers: { host: new URL(server.origin).host } };
    await expect(sendHttp(request)).rejects.toBeInstanceOf(TypeError);
    const kept = await sendHttp(request, { undecodable: 'keep' });
    expect([kept.body.toString(), kept.decoded, kept.headers['content-encoding']]).toEqual([
      'not gzip at all',
      false,
      'gzip',
    ]);
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync('{"ok":true}'));
    };
    const decoded = await sendHttp(request, { undecodable: 'keep' });
    expect([decoded.body.toString(), decoded.decoded]).toEqual(['{"ok":true}', true]);
  });
});
