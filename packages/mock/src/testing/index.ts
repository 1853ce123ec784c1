/**
 * `@rd-contract/mock/testing`: the mock for a consumer's test suite, started in the test runner's own process.
 *
 * ```ts
 * import { startMock } from '@rd-contract/mock/testing';
 * const mock = await startMock({ stateful: true }); // a free port on 127.0.0.1
 * // ... point the client or Alibaba's SDK at mock.url ...
 * await mock.reset();                                // between tests: forget every account and directory
 * await mock.resetAccount('AK-this-file');            // or only this file's account (suites in parallel)
 * const [code] = await mock.verificationCodes({ phone: '852-61234567' });
 * await mock.setFaults([{ action: 'GetResourceDirectory', error: 'Throttling.User', times: 1 }]);
 * expect(await mock.count({ action: 'GetResourceDirectory', status: 200 })).toBe(1);
 * await mock.close();
 * ```
 *
 * Made for a global setup (vitest's `globalSetup`, jest's `globalSetup` / `globalTeardown`): docs/packages.md shows
 * both. Every method is a request to a control route (`/_emulator/...` of the emulator, `/_mock/...` of every mock;
 * docs/mock.md), as a test could make to a mock started elsewhere.
 */
import { createMockServer, type MockServer, type MockServerOptions } from '../index.js';
import { CONTROL_PREFIX, type CodeView } from '../emulator/index.js';
import type { CoverageReport } from '../control/coverage.js';
import type { FaultRule } from '../control/faults.js';
import type { JournalEntry, JournalFilter } from '../control/journal.js';
import { MOCK_CONTROL_PREFIX } from '../control/routes.js';

export type { CodeView, CoverageReport, FaultRule, JournalEntry, JournalFilter };

/** createMockServer's options; `port` defaults to 0 (a free one) rather than 4010. */
export type StartMockOptions = MockServerOptions;

export interface RunningMock {
  /** `http://127.0.0.1:<port>`: the endpoint to give the client (`createClient({ endpoint: mock.url })`) or an SDK. */
  readonly url: string;
  /** Stops the mock and closes every connection. */
  close(): Promise<void>;
  /** Stateful mocks: forgets every account, directory and verification code. */
  reset(): Promise<void>;
  /** Stateful mocks: the verification codes "sent" (no SMS is), oldest first, optionally of one account or phone. */
  verificationCodes(filter?: { readonly account?: string; readonly phone?: string }): Promise<CodeView[]>;
  /** Stateful mocks: forgets one account (its profile, directory and codes); answers whether there was one. */
  resetAccount(accessKeyId: string): Promise<boolean>;
  /** The journal's requests, oldest first, that match every filter given (`GET /_mock/requests`). */
  requests(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** How many of the journal's requests match (`GET /_mock/requests/count`). */
  count(filter?: JournalFilter): Promise<number>;
  /** Empties the journal. */
  clearRequests(): Promise<void>;
  /** Replaces the fault rules (`[]` removes them); a rule the mock refuses rejects with the mock's message. */
  setFaults(rules: readonly FaultRule[]): Promise<void>;
  /** Every documented answer of every action and how often it was given (`GET /_mock/coverage`). */
  coverage(): Promise<CoverageReport>;
  /** The server, for what this helper does not cover. */
  readonly server: MockServer;
}

/** Asks a control route; a refusal is an Error with the mock's own message. */
async function ask(url: string, what: string, path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${url}${path}`, init);
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`startMock: ${what}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Asks an emulator's control route (a stateless mock has none). */
async function control(
  url: string,
  stateful: boolean,
  what: string,
  path: string,
  init?: RequestInit,
): Promise<unknown> {
  if (!stateful) throw new Error(`startMock: ${what} needs a stateful mock: startMock({ stateful: true })`);
  return ask(url, what, `${CONTROL_PREFIX}${path}`, init);
}

/** A query string of the filters given (`?a=1&b=2`, or '' when none is). */
function queryOf(filter: object): string {
  const q = new URLSearchParams(
    Object.entries(filter as Record<string, string | number | undefined>).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, String(v)] as [string, string]],
    ),
  ).toString();
  return q ? `?${q}` : '';
}

/** Starts a mock (stateless unless `stateful`) and resolves once it listens; a bad option or a port in use rejects. */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const server = createMockServer({ port: 0, ...options });
  try {
    await server.emulator?.ready();
    await server.listen();
  } catch (e) {
    await server.close().catch(() => {});
    throw e;
  }
  const { url } = server;
  const stateful = server.emulator !== undefined;
  return {
    url,
    server,
    close: () => server.close(),
    reset: async () => {
      await control(url, stateful, 'reset()', '/reset', { method: 'POST' });
    },
    verificationCodes: async (filter = {}) =>
      (await control(url, stateful, 'verificationCodes()', `/verification-codes${queryOf(filter)}`)) as CodeView[],
    resetAccount: async (accessKeyId) => {
      const path = `/accounts/${encodeURIComponent(accessKeyId)}`;
      return ((await control(url, stateful, 'resetAccount()', path, { method: 'DELETE' })) as { forgotten: boolean })
        .forgotten;
    },
    requests: async (filter = {}) =>
      (await ask(url, 'requests()', `${MOCK_CONTROL_PREFIX}/requests${queryOf(filter)}`)) as JournalEntry[],
    count: async (filter = {}) =>
      ((await ask(url, 'count()', `${MOCK_CONTROL_PREFIX}/requests/count${queryOf(filter)}`)) as { count: number })
        .count,
    clearRequests: async () => {
      await ask(url, 'clearRequests()', `${MOCK_CONTROL_PREFIX}/requests`, { method: 'DELETE' });
    },
    setFaults: async (rules) => {
      const init = { method: 'PUT', body: JSON.stringify(rules), headers: { 'content-type': 'application/json' } };
      await ask(url, 'setFaults()', `${MOCK_CONTROL_PREFIX}/faults`, init);
    },
    coverage: async () => (await ask(url, 'coverage()', `${MOCK_CONTROL_PREFIX}/coverage`)) as CoverageReport,
  };
}
