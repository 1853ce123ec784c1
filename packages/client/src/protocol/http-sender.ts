/**
 * The one `node:http` sender, for the client and the contract proxy: `sendHttp` sends a request with `http.request` /
 * `https.request` (through the global agents by default, which keep connections alive in Node 20 and where
 * Node-level settings such as `https.globalAgent`'s `ca` apply; or the caller's agent) and resolves with the answer's
 * status, headers and whole body, decoded.
 *
 * - Decoding: as fetch does, a gzip, deflate or br body is decoded (leniently, like undici: a truncated stream yields
 *   what it has), the content codings undone in reverse order; with a coding fetch does not know in the list, the body
 *   is left as it is. A body that fails to decode rejects (`undecodable: 'fail'`, fetch's way) or is kept as received
 *   (`'keep'`, the proxy's: its checks report it).
 * - Errors mirror fetch's: a failure to connect, a reset, an answer cut short or over `maxResponseBytes`, a body that
 *   cannot be decoded reject with `TypeError('fetch failed', { cause })`, the cause carrying Node's `code`
 *   (ECONNREFUSED, ECONNRESET, ...) or this module's (`ERR_ANSWER_INCOMPLETE`, `ERR_ANSWER_TOO_LARGE`); an aborted
 *   signal rejects with the signal's reason. Redirects are not followed.
 * - A request on a kept-alive socket the server had closed meanwhile (`ECONNRESET` before any byte of the answer) is
 *   sent once more, once, as Node's documentation advises (the dead socket has left the agent's pool, so it goes on
 *   another connection): it carries the same nonce, so a gateway that did receive the first one refuses the second
 *   (SignatureNonceUsed) instead of acting twice.
 *
 * `sendWithNodeHttp` is the client's transport on top of it: a signed wire request sent with the same bytes as Node
 * 20's fetch apart from the values of the host and of the signed headers (the same header names, values and order:
 * `host`, `connection: keep-alive`, the request's own headers, `accept-language: *`, `sec-fetch-mode: cors`,
 * `user-agent: node`, `accept-encoding: gzip, deflate`, `content-length: 0`;
 * tests/unit/client/protocol/http-sender.test.ts compares them), resolving with a WHATWG `Response` whose body has been
 * read (./buffered-response.ts), so that the rest of the client cannot tell it from fetch's. It is what the client's
 * default fetch sends with (packages/client/src/node-http-fetch.ts). Why:
 * Node's global fetch (undici) costs more per call than `node:http`, which is what Alibaba Cloud's official SDK uses;
 * this is what keeps the client's per call cost below the SDK's (see `npm run bench`).
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { BufferedResponse } from './buffered-response.js';
import {
  brotliDecompress as brotliCb,
  constants as zlibConstants,
  gunzip as gunzipCb,
  inflate as inflateCb,
  inflateRaw as inflateRawCb,
} from 'node:zlib';

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
const BROTLI_LENIENT = {
  flush: zlibConstants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH,
};
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

/** Why an answer could not be read in full (the `cause` of the sender's rejection). */
export class AnswerError extends Error {
  constructor(
    readonly code: 'ERR_ANSWER_INCOMPLETE' | 'ERR_ANSWER_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'AnswerError';
  }
}

/** An agent of its own for the origin's scheme that keeps connections alive (the global agents are the default). */
export function keepAliveAgent(origin: URL): http.Agent {
  return origin.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

/** What `sendHttp` sends. */
export interface HttpRequest {
  /** The full URL: origin, path and query. */
  readonly url: string | URL;
  /** The path and query as sent, when they must not be normalised as a URL would (default: the URL's). */
  readonly path?: string;
  readonly method: string;
  /** The headers, `host` included: a record, or a flat [name, value, ...] list sent in its order. */
  readonly headers: OutgoingHttpHeaders | readonly string[];
  readonly body?: Buffer;
}

export interface HttpSendOptions {
  readonly signal?: AbortSignal | undefined;
  /** Default: `http.globalAgent` / `https.globalAgent`. */
  readonly agent?: http.Agent | undefined;
  /** The largest body accepted (as received); a larger one rejects (ERR_ANSWER_TOO_LARGE). Default: no limit. */
  readonly maxResponseBytes?: number | undefined;
  /** A body whose coding fails to decode: reject (`'fail'`, default, as fetch) or keep it as received (`'keep'`). */
  readonly undecodable?: 'fail' | 'keep';
}

/** What `sendHttp` resolves with. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusMessage: string;
  /** The headers as received, in order (`content-encoding` kept, as fetch keeps it). */
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingHttpHeaders;
  /** The whole body, its content codings undone when `decoded`. */
  readonly body: Buffer;
  readonly decoded: boolean;
}

