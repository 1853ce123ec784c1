// The mock's limits and its answers below the request listener (packages/mock/src/mock/server.ts): body and header size
// limits, slow clients (slowloris) cut off by headersTimeoutMs / requestTimeoutMs while others are served, and what
// Node's HTTP parser refuses — each answered 400 InvalidParameter with an Alibaba error body, and the connection
// closed. Every API answer the mock reports is also checked against the contract (tests/helpers/mock.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer } from '../../../../packages/mock/src/index.js';
import { startMock, statusOf, VERSION, type TestMock } from '../../../helpers/mock.js';
import {
  alibabaProblem,
  codeOf,
  httpExchange,
  parseResponses,
  rawExchange,
  sleep,
  type RawResult,
  type RawResponse,
} from '../../../helpers/wire.js';

const API = `/?Action=GetResourceDirectory&Version=${VERSION}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The one answer of a raw exchange, which must be Alibaba-shaped, and the connection closed by the server. */
function onlyAnswer(r: RawResult): RawResponse {
  const { responses, rest, malformed } = parseResponses(r.data);
  expect(malformed, r.data.toString('latin1')).toBe(false);
  expect(responses, r.data.toString('latin1')).toHaveLength(1);
  expect(rest.length, r.data.toString('latin1')).toBe(0);
  const a = responses[0]!;
  expect(alibabaProblem(a)).toBeUndefined();
  expect(r.timedOut, 'the server did not close the connection').toBe(false);
  expect(r.closed).toBe(true);
  return a;
}

/** 400 InvalidParameter, `connection: close`, and a message matching `message`. */
function expectRefused(a: RawResponse, message: RegExp): void {
  expect(a.status).toBe(400);
  expect(a.headers.connection?.toLowerCase()).toBe('close');
  expect(codeOf(a.body)).toBe('InvalidParameter');
  expect(JSON.parse(a.body.toString('utf8')).Message).toMatch(message);
}

const mocks: TestMock[] = [];
async function mockWith(options: Parameters<typeof startMock>[0]): Promise<TestMock> {
  const m = await startMock(options);
  mocks.push(m);
  return m;
}
afterEach(() => {
  for (const m of mocks) expect(m.problems).toEqual([]);
});
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

describe('options', () => {
  it(
    'defaults: body 1 MiB, headers 16 KiB, headers within 10 s, the request within 30 s; the options reach' + ' Node',
    () => {
      // Node keeps the constructor's options on the server (maxHeaderSize and connectionsCheckingInterval untyped)
      type Settings = {
        maxHeaderSize: number;
        headersTimeout: number;
        requestTimeout: number;
        connectionsCheckingInterval: number;
      };
      const d = createMockServer({ port: 0 }).server as unknown as Settings;
      expect([d.maxHeaderSize, d.headersTimeout, d.requestTimeout]).toEqual([16 * 1024, 10_000, 30_000]);
      const o = createMockServer({ port: 0, maxHeaderBytes: 4096, headersTimeoutMs: 300, requestTimeoutMs: 600 })
        .server as unknown as Settings;
      expect([o.maxHeaderSize, o.headersTimeout, o.requestTimeout]).toEqual([4096, 300, 600]);
      // Node checks the timeouts every connectionsCheckingInterval; its 30 s default would make them meaningless.
      expect(o.connectionsCheckingInterval).toBeLessThanOrEqual(100);
      expect(d.connectionsCheckingInterval).toBeLessThanOrEqual(1_000);
      // a requestTimeoutMs below the default headers timeout lowers it
      expect(createMockServer({ port: 0, requestTimeoutMs: 2_000 }).server.headersTimeout).toBe(2_000);
    },
  );

  it.each([
    [
      { headersTimeoutMs: 2_000, requestTimeoutMs: 1_000 },
      /headersTimeoutMs \(2000\) must not exceed requestTimeoutMs \(1000\)/,
    ],
    [{ maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer/],
    [{ maxHeaderBytes: -1 }, /maxHeaderBytes must be a positive integer/],
    [{ requestTimeoutMs: 1.5 }, /requestTimeoutMs must be a positive integer/],
    [{ headersTimeoutMs: Number.NaN }, /headersTimeoutMs must be a positive integer/],
    [{ requestTimeoutMs: Infinity }, /requestTimeoutMs must be a positive integer/],
  ])('a bad limit is refused when the server is created: %o', (options, message) => {
    expect(() => createMockServer({ port: 0, ...options })).toThrow(RangeError);
    expect(() => createMockServer({ port: 0, ...options })).toThrow(message);
  });
});

describe('the body limit (maxBodyBytes)', () => {
  let small: TestMock;
  beforeAll(async () => {
    small = await mockWith({ maxBodyBytes: 4096 });
  });

  it(
    'a Content-Length over the limit is refused at once, before any body arrives, and the connection is' + ' closed',
    async () => {
      const r = await rawExchange(
        small.port,
        `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length:` +
          ` 4097\r\n\r\n`,
        { timeoutMs: 3_000 },
      );
      expectRefused(onlyAnswer(r), /The request body is larger than 4096 bytes/);
    },
  );

  it(
    'a chunked body is refused once it passes the limit, and the connection closed while the client is still' +
      ' sending',
    async () => {
      const chunk = `400\r\n${'a'.repeat(1024)}\r\n`;
      // 10 000 chunks 5 ms apart would take 50 s: the connection must be closed long before.
      const r = await rawExchange(
        small.port,
        [
          `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding:` +
            ` chunked\r\n\r\n`,
          ...Array<string>(10_000).fill(chunk),
        ],
        { gapMs: 5, timeoutMs: 5_000 },
      );
      expect(r.timedOut).toBe(false);
      expect(r.elapsedMs).toBeLessThan(4_000);
      expectRefused(onlyAnswer(r), /larger than 4096 bytes/);
    },
  );

  it.each(['content-length', 'chunked'])(
    'exactly the limit is read, one byte more is refused (%s)',
    async (framing) => {
      const base = `Action=GetResourceDirectory&Version=${VERSION}&Pad=`;
      const body = (n: number) => base + 'p'.repeat(n - base.length);
      const parts = (s: string) => (framing === 'chunked' ? [s.slice(0, 1000), s.slice(1000)] : s);
      const ok = await httpExchange(small.port, { method: 'POST', headers: FORM, body: parts(body(4096)) });
      expect(ok.status, ok.body.toString()).toBe(200);
      const over = await httpExchange(small.port, { method: 'POST', headers: FORM, body: parts(body(4097)) });
      expect(alibabaProblem(over)).toBeUndefined();
      expect([over.status, codeOf(over.body), over.headers.connection]).toEqual([400, 'InvalidParameter', 'close']);
    },
  );

  it('fetch still reads the 400 when it sends 8 MiB (the answer is not lost to the close)', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${small.url}${API}`, {
        method: 'POST',
        headers: FORM,
        body: Buffer.alloc(8 * 1024 * 1024, 97),
      });
      expect(res.status).toBe(400);
      expect(codeOf(await res.text())).toBe('InvalidParameter');
    }
  });

  it('the default is 1 MiB: a 1 MB parameter value in a form body is read, 1 MiB + 1 byte is refused', async () => {
    const mock = await mockWith({});
    const big = await httpExchange(mock.port, {
      method: 'POST',
      path: `/?Action=EnableResourceDirectory&Version=${VERSION}&EnableMode=CurrentAccount`,
      headers: FORM,
      body: `MAName=${'a'.repeat(1_000_000)}`,
    });
    // read and validated: MAName is at most 50 characters
    expect([big.status, codeOf(big.body)]).toEqual([
      statusOf('EnableResourceDirectory', 'InvalidParameter.ManagementAccountName'),
      'InvalidParameter.ManagementAccountName',
    ]);
    const over = await httpExchange(mock.port, {
      method: 'POST',
      path: API,
      headers: FORM,
      body: Buffer.alloc(1024 * 1024 + 1, 97),
    });
    expect([over.status, codeOf(over.body)]).toEqual([400, 'InvalidParameter']);
    expect(JSON.parse(over.body.toString()).Message).toMatch(/larger than 1048576 bytes/);
  });

  it(
    'a body on a route that does not use it is read first: with Connection: close the client still gets the whole' +
      ' answer',
    async () => {
      const mock = await mockWith({});
      const file = await httpExchange(mock.port, { path: '/openapi.json' });
      for (const path of ['/openapi.json', '/nope']) {
        for (const body of [Buffer.alloc(500_000, 97), [Buffer.alloc(250_000, 97), Buffer.alloc(250_000, 98)]]) {
          // answering, then closing while the body still arrives, would reset the connection under the answer
          const a = await httpExchange(mock.port, { method: 'GET', path, headers: { connection: 'close' }, body });
          if (path === '/nope') expect([a.status, codeOf(a.body)]).toEqual([404, 'InvalidApi.NotFound']);
          else expect([a.status, a.body.length]).toEqual([200, file.body.length]);
        }
      }
    },
  );

  it('the server answers normally afterwards', async () => {
    expect((await httpExchange(small.port, { method: 'POST', path: API })).status).toBe(200);
  });
});

