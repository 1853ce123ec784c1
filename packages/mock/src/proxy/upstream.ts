/**
 * Sends a request to the upstream (node:http or node:https, connections kept alive) and reads its whole answer,
 * decoding a gzip, deflate or br body (the proxy asks for identity, but a server may compress anyway).
 * A request on a kept-alive connection the upstream had closed meanwhile (ECONNRESET before any byte of the answer) is
 * sent once more on a new connection, as Node's documentation advises; it carries the same nonce, so an upstream that
 * did receive the first one refuses the second (SignatureNonceUsed) instead of acting twice.
 * Fails with an UpstreamError: `timeout` when no complete answer came within the time limit, `unreachable` when the
 * connection could not be made or broke before the answer was complete, `too-large` past the size limit.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { UpstreamRequest } from './resign.js';

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, decoded (`content-encoding` no longer applies). */
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

const DECODE: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

export function createUpstream(url: URL, options: { timeoutMs: number; maxResponseBytes: number }): Upstream {
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const request = secure ? https.request : http.request;
  return {
    origin: url.origin,
    host: url.host,
    close: () => agent.destroy(),
    send(up) {
      const attempt = (retry: boolean): Promise<UpstreamResponse> => new Promise<UpstreamResponse>((resolve, reject) => {
        let settled = false;
        const fail = (e: UpstreamError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(e);
        };
        const timer = setTimeout(() => fail(new UpstreamError('timeout', `no complete answer from ${url.origin} within ${options.timeoutMs} ms`)), options.timeoutMs);
        const req = request(
          { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, method: up.method, path: up.target, headers: up.headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > options.maxResponseBytes) return fail(new UpstreamError('too-large', `the answer of ${url.origin} is larger than ${options.maxResponseBytes} bytes`));
              chunks.push(chunk);
            });
            res.on('aborted', () => fail(new UpstreamError('unreachable', `${url.origin} closed the connection before the answer was complete`)));
            res.on('error', (e) => fail(new UpstreamError('unreachable', `${url.origin}: ${e.message}`)));
            res.on('end', () => {
              if (settled) return;
              if (!res.complete) return fail(new UpstreamError('unreachable', `${url.origin} closed the connection before the answer was complete`));
              let body: Buffer = Buffer.concat(chunks);
              const headers = { ...res.headers };
              const coding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
              if (coding !== '' && coding !== 'identity') {
                const decode = DECODE[coding];
                if (decode) {
                  try {
                    body = decode(body);
                    delete headers['content-encoding'];
                  } catch {
                    /* left as is: the body check reports it */
                  }
                }
              }
              settled = true;
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, headers, body });
            });
          },
        );
        let answered = false;
        req.on('response', () => (answered = true));
        req.on('error', (e: NodeJS.ErrnoException) => {
          if (retry && !answered && !settled && req.reusedSocket && e.code === 'ECONNRESET') {
            settled = true;
            clearTimeout(timer);
            attempt(false).then(resolve, reject);
            return;
          }
          fail(new UpstreamError('unreachable', `${url.origin}: ${e.code ?? e.message}`));
        });
        req.end(up.body);
      });
      return attempt(true);
    },
  };
}
