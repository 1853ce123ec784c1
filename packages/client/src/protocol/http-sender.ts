/**
 * The `node:http` sender under the client's default fetch (packages/client/src/node-http-fetch.ts): sends a signed wire
 * request with `http.request` / `https.request` (through the global agents, which keep connections alive in Node 20,
 * and where Node-level settings such as `https.globalAgent`'s `ca` apply) and resolves with a WHATWG `Response` whose
 * body has been read (./buffered-response.ts), so the rest of the client cannot tell it from fetch's.
 *
 * Why: Node's global fetch (undici) costs more per call than `node:http`, which is what Alibaba Cloud's official SDK
 * uses; this sender is what keeps the client's per call cost below the SDK's (see `npm run bench`).
 *
 * What goes on the wire is what Node 20's fetch sends for the same request, byte for byte apart from the values of the
 * host and of the signed headers: the same header names, values and order (`host`, `connection: keep-alive`, the
 * request's own headers, `accept-language: *`, `sec-fetch-mode: cors`, `user-agent: node`,
 * `accept-encoding: gzip, deflate`, `content-length: 0`), so the two transports are interchangeable on the wire
 * (tests/unit/client/protocol/http-sender.test.ts compares them). As fetch does, a gzip, deflate or br body is decoded and the
 * `content-encoding` header kept; redirects are not followed (the client asks fetch for `redirect: 'manual'` too).
 *
 * Errors mirror fetch's: a failure to connect, a reset, a body that cannot be decoded reject with
 * `TypeError('fetch failed', { cause })`, the cause carrying Node's `code` (ECONNREFUSED, ECONNRESET, ...); an aborted
 * signal rejects with the signal's reason. A request on a kept-alive socket the server had closed meanwhile
 * (`ECONNRESET` before any byte of the answer) is sent once more, once, as Node's documentation advises (the dead
 * socket has left the agent's pool, so it goes on another connection):
 * it carries the same nonce, so a gateway that did receive the first one refuses the second (SignatureNonceUsed)
 * instead of acting twice.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { BufferedResponse } from './buffered-response.js';
import { brotliDecompress as brotliCb, constants as zlibConstants, gunzip as gunzipCb, inflate as inflateCb, inflateRaw as inflateRawCb } from 'node:zlib';

const gunzip = promisify(gunzipCb);
const inflate = promisify(inflateCb);
const inflateRaw = promisify(inflateRawCb);
const brotliDecompress = promisify(brotliCb);

/** A signed request: `POST <origin>/?<query>` with these headers and an empty body. */
export interface WireRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The statuses whose answers fetch gives no body. */
const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

const ZLIB_LENIENT = { flush: zlibConstants.Z_SYNC_FLUSH, finishFlush: zlibConstants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = { flush: zlibConstants.BROTLI_OPERATION_FLUSH, finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH };
/**
 * The content codings fetch decodes, each with its one-shot decoder, lenient like undici (a truncated stream yields
 * what it has); with any other coding in the list, the body is left as it is.
 */
const DECODERS: ReadonlyMap<string, (body: Buffer) => Promise<Buffer>> = new Map([
  ['gzip', (b: Buffer) => gunzip(b, ZLIB_LENIENT)],
  ['x-gzip', (b: Buffer) => gunzip(b, ZLIB_LENIENT)],
  // undici inflates a deflate body without the zlib wrapper too
  ['deflate', (b: Buffer) => inflate(b, ZLIB_LENIENT).catch(() => inflateRaw(b, ZLIB_LENIENT))],
  ['br', (b: Buffer) => brotliDecompress(b, BROTLI_LENIENT)],
]);

/** Reads a stream to one Buffer, rejecting on its error. */
function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The body, with the content codings undone in reverse order (as fetch does). */
async function decodedBody(res: http.IncomingMessage): Promise<Buffer> {
  const header = res.headers['content-encoding'];
  const codings = (typeof header === 'string' ? header : '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  let body = await collect(res);
  if (codings.some((c) => !DECODERS.has(c))) return body;
  for (const coding of codings.reverse()) body = await DECODERS.get(coding)!(body);
  return body;
}

/**
 * The answer as a WHATWG Response, its body read (./buffered-response.ts: served from memory, as fetch would stream
 * it). Headers that `Headers` refuses are left out, as fetch leaves them.
 */
function toResponse(res: http.IncomingMessage, body: Buffer, url: string): Response {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      /* a name or value fetch would refuse too */
    }
  }
  const status = res.statusCode ?? 0;
  return new BufferedResponse(NULL_BODY_STATUS.has(status) ? null : body, { status, statusText: res.statusMessage ?? '', headers, url });
}

/** The headers in the order Node 20's fetch sends them, as a flat [name, value, ...] list (http.request keeps it). */
function wireHeaders(target: URL, own: Readonly<Record<string, string>>): string[] {
  const out = ['host', target.host, 'connection', 'keep-alive'];
  for (const name of Object.keys(own)) out.push(name, own[name]!);
  out.push('accept-language', '*', 'sec-fetch-mode', 'cors', 'user-agent', 'node', 'accept-encoding', 'gzip, deflate', 'content-length', '0');
  return out;
}

function attempt(target: URL, wire: WireRequest, signal: AbortSignal | undefined, retried: boolean, responseUrl: string): Promise<Response> {
  return new Promise<Response>((outerResolve, outerReject) => {
    const send = target.protocol === 'https:' ? https.request : http.request;
    let answered = false;
    // The signal is watched here rather than through http.request's `signal` option, whose stream clean-up costs
    // about as much as the rest of sending a request (Node 20).
    const onAbort = () => req.destroy(new Error('aborted'));
    const resolve = (r: Response) => (signal?.removeEventListener('abort', onAbort), outerResolve(r));
    const reject = (e: unknown) => (signal?.removeEventListener('abort', onAbort), outerReject(e));
    const req = send(
      target,
      {
        method: wire.method,
        headers: wireHeaders(target, wire.headers) as unknown as http.OutgoingHttpHeaders, // a raw list is accepted (Node >= 18.15)
        setHost: false,
      },
      (res) => {
        answered = true;
        decodedBody(res).then(
          (body) => resolve(toResponse(res, body, responseUrl)),
          (e: unknown) => reject(signal?.aborted ? signal.reason : fetchFailed(e)),
        );
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (signal?.aborted) return reject(signal.reason);
      if (!answered && !retried && req.reusedSocket && e.code === 'ECONNRESET') {
        attempt(target, wire, signal, true, responseUrl).then(resolve, reject);
        return;
      }
      reject(fetchFailed(e));
    });
    req.end();
  });
}

/**
 * Sends the request with node:http(s); resolves with the answer, its body read in full. `responseUrl` is the answer's
 * `url` (default the request's; the client gives '' when the URL holds a security token).
 */
export function sendWithNodeHttp(wire: WireRequest, signal?: AbortSignal, responseUrl = wire.url): Promise<Response> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return attempt(new URL(wire.url), wire, signal, false, responseUrl);
}