/** Reads an answer's body to one Buffer, within `max` bytes; rejects when the connection closes before its end. */
function collect(res: http.IncomingMessage, max: number | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (max !== undefined && size > max) {
        res.destroy(new AnswerError('ERR_ANSWER_TOO_LARGE', `the answer is larger than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => {
      if (res.complete) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      else reject(new AnswerError('ERR_ANSWER_INCOMPLETE', 'the connection closed before the answer was complete'));
    });
    res.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e instanceof AnswerError || e.code !== 'ECONNRESET'
          ? e
          : new AnswerError('ERR_ANSWER_INCOMPLETE', 'the connection closed before the answer was complete'),
      ),
    );
  });
}

/** The body with its content codings undone in reverse order (as fetch does); undefined when one cannot be. */
async function decode(header: string | string[] | undefined, body: Buffer): Promise<Buffer | undefined> {
  const codings = (typeof header === 'string' ? header : '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity');
  if (codings.length === 0 || codings.some((c) => !DECODERS.has(c))) return undefined;
  let decoded = body;
  for (const coding of codings.reverse()) decoded = await DECODERS.get(coding)!(decoded);
  return decoded;
}

function attempt(target: URL, request: HttpRequest, options: HttpSendOptions, retried: boolean): Promise<HttpAnswer> {
  const { signal } = options;
  return new Promise<HttpAnswer>((outerResolve, outerReject) => {
    const send = target.protocol === 'https:' ? https.request : http.request;
    let answered = false;
    // The signal is watched here rather than through http.request's `signal` option, whose stream clean-up costs
    // about as much as the rest of sending a request (Node 20).
    const onAbort = () => req.destroy(new Error('aborted'));
    const resolve = (a: HttpAnswer) => (signal?.removeEventListener('abort', onAbort), outerResolve(a));
    const reject = (e: unknown) => (signal?.removeEventListener('abort', onAbort), outerReject(e));
    const req = send(
      target,
      {
        method: request.method,
        ...(request.path !== undefined ? { path: request.path } : {}),
        headers: request.headers as OutgoingHttpHeaders, // a raw list is accepted too (Node >= 18.15)
        setHost: false,
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        answered = true;
        const failed = (e: unknown) => reject(signal?.aborted ? signal.reason : fetchFailed(e));
        collect(res, options.maxResponseBytes).then(async (received) => {
          let body = received;
          let decoded = false;
          try {
            const d = await decode(res.headers['content-encoding'], received);
            if (d) [body, decoded] = [d, true];
          } catch (e) {
            if (options.undecodable !== 'keep') return failed(e);
          }
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            rawHeaders: res.rawHeaders,
            headers: res.headers,
            body,
            decoded,
          });
        }, failed);
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (signal?.aborted) return reject(signal.reason);
      if (!answered && !retried && req.reusedSocket && e.code === 'ECONNRESET') {
        attempt(target, request, options, true).then(resolve, reject);
        return;
      }
      reject(fetchFailed(e));
    });
    req.end(request.body);
  });
}

/** Sends a request and reads its whole answer (see the top of this module). */
export function sendHttp(request: HttpRequest, options: HttpSendOptions = {}): Promise<HttpAnswer> {
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  return attempt(typeof request.url === 'string' ? new URL(request.url) : request.url, request, options, false);
}

/**
 * The answer as a WHATWG Response, its body read (./buffered-response.ts: served from memory, as fetch would stream
 * it). Headers that `Headers` refuses are left out, as fetch leaves them.
 */
function toResponse(answer: HttpAnswer, url: string): Response {
  const { status, rawHeaders: raw, body } = answer;
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      /* a name or value fetch would refuse too */
    }
  }
  return new BufferedResponse(NULL_BODY_STATUS.has(status) ? null : body, {
    status,
    statusText: answer.statusMessage,
    headers,
    url,
  });
}

/** The headers in the order Node 20's fetch sends them, as a flat [name, value, ...] list (http.request keeps it). */
function wireHeaders(target: URL, own: Readonly<Record<string, string>>): string[] {
  const out = ['host', target.host, 'connection', 'keep-alive'];
  for (const name of Object.keys(own)) out.push(name, own[name]!);
  out.push(
    'accept-language',
    '*',
    'sec-fetch-mode',
    'cors',
    'user-agent',
    'node',
    'accept-encoding',
    'gzip, deflate',
    'content-length',
    '0',
  );
  return out;
}

/**
 * The client's transport: sends a signed wire request as Node 20's fetch would; resolves with the answer, its body
 * read in full. `responseUrl` is the answer's `url` (default the request's; the client gives '' when the URL holds a
 * security token).
 */
export function sendWithNodeHttp(wire: WireRequest, signal?: AbortSignal, responseUrl = wire.url): Promise<Response> {
  const target = new URL(wire.url);
  return sendHttp({ url: target, method: wire.method, headers: wireHeaders(target, wire.headers) }, { signal }).then(
    (answer) => toResponse(answer, responseUrl),
  );
}