describe('the header limit (maxHeaderBytes)', () => {
  it('default 16 KiB: a 20 000-byte header is refused, 15 000 bytes are fine', async () => {
    const mock = await mockWith({});
    const over = await rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectRefused(onlyAnswer(over), /The request line and headers are larger than 16384 bytes/);
    expect((await httpExchange(mock.port, { path: API, headers: { 'x-pad': 'a'.repeat(15_000) } })).status).toBe(200);
  });

  it(
    'the query string counts: a 3 000-byte one with maxHeaderBytes 2048 is refused, 1 500 bytes are' + ' fine',
    async () => {
      const mock = await mockWith({ maxHeaderBytes: 2048 });
      const over = await rawExchange(mock.port, `GET ${API}&Pad=${'q'.repeat(3_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expectRefused(onlyAnswer(over), /larger than 2048 bytes/);
      expect((await httpExchange(mock.port, { path: `${API}&Pad=${'q'.repeat(1_500)}` })).status).toBe(200);
    },
  );

  it('1 MB of headers is refused without waiting for the end of them; many headers too', async () => {
    const mock = await mockWith({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 });
    const huge = await rawExchange(mock.port, [`GET ${API} HTTP/1.1\r\nHost: x\r\nx-pad: `, 'a'.repeat(1_000_000)], {
      timeoutMs: 3_000,
    });
    expectRefused(onlyAnswer(huge), /larger than 16384 bytes/);
    const many = await rawExchange(
      mock.port,
      `GET ${API} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3_000 }, (_, i) => `x-h${i}: v\r\n`).join('')}\r\n`,
      { timeoutMs: 3_000 },
    );
    expect(onlyAnswer(many).status).toBe(400);
  });
});

describe('slow clients: cut off by the timeouts while others are served', () => {
  const HEADERS_MS = 400;
  const REQUEST_MS = 800;
  /**
   * Room above a timeout for a loaded 2-core machine. A request not cut off would take 4 s or more (7 s of slow
   * headers, 10 s of slow body, or the exchanges' own 5 s limit), so being cut within this room still tells the two
   * apart.
   */
  const LATE_MS = 2_500;
  let mock: TestMock;
  beforeAll(async () => {
    mock = await mockWith({ headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS });
  });

  /** Normal requests, one after another, while `busy` runs; every one must be a quick 200. */
  async function servedMeanwhile<T>(busy: Promise<T>): Promise<{ result: T; latencies: number[] }> {
    let done = false;
    const latencies: number[] = [];
    const others = (async () => {
      while (!done) {
        const t = performance.now();
        const res = await fetch(`${mock.url}${API}`, { method: 'POST', signal: AbortSignal.timeout(2_000) });
        expect(res.status).toBe(200);
        await res.text();
        latencies.push(performance.now() - t);
        await sleep(20);
      }
    })();
    const result = await busy;
    done = true;
    await others;
    return { result, latencies };
  }

  it(
    'slowloris: headers one byte per 100 ms are cut off within headersTimeoutMs (400 InvalidParameter); others' +
      ' meanwhile get quick 200s',
    async () => {
      const request = `GET ${API} HTTP/1.1\r\nHost: x\r\nx-slow: ${'s'.repeat(40)}\r\n\r\n`;
      const { result: loris, latencies } = await servedMeanwhile(
        Promise.all(
          Array.from({ length: 10 }, () => rawExchange(mock.port, [...request], { gapMs: 100, timeoutMs: 5_000 })),
        ),
      );
      for (const r of loris) {
        expectRefused(onlyAnswer(r), /not received in time/);
        // the whole request would take ~7 s; the mock ends it after HEADERS_MS (+ its checking interval)
        expect(r.elapsedMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
        expect(r.elapsedMs).toBeLessThan(HEADERS_MS + LATE_MS);
      }
      expect(latencies.length).toBeGreaterThan(3);
      expect(Math.max(...latencies)).toBeLessThan(LATE_MS);
    },
  );

  it('a slow body (headers at once, then one byte per 100 ms) is cut off within requestTimeoutMs', async () => {
    const head =
      `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-type:` +
      ` application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\n`;
    const { result: r, latencies } = await servedMeanwhile(
      rawExchange(mock.port, [head, ...'a'.repeat(100)], { gapMs: 100, timeoutMs: 5_000 }),
    );
    expectRefused(onlyAnswer(r), /not received in time/);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(r.elapsedMs).toBeLessThan(REQUEST_MS + LATE_MS);
    expect(Math.max(...latencies)).toBeLessThan(LATE_MS);
  });

  it('a connection that sends nothing, or stops in the middle of a request, is closed too', async () => {
    const [idle, partial, partialBody] = await Promise.all([
      rawExchange(mock.port, [], { timeoutMs: 5_000 }),
      rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: x\r\n`, { timeoutMs: 5_000 }),
      rawExchange(mock.port, `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-length: 10\r\n\r\nabc`, { timeoutMs: 5_000 }),
    ]);
    for (const r of [idle, partial]) {
      expectRefused(onlyAnswer(r), /not received in time/);
      expect(r.elapsedMs).toBeLessThan(HEADERS_MS + LATE_MS);
    }
    expectRefused(onlyAnswer(partialBody), /not received in time/);
    expect(partialBody.elapsedMs).toBeLessThan(REQUEST_MS + LATE_MS);
  });

  it(
    'an answer that has started is not followed by an error answer: a refused body then a timeout gives one' +
      ' answer',
    async () => {
      const tiny = await mockWith({ maxBodyBytes: 10, headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS });
      const r = await rawExchange(
        tiny.port,
        `POST ${API} HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\n20\r\n${'a'.repeat(32)}\r\n`,
        { timeoutMs: 5_000 },
      );
      expectRefused(onlyAnswer(r), /larger than 10 bytes/);
    },
  );
});

