// Opt-in retries (Throttling* codes and 5xx, honouring x-acs-retry-after in ms, re-signed each time) and timeouts.
import { describe, expect, it } from 'vitest';
import {
  createClient,
  ResourceDirectoryAbortError,
  ResourceDirectoryTimeoutError,
  type ClientOptions,
} from '../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../packages/client/src/protocol/signing.js';
import { errorBody, useCaptureServer, type Answer, type Captured } from '../../helpers/capture-server.js';

const SECRET = 'RetrySecret0123456789';
const server = useCaptureServer();

const client = (extra: Partial<ClientOptions> = {}) =>
  createClient({ endpoint: server.origin, accessKeyId: 'id', accessKeySecret: SECRET, ...extra });
const throttled = (retryAfterMs?: number): Answer => ({
  status: 400,
  headers: retryAfterMs === undefined ? {} : { 'x-acs-retry-after': String(retryAfterMs) },
  body: errorBody('Throttling.User', 'Request was denied due to user flow control.'),
});
const unavailable: Answer = {
  status: 503,
  body: errorBody('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'),
};
/**
 * What a bounded wait below must beat: far above the time it takes (tens of milliseconds), so that a loaded 2-core
 * machine does not fail it, and well below the wait each test's bug would cause (30 s or more).
 */
const ROOM_MS = 20_000;
const nonce = (r: Captured) => r.headers['x-acs-signature-nonce'] ?? Object.fromEntries(r.query).SignatureNonce;

describe('retry', () => {
  it('is off by default: a Throttling.User answer is returned as the error after one request', async () => {
    server.queue.push(throttled(50));
    const { error, response } = await client().GetResourceDirectory();
    expect(error?.Code).toBe('Throttling.User');
    expect(response.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)(
    '%s: Throttling.User is retried after x-acs-retry-after ms, re-signed',
    async (signatureAlgorithm) => {
      server.queue.push(throttled(300));
      const started = performance.now();
      const { data, error } = await client({
        signatureAlgorithm,
        retry: { maxAttempts: 3, baseDelayMs: 1 },
      }).EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
      expect(error).toBeUndefined();
      expect(data?.ResourceDirectory.ResourceDirectoryId).toBe('rd-54****');
      expect(server.requests).toHaveLength(2);
      const [first, second] = server.requests as [Captured, Captured];
      // waited as told (the base delay alone would be 1 ms)
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(290);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      // a new nonce, and each attempt carries a valid signature of its own
      expect(nonce(second)).not.toBe(nonce(first));
      for (const r of [first, second]) {
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

  it('503 is retried with backoff, then succeeds', async () => {
    server.queue.push(unavailable, unavailable);
    const { data } = await client({ retry: { maxAttempts: 3, baseDelayMs: 5 } }).GetResourceDirectory();
    expect(data).toBeDefined();
    expect(server.requests).toHaveLength(3);
  });

  it('a 5xx without an Alibaba body (e.g. a proxy page) is retried too', async () => {
    server.queue.push({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>bad gateway</html>' });
    const { data } = await client({ retry: true }).GetResourceDirectory();
    expect(data).toBeDefined();
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts and returns the last error', async () => {
    server.queue.push(unavailable, unavailable, unavailable, unavailable);
    const { error, response } = await client({ retry: { maxAttempts: 3, baseDelayMs: 1 } }).GetResourceDirectory();
    expect(error?.Code).toBe('ServiceUnavailable');
    expect(response.status).toBe(503);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry sooner than x-acs-retry-after: beyond maxDelayMs it returns the error', async () => {
    server.queue.push(throttled(60_000));
    const started = performance.now();
    const { error } = await client({ retry: { maxAttempts: 5, maxDelayMs: 30_000 } }).GetResourceDirectory();
    expect(error?.Code).toBe('Throttling.User');
    expect(server.requests).toHaveLength(1);
    // returned without waiting: not the 60 s asked for, nor maxDelayMs
    expect(performance.now() - started).toBeLessThan(ROOM_MS);
  });

  it('other 4xx errors are not retried', async () => {
    server.queue.push({ status: 409, body: errorBody('EntityAlreadyExists.ResourceDirectory') });
    const { error } = await client({ retry: { maxAttempts: 5, baseDelayMs: 1 } }).EnableResourceDirectory({
      EnableMode: 'CurrentAccount',
    });
    expect(error?.Code).toBe('EntityAlreadyExists.ResourceDirectory');
    expect(server.requests).toHaveLength(1);
  });

  it('per-call options override the client: retry for one call only', async () => {
    const c = client();
    server.queue.push(throttled(10));
    expect((await c.GetResourceDirectory(undefined, { retry: true })).error).toBeUndefined();
    expect(server.requests).toHaveLength(2);
    server.queue.push(throttled(10));
    expect((await c.GetResourceDirectory()).error?.Code).toBe('Throttling.User');
    expect(server.requests).toHaveLength(3);
  });

  it("the caller's signal aborts the wait before a retry", async () => {
    server.queue.push(throttled(30_000));
    const ac = new AbortController();
    const pending = client({ retry: { maxAttempts: 3, maxDelayMs: 60_000 } }).GetResourceDirectory(undefined, {
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 100);
    const started = performance.now();
    await expect(pending).rejects.toBeInstanceOf(ResourceDirectoryAbortError);
    // the 30 s wait was cut short
    expect(performance.now() - started).toBeLessThan(ROOM_MS);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses nonsense settings', () => {
    expect(() => client({ retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(() => client({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});

describe('timeout', () => {
  it('a server that never answers: the call rejects with RequestTimeout, bounded', async () => {
    server.handler = () => {}; // accepts the request and never answers
    const started = performance.now();
    const e = await client({ timeoutMs: 200 })
      .GetResourceDirectory()
      .catch((x: unknown) => x);
    const took = performance.now() - started;
    expect(e).toBeInstanceOf(ResourceDirectoryTimeoutError);
    expect(e).toMatchObject({ code: 'RequestTimeout', timeoutMs: 200, attempt: 1, action: 'GetResourceDirectory' });
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(ROOM_MS);
    expect(server.requests).toHaveLength(1);
  });

  it('a body that stops half way is timed out too', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"RequestId":'); // and never ends
    };
    await expect(client({ timeoutMs: 200 }).GetResourceDirectory()).rejects.toMatchObject({ code: 'RequestTimeout' });
  });

  it('a timed-out attempt is not retried (the request may have been applied)', async () => {
    server.handler = () => {};
    await expect(
      client({ timeoutMs: 100, retry: { maxAttempts: 3, baseDelayMs: 1 } }).GetResourceDirectory(),
    ).rejects.toMatchObject({ code: 'RequestTimeout' });
    expect(server.requests).toHaveLength(1);
  });

  it("per-call timeoutMs overrides the client's", async () => {
    server.handler = () => {};
    const started = performance.now();
    await expect(
      client({ timeoutMs: 60_000 }).GetResourceDirectory(undefined, { timeoutMs: 100 }),
    ).rejects.toMatchObject({ code: 'RequestTimeout', timeoutMs: 100 });
    // not the client's 60 s
    expect(performance.now() - started).toBeLessThan(ROOM_MS);
  });

  it('without a timeout, a slow answer is waited for', async () => {
    server.handler = (_req, res) =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RequestId: 'slow' }));
      }, 250);
    const { data } = await client().SendVerificationCodeForEnableRD();
    expect(data).toEqual({ RequestId: 'slow' });
  });
});
