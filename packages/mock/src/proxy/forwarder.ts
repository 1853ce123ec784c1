/**
 * The proxy's forwarder: sends a request to the upstream with the one node:http sender
 * (packages/client/src/protocol/http-sender.ts: its decompression of a gzip, deflate or br body — the proxy asks for
 * identity, but a server may compress anyway —, and its one retry of a kept-alive connection the upstream had closed)
 * over a keep-alive agent of its own, and reads the whole answer. The request target is sent as the caller wrote it.
 * Fails with an UpstreamError: `timeout` when no complete answer came within the time limit, `unreachable` when the
 * connection could not be made or broke before the answer was complete, `too-large` past the size limit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AnswerError, keepAliveAgent, sendHttp } from '@rd-contract/client/protocol';
import type { UpstreamRequest } from './resign.js';

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, decoded (`content-encoding` no longer applies, and is gone from `headers`, when it was). */
  readonly body: Buffer;
}

export class UpstreamError extends Error {
  constructor(
    readonly kind: 'timeout' | 'unreachable' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface Upstream {
  readonly origin: string;
  /** `host[:port]` as the Host header carries it. */
  readonly host: string;
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): void;
}

export function createUpstream(url: URL, options: { timeoutMs: number; maxResponseBytes: number }): Upstream {
  const agent = keepAliveAgent(url);
  /** The sender's failure, in the proxy's words. */
  const failure = (e: unknown, signal: AbortSignal): UpstreamError => {
    if (signal.aborted && e === signal.reason)
      return new UpstreamError('timeout', `no complete answer from ${url.origin} within ${options.timeoutMs} ms`);
    const cause = (e as { cause?: unknown }).cause ?? e;
    if (cause instanceof AnswerError) {
      return cause.code === 'ERR_ANSWER_TOO_LARGE'
        ? new UpstreamError('too-large', `the answer of ${url.origin} is larger than ${options.maxResponseBytes} bytes`)
        : new UpstreamError('unreachable', `${url.origin} closed the connection before the answer was complete`);
    }
    const { code, message } = cause as { code?: string; message?: string };
    return new UpstreamError('unreachable', `${url.origin}: ${code ?? message ?? String(cause)}`);
  };
  return {
    origin: url.origin,
    host: url.host,
    close: () => agent.destroy(),
    async send(up) {
      const timeout = new AbortController();
      const signal = timeout.signal;
      const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
      try {
        const answer = await sendHttp(
          { url, path: up.target, method: up.method, headers: up.headers, body: up.body },
          { agent, signal, maxResponseBytes: options.maxResponseBytes, undecodable: 'keep' },
        );
        const headers = { ...answer.headers };
        if (answer.decoded) delete headers['content-encoding'];
        return { status: answer.status, headers, body: answer.body };
      } catch (e) {
        throw failure(e, signal);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
