// Our own client (packages/client) under the mock's injected faults, end to end over HTTP: its retry honours
// `x-acs-retry-after` on injected throttling (it waits what the header says, and does not retry when that is over its
// maxDelayMs), its timeout fires on injected latency, and a reset connection surfaces as ResourceDirectoryNetworkError.
// The mock's journal says what the client sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createClient,
  ResourceDirectoryNetworkError,
  ResourceDirectoryTimeoutError,
} from '../../packages/client/src/index.js';
import { startMock, type RunningMock } from '../../packages/mock/src/testing/index.js';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.setFaults([]);
  await mock.clearRequests();
});

const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({ endpoint: mock.url, accessKeyId: 'AK-FAULTS', accessKeySecret: 'secret-faults', ...options });

describe('the client under injected faults', () => {
  it('retry waits the x-acs-retry-after of an injected Throttling.User, then succeeds', async () => {
    await mock.setFaults([{ action: 'GetResourceDirectory', error: 'Throttling.User', times: 1 }]);
    const result = await client({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5_000 },
    }).GetResourceDirectory();
    expect(result.error).toBeUndefined();
    expect(result.data?.ResourceDirectory.ResourceDirectoryId).toEqual(expect.any(String));
    const sent = await mock.requests({ action: 'GetResourceDirectory' });
    expect(sent.map((e) => [e.status, e.code, e.fault])).toEqual([
      [400, 'Throttling.User', 0],
      [200, null, null],
    ]);
    // The header says 1000 ms; the client's own backoff (baseDelayMs 1) would have retried at once.
    expect(Date.parse(sent[1]!.time) - Date.parse(sent[0]!.time)).toBeGreaterThanOrEqual(990);
  });

  it('a retry-after over maxDelayMs is not waited for: the throttling error is the result', async () => {
    await mock.setFaults([{ action: 'GetResourceDirectory', error: 'Throttling.User', times: 1 }]);
    const result = await client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 500 } }).GetResourceDirectory();
    expect(result.error?.Code).toBe('Throttling.User');
    expect(result.response.headers.get('x-acs-retry-after')).toBe('1000');
    expect(await mock.count({ action: 'GetResourceDirectory' })).toBe(1);
  });

  it('the timeout fires on injected latency, and the call succeeds once the latency is gone', async () => {
    await mock.setFaults([{ action: 'GetResourceDirectory', latencyMs: 1_500 }]);
    const rd = client({ timeoutMs: 300, retry: false });
    const started = performance.now();
    const failed = await rd.GetResourceDirectory().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(ResourceDirectoryTimeoutError);
    expect((failed as ResourceDirectoryTimeoutError).timeoutMs).toBe(300);
    expect(performance.now() - started).toBeLessThan(1_400);
    await mock.setFaults([]);
    expect((await rd.GetResourceDirectory()).error).toBeUndefined();
  });

  it('a reset connection surfaces as ResourceDirectoryNetworkError', async () => {
    await mock.setFaults([{ action: 'GetResourceDirectory', reset: true }]);
    await expect(client({ retry: false }).GetResourceDirectory()).rejects.toBeInstanceOf(ResourceDirectoryNetworkError);
    // The sender sends once more when a kept-alive socket was reset before any byte of the answer (a server closing
    // an idle connection looks the same): one or two requests, each reset.
    const sent = await mock.requests();
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const e of sent) expect([e.status, e.fault]).toEqual([0, 0]);
  });

  it('a single reset on a kept-alive socket is absorbed by the sender once; the call succeeds', async () => {
    const rd = client({ retry: false });
    expect((await rd.GetResourceDirectory()).error).toBeUndefined(); // a kept-alive socket to reuse
    await mock.setFaults([{ action: 'GetResourceDirectory', reset: true, times: 1 }]);
    expect((await rd.GetResourceDirectory()).error).toBeUndefined();
    expect((await mock.requests()).map((e) => [e.status, e.fault])).toEqual([
      [200, null],
      [0, 0],
      [200, null],
    ]);
  });
});
