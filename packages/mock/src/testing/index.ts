/**
 * `@rd-contract/mock/testing`: the mock for a consumer's test suite, started in the test runner's own process.
 *
 * ```ts
 * import { startMock } from '@rd-contract/mock/testing';
 * const mock = await startMock({ stateful: true }); // a free port on 127.0.0.1
 * // ... point the client or Alibaba's SDK at mock.url ...
 * await mock.reset();                                // between tests: forget every account and directory
 * const [code] = await mock.verificationCodes({ phone: '852-61234567' });
 * await mock.close();
 * ```
 *
 * Made for a global setup (vitest's `globalSetup`, jest's `globalSetup` / `globalTeardown`): docs/packages.md shows both.
 * `reset()` and `verificationCodes()` use the emulator's control routes (`POST /_emulator/reset`,
 * `GET /_emulator/verification-codes`), so they work on a mock started elsewhere too, given its URL.
 */
import { createMockServer, type MockServer, type MockServerOptions } from '../index.js';
import { CONTROL_PREFIX, type CodeView } from '../emulator/index.js';

export type { CodeView };

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
  /** The server, for what this helper does not cover. */
  readonly server: MockServer;
}

/** Asks a control route; a refusal (a stateless mock answers 404) is an Error with the mock's own message. */
async function control(url: string, stateful: boolean, what: string, path: string, init?: RequestInit): Promise<unknown> {
  if (!stateful) throw new Error(`startMock: ${what} needs a stateful mock: startMock({ stateful: true })`);
  const res = await fetch(`${url}${CONTROL_PREFIX}${path}`, init);
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`startMock: ${what}: ${res.status} ${JSON.stringify(body)}`);
  return body;
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
    verificationCodes: async (filter = {}) => {
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]).toString();
      return (await control(url, stateful, 'verificationCodes()', `/verification-codes${query ? `?${query}` : ''}`)) as CodeView[];
    },
  };
}