describe(
  "what Node's HTTP parser refuses: 400 InvalidParameter with an Alibaba body, then the connection is" + ' closed',
  () => {
    let mock: TestMock;
    beforeAll(async () => {
      // timeouts far above the 3 s bound below, so that an answer within it is one given at once, even on a loaded
      // machine
      mock = await mockWith({ headersTimeoutMs: 6_000, requestTimeoutMs: 10_000 });
    });

    it.each<[string, string | Buffer]>([
      ['a garbage line', 'HELLO\r\n\r\n'],
      ['an unknown HTTP version', `GET ${API} HTTP/9.9\r\nHost: x\r\n\r\n`],
      ['an invalid header name', `GET ${API} HTTP/1.1\r\nHost: x\r\nbad\x01name: y\r\n\r\n`],
      ['a NUL in a header value', `GET ${API} HTTP/1.1\r\nHost: x\r\nx-v: a\x00b\r\n\r\n`],
      ['a header line without a colon', `GET ${API} HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`],
      [
        'a bad chunk size',
        `POST ${API} HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n`,
      ],
      [
        'Content-Length with Transfer-Encoding',
        `POST ${API} HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n`,
      ],
      ['a non-numeric Content-Length', `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-length: abc\r\n\r\n`],
      [
        'two different Content-Lengths',
        `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab`,
      ],
      ['an unknown Transfer-Encoding', `POST ${API} HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip\r\n\r\nabc`],
      [
        'invalid UTF-8 bytes in the request target',
        Buffer.concat([
          Buffer.from(`GET /?Action=`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from(`&Version=${VERSION} HTTP/1.1\r\nHost: x\r\n\r\n`),
        ]),
      ],
      ['a space in the request target', `GET /?Action=Get Resource HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
      ['a TLS ClientHello (https to the http port)', Buffer.from('16030100a5010000a10303' + '00'.repeat(64), 'hex')],
      ['bare LF line endings with garbage', 'GET / HTTP/1.1\nHost: x\n\x7f\n\n'],
    ])('%s', async (_name, payload) => {
      const r = await rawExchange(mock.port, payload, { timeoutMs: 8_000 });
      const a = onlyAnswer(r);
      expectRefused(a, /^Specified parameter format is not valid\. /);
      expect(r.elapsedMs).toBeLessThan(3_000); // at once, not at the headers timeout
    });

    it('an HTTP/1.1 request without Host is 400 InvalidParameter; HTTP/1.0 without Host is served', async () => {
      const r = await rawExchange(mock.port, `GET ${API} HTTP/1.1\r\n\r\n`, { timeoutMs: 3_000 });
      expectRefused(onlyAnswer(r), /must have a Host header/);
      const old = await rawExchange(mock.port, `GET ${API} HTTP/1.0\r\n\r\n`, { timeoutMs: 3_000 });
      expect(onlyAnswer(old).status).toBe(200);
    });

    it('one answer per broken connection, however much more garbage follows', async () => {
      const r = await rawExchange(mock.port, ['HELLO\r\n\r\n', 'MORE GARBAGE\r\n\r\n', 'AND MORE\r\n\r\n'], {
        gapMs: 30,
        timeoutMs: 3_000,
      });
      expect(parseResponses(r.data).responses).toHaveLength(1);
    });

    it(
      'pipelined: a good request is answered 200, the broken one after it 400, then the connection is' + ' closed',
      async () => {
        const r = await rawExchange(
          mock.port,
          `GET ${API} HTTP/1.1\r\nHost: x\r\n\r\nGET ${API} HTTP/9.9\r\nHost: x\r\n\r\n`,
          { timeoutMs: 3_000 },
        );
        const { responses } = parseResponses(r.data);
        expect(responses.map((x) => x.status)).toEqual([200, 400]);
        for (const a of responses) expect(alibabaProblem(a)).toBeUndefined();
        expect(r.closed).toBe(true);
      },
    );

    it(
      'CONNECT is 404 InvalidApi.NotFound (like every method but GET and POST), then the connection is' + ' closed',
      async () => {
        const r = await rawExchange(mock.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', {
          timeoutMs: 3_000,
        });
        const a = onlyAnswer(r);
        expect([a.status, codeOf(a.body)]).toEqual([404, 'InvalidApi.NotFound']);
      },
    );

    it.each(['PROPFIND', 'TRACE', 'OPTIONS', 'MKCOL', 'PATCH', 'DELETE', 'PUT'])(
      '%s / is 404 InvalidApi.NotFound',
      async (method) => {
        const a = await httpExchange(mock.port, { method, path: API, headers: { 'max-forwards': '0' } });
        expect(alibabaProblem(a)).toBeUndefined();
        expect([a.status, codeOf(a.body)]).toEqual([404, 'InvalidApi.NotFound']);
      },
    );

    it('an Expect other than 100-continue is ignored (Node would answer a bare 417)', async () => {
      const a = await httpExchange(mock.port, { method: 'POST', path: API, headers: { expect: 'something-else' } });
      expect(alibabaProblem(a)).toBeUndefined();
      expect(a.status).toBe(200);
    });

    it('a client that resets the connection half-way does not disturb the server', async () => {
      const { connect } = await import('node:net');
      await new Promise<void>((resolve) => {
        const s = connect(mock.port, '127.0.0.1', () => {
          s.write(`POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-length: 100\r\n\r\nabc`);
          setTimeout(() => {
            s.resetAndDestroy();
            resolve();
          }, 20);
        });
        s.on('error', () => resolve());
      });
      await sleep(50);
      expect((await httpExchange(mock.port, { path: API })).status).toBe(200);
    });

    it('the answers below the request listener reach onResponse (and so pass the contract check)', async () => {
      const before = mock.events.length;
      await rawExchange(mock.port, 'HELLO\r\n\r\n', { timeoutMs: 3_000 });
      const e = mock.events.slice(before).find((x) => x.status === 400);
      expect(e).toBeDefined();
      expect(e!.contentType).toBe('application/json;charset=utf-8');
      expect(JSON.parse(e!.body).Code).toBe('InvalidParameter');
    });
  },
);
