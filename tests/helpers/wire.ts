/**
 * Talking to a server below fetch, for the fuzz and limit tests: raw bytes over `node:net` (malformed HTTP that no
 * client library would send), `http.request` with any method, header and body framing, a parser for the raw answers,
 * and the check that an answer is Alibaba-shaped.
 */
import { request as httpRequest, Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { XMLParser } from 'fast-xml-parser';

export const JSON_TYPE = 'application/json;charset=utf-8';
export const XML_TYPE = 'text/xml;charset=utf-8';

// ------------------------------------------------------------------------------------------------ raw sockets

export interface RawResult {
  /** Every byte the server wrote. */
  readonly data: Buffer;
  /** The server closed (or reset) the connection before the deadline. */
  readonly closed: boolean;
  /** The deadline passed first (the socket was then destroyed by the test). */
  readonly timedOut: boolean;
  /** A socket error (ECONNRESET, EPIPE, ...), if any. */
  readonly error: string | undefined;
  readonly elapsedMs: number;
}

export interface RawOptions {
  /** Give up (and destroy the socket) after this long. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Pause between the parts of the payload. Default 0 (one write per part, back to back). */
  readonly gapMs?: number;
  /** Half-close after the last part. Default false. */
  readonly end?: boolean;
  /** Stop as soon as the data holds this many complete responses (default: wait for the server to close). */
  readonly responses?: number;
}

/** Writes `parts` to 127.0.0.1:`port` and collects the answer until the server closes (or the deadline). */
export function rawExchange(
  port: number,
  parts: readonly (string | Buffer)[] | string | Buffer,
  options: RawOptions = {},
): Promise<RawResult> {
  const list = typeof parts === 'string' || Buffer.isBuffer(parts) ? [parts] : parts;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed, timedOut, error, elapsedMs: performance.now() - started });
    };
    const deadline = setTimeout(() => finish(false, true), timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (
        options.responses !== undefined &&
        parseResponses(Buffer.concat(chunks)).responses.length >= options.responses
      )
        finish(false, false);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      finish(true, false);
    });
    socket.on('close', () => finish(true, false));
    socket.on('connect', async () => {
      for (let i = 0; i < list.length; i++) {
        if (settled || socket.destroyed) return;
        if (i > 0 && options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
        if (settled || socket.destroyed) return;
        socket.write(list[i]!);
      }
      if (options.end && !socket.destroyed) socket.end();
    });
  });
}

export interface RawResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined by `, `. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * The complete HTTP/1.1 responses at the start of `data` (framed by content-length or chunked; a response without
 * either takes the rest; 1xx, 204 and 304 have no body), and what is left after them. `malformed` is set when the bytes
 * are not a response at all.
 */
export function parseResponses(data: Buffer): { responses: RawResponse[]; rest: Buffer; malformed: boolean } {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(head[0] ?? '');
    if (!m) return { responses, rest: data.subarray(at), malformed: true };
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) return { responses, rest: data.subarray(at), malformed: true };
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let bodyStart = end + 4;
    let body: Buffer;
    const status = Number(m[1]);
    if (status < 200 || status === 204 || status === 304) {
      body = Buffer.alloc(0); // no body, whatever the headers say
      at = bodyStart;
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart);
        if (lineEnd < 0) return { responses, rest: data.subarray(at), malformed: false };
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size)) return { responses, rest: data.subarray(at), malformed: true };
        if (size === 0) {
          bodyStart = lineEnd + 4;
          break;
        }
        if (lineEnd + 2 + size + 2 > data.length) return { responses, rest: data.subarray(at), malformed: false };
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyStart = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      at = bodyStart;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (bodyStart + length > data.length) break;
      body = data.subarray(bodyStart, bodyStart + length);
      at = bodyStart + length;
    } else {
      body = data.subarray(bodyStart);
      at = data.length;
    }
    responses.push({ status, headers, body });
  }
  return { responses, rest: data.subarray(at), malformed: false };
}

// ------------------------------------------------------------------------------------------------ http.request

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpOptions {
  readonly method?: string;
  /** The request target, sent as is (must be ASCII without spaces). */
  readonly path?: string;
  readonly headers?: OutgoingHttpHeaders;
  /** One part: sent with content-length (unless the headers say otherwise); several: chunked, one write each. */
  readonly body?: string | Buffer | readonly (string | Buffer)[];
  /** Per-request time limit: the promise rejects with "no answer within" after it. Default 5 000 ms. */
  readonly timeoutMs?: number;
  readonly agent?: Agent | false;
}

/** One request with `http.request`; rejects on a socket error or when there is no complete answer in time. */
export function httpExchange(port: number, options: HttpOptions = {}): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const parts =
      options.body === undefined
        ? []
        : typeof options.body === 'string' || Buffer.isBuffer(options.body)
          ? [options.body]
          : options.body;
    const headers: OutgoingHttpHeaders = { ...options.headers };
    const names = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
    // (Node frames a body of several writes as chunked only for methods that usually have one: say so for all)
    if (!names.has('content-length') && !names.has('transfer-encoding')) {
      if (parts.length === 1) headers['content-length'] = Buffer.byteLength(parts[0]!);
      else if (parts.length > 1) headers['transfer-encoding'] = 'chunked';
    }
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'GET',
      path: options.path ?? '/',
      headers,
      agent: options.agent ?? false,
    });
    const timer = setTimeout(() => {
      req.destroy(
        new Error(
          `no answer within ${timeoutMs} ms: ${options.method ?? 'GET'} ${(options.path ?? '/').slice(0, 200)}`,
        ),
      );
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    for (const p of parts) req.write(p);
    req.end();
  });
}

// ------------------------------------------------------------------------------------------------ the shape

const xml = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });
const ERROR_FIELDS = new Set(['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

export interface AnswerLike {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer | string;
  /** A HEAD request: no body expected. */
  readonly head?: boolean;
}

/**
 * What keeps an answer from being one Alibaba's gateway could give; undefined when nothing does. Allowed: a 4xx with
 * an error body `{RequestId, HostId?, Code, Message, Recommend?}` (JSON, `application/json;charset=utf-8`) or
 * `<Error>` (XML, `text/xml;charset=utf-8`), RequestId an upper-case UUID equal to `x-acs-request-id`; or a 2xx whose
 * body is a JSON object / an `<XResponse>` element with that RequestId. Never a 1xx, 3xx or 5xx.
 */
export function alibabaProblem(a: AnswerLike): string | undefined {
  const type = String(a.headers['content-type'] ?? '');
  const text = Buffer.isBuffer(a.body) ? a.body.toString('utf8') : a.body;
  const where = `${a.status} ${type} ${text.slice(0, 300)}`;
  if (a.status >= 500) return `a server error: ${where}`;
  if (!(a.status >= 200 && a.status < 300) && !(a.status >= 400 && a.status < 500))
    return `status ${a.status}: ${where}`;
  if (type !== JSON_TYPE && type !== XML_TYPE) return `content type: ${where}`;
  const requestId = a.headers['x-acs-request-id'];
  if (typeof requestId !== 'string' || !UUID.test(requestId)) return `x-acs-request-id ${String(requestId)}: ${where}`;
  if (a.head) return text === '' ? undefined : `a body for HEAD: ${where}`;
  let value: unknown;
  let root = '';
  try {
    if (type === JSON_TYPE) value = JSON.parse(text);
    else {
      const parsed = xml.parse(text, true) as Record<string, unknown>;
      const roots = Object.keys(parsed);
      if (roots.length !== 1) return `XML roots ${roots.join(',')}: ${where}`;
      root = roots[0]!;
      value = parsed[root];
    }
  } catch (e) {
    return `does not parse (${(e as Error).message}): ${where}`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `not an object: ${where}`;
  const body = value as Record<string, unknown>;
  if (body.RequestId !== requestId)
    return `RequestId ${String(body.RequestId)} is not x-acs-request-id ${requestId}: ${where}`;
  if (a.status >= 400) {
    if (type === XML_TYPE && root !== 'Error') return `XML root <${root}>: ${where}`;
    for (const k of Object.keys(body)) if (!ERROR_FIELDS.has(k)) return `error field ${k}: ${where}`;
    for (const k of ['Code', 'Message'] as const)
      if (typeof body[k] !== 'string' || body[k] === '') return `${k}: ${where}`;
    for (const k of ['HostId', 'Recommend'] as const)
      if (body[k] !== undefined && typeof body[k] !== 'string') return `${k}: ${where}`;
  } else if (type === XML_TYPE && !root.endsWith('Response')) return `XML root <${root}>: ${where}`;
  return undefined;
}

/** The error code of an Alibaba JSON or XML error body (undefined when it has none). */
export function codeOf(body: Buffer | string): string | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  try {
    const v = JSON.parse(text) as { Code?: unknown };
    return typeof v?.Code === 'string' ? v.Code : undefined;
  } catch {
    const m = /<Code>([^<]*)<\/Code>/.exec(text);
    return m?.[1];
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
