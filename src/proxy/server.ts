/**
 * The contract proxy: forwards each RPC request to an upstream (Alibaba Cloud's endpoint, or any server that speaks
 * it) and checks both directions against the contract of the request's version (src/proxy/contracts.ts):
 *
 *   read        the request (at most maxBodyBytes; what Node's parser refuses too) -> 400 InvalidParameter, connection closed
 *   check       src/proxy/request-checks.ts                          -> with `errors`: 400 InvalidParameter, not forwarded
 *   sign        src/proxy/resign.ts: re-signed for the upstream with `credentials`, else forwarded as signed
 *   forward     src/proxy/upstream.ts                                -> 504 Proxy.UpstreamTimeout / 502 Proxy.UpstreamUnreachable
 *   check       src/proxy/response-checks.ts                         -> with `errors`: 502 Proxy.ResponseViolation
 *   answer      the upstream's status, headers and body (the proxy's credentials, should the upstream echo them,
 *               replaced by [REDACTED]), plus `sl-violations` when something broke the contract
 *
 * Every violation is handed to `onViolation` as one record (and its JSON line), redacted of the credentials.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createCorsHandler } from '../cors.js';
import { contentType, errorBody, negotiate, type Format } from '../mock/render.js';
import type { Site } from '../rules-types.js';
import { createRedactor, type Redactor } from './redact.js';
import { ReportCollector, type ProxyReport } from './report.js';
import { parseRequest, firstHeader, type ProxyRequest } from './request.js';
import { checkRequest } from './request-checks.js';
import { checkResponse } from './response-checks.js';
import { forwardUnchanged, resign, type Credentials, type UpstreamRequest } from './resign.js';
import { createUpstream, UpstreamError, type UpstreamResponse } from './upstream.js';
import { errorsOf, slViolationsHeader, type ContractViolation, type ViolationRecord } from './violations.js';
import { rules } from '../../generated/rules.js';

/** The product named in the Recommend link of the proxy's own errors (the default API's). */
const PROXY_PRODUCT = rules.product;

export interface ProxyServerOptions {
  /** Where requests go, e.g. `https://resourcemanager.aliyuncs.com` (an http(s) origin; a path other than `/` is refused). */
  readonly upstream: string | URL;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4011; 0 picks a free port. */
  readonly port?: number;
  /** Re-sign every request for the upstream with these. Default: none, requests are forwarded as signed. */
  readonly credentials?: Credentials;
  /** Also check the site's parameter rules (`x-acs-site-rules`). */
  readonly site?: Site;
  /** A request violation is answered 400 without forwarding, a response violation 502. Default false (report only). */
  readonly errors?: boolean;
  /** Undocumented response fields are errors, not info. Default false. */
  readonly strictFields?: boolean;
  /** CORS for browsers (src/cors.ts): `*` or one origin. Default off. */
  readonly cors?: string;
  /** Time for the upstream's whole answer, in ms. Default 30 000. */
  readonly upstreamTimeoutMs?: number;
  /** Largest request body. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest upstream answer. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** Each violation, redacted, with its JSON line. Default: none. */
  readonly onViolation?: (line: string, record: ViolationRecord) => void;
  /** When the upstream timed out or could not be reached (the message is redacted). */
  readonly onUpstreamError?: (message: string) => void;
}

export interface ProxyServer {
  readonly server: Server;
  /** `http://host:port` once listening. */
  readonly url: string;
  readonly upstream: string;
  /** Whether requests are re-signed (credentials given). */
  readonly resigning: boolean;
  listen(): Promise<string>;
  close(): Promise<void>;
  /** The summary so far (what `--report` writes). */
  report(): ProxyReport;
}

export const PROXY_DEFAULTS = { port: 4011, upstreamTimeoutMs: 30_000, maxBodyBytes: 1024 * 1024, maxResponseBytes: 10 * 1024 * 1024 } as const;

/** The proxy's own error codes (not Alibaba's), with their statuses. */
export const PROXY_ERRORS = {
  'Proxy.UpstreamTimeout': 504,
  'Proxy.UpstreamUnreachable': 502,
  'Proxy.UpstreamResponseTooLarge': 502,
  'Proxy.ResponseViolation': 502,
} as const;

/** Response headers that belong to the upstream connection, or that the proxy sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'content-length', 'content-encoding']);

function parseUpstream(upstream: string | URL): URL {
  const url = new URL(String(upstream));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`upstream must be an http: or https: URL, got ${url.protocol}`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw new RangeError('upstream must be an origin such as https://resourcemanager.aliyuncs.com (no path, query, fragment or user info)');
  return url;
}

function describe(v: ContractViolation): string {
  return `${v.rule} at ${v.where}: expected ${v.expected}${v.seen === undefined ? '' : `, seen ${JSON.stringify(v.seen)}`}`;
}

export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const upstreamUrl = parseUpstream(options.upstream);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? PROXY_DEFAULTS.port;
  const maxBody = options.maxBodyBytes ?? PROXY_DEFAULTS.maxBodyBytes;
  const credentials = options.credentials;
  const redact: Redactor = createRedactor([credentials?.accessKeySecret, credentials?.securityToken]);
  const upstream = createUpstream(upstreamUrl, {
    timeoutMs: options.upstreamTimeoutMs ?? PROXY_DEFAULTS.upstreamTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? PROXY_DEFAULTS.maxResponseBytes,
  });
  const cors = createCorsHandler(options.cors, ['sl-violations']);
  const collector = new ReportCollector(upstreamUrl.origin);
  const hostId = upstreamUrl.hostname;

  function records(violations: readonly ContractViolation[], requestId: string, action: string | undefined, version: string | undefined): ViolationRecord[] {
    const time = new Date().toISOString();
    return violations.map((v) => {
      const record: ViolationRecord = { time, RequestId: requestId, action: action ?? null, version: version ?? null, ...v };
      const line = redact(JSON.stringify(record));
      const clean = JSON.parse(line) as ViolationRecord;
      options.onViolation?.(line, clean);
      return clean;
    });
  }

  function sendError(res: ServerResponse, format: Format, status: number, requestId: string, code: string, message: string, violations: readonly ContractViolation[], extra?: OutgoingHttpHeaders): void {
    const body = redact(errorBody(format, requestId, hostId, code, message, PROXY_PRODUCT));
    const headers: OutgoingHttpHeaders = { 'content-type': contentType(format), 'content-length': Buffer.byteLength(body), 'x-acs-request-id': requestId, ...extra };
    const sl = slViolationsHeader(violations);
    if (sl) headers['sl-violations'] = redact(sl);
    res.writeHead(status, headers);
    res.end(body);
  }

  /** The upstream's answer as it is, but for the proxy's credentials (an upstream echoing them does not hand them on). */
  function forwardAnswer(res: ServerResponse, answer: UpstreamResponse, violations: readonly ContractViolation[]): void {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.map(redact) : redact(String(value));
    }
    let body = answer.body;
    if (credentials) {
      const text = body.toString('utf8');
      const clean = redact(text);
      if (clean !== text) body = Buffer.from(clean, 'utf8');
    }
    headers['content-length'] = body.length;
    const sl = slViolationsHeader(violations);
    if (sl) headers['sl-violations'] = redact(sl);
    res.writeHead(answer.status, headers);
    res.end(body);
  }

  async function exchange(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const r: ProxyRequest = parseRequest(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    const format = negotiate(r.params.Format, firstHeader(r.headers, 'accept')).format;
    const checked = checkRequest(r, options.site);
    const requestErrors = errorsOf(checked.violations);

    if (options.errors && requestErrors.length > 0) {
      const requestId = randomUUID().toUpperCase();
      const first = requestErrors[0]!;
      const more = requestErrors.length > 1 ? ` (and ${requestErrors.length - 1} more in sl-violations)` : '';
      sendError(res, format, 400, requestId, 'InvalidParameter', `Specified parameter format is not valid. The contract proxy refused the request: ${describe(first)}${more}`, checked.violations);
      collector.exchange('refused', records(checked.violations, requestId, checked.action, checked.version));
      return;
    }

    const outgoing: UpstreamRequest = credentials ? resign(r, upstream.host, credentials) : forwardUnchanged(r, upstream.host);
    let answer: UpstreamResponse;
    try {
      answer = await upstream.send(outgoing);
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      const requestId = randomUUID().toUpperCase();
      const code = e.kind === 'timeout' ? 'Proxy.UpstreamTimeout' : e.kind === 'too-large' ? 'Proxy.UpstreamResponseTooLarge' : 'Proxy.UpstreamUnreachable';
      options.onUpstreamError?.(redact(`${checked.action ?? 'request'} ${requestId}: ${e.message}`));
      sendError(res, format, PROXY_ERRORS[code], requestId, code, `The contract proxy got no answer it could pass on: ${e.message}.`, checked.violations);
      collector.exchange('upstream-failure', records(checked.violations, requestId, checked.action, checked.version));
      return;
    }

    const response = checkResponse(answer, {
      contract: checked.contract,
      action: checked.action,
      format: r.params.Format,
      accept: firstHeader(r.headers, 'accept'),
      strictFields: options.strictFields === true,
    });
    const all = [...checked.violations, ...response.violations];
    const requestId = response.requestId ?? randomUUID().toUpperCase();
    const responseErrors = errorsOf(response.violations);
    if (options.errors && responseErrors.length > 0) {
      const first = responseErrors[0]!;
      const more = responseErrors.length > 1 ? ` (and ${responseErrors.length - 1} more in sl-violations)` : '';
      sendError(res, format, PROXY_ERRORS['Proxy.ResponseViolation'], requestId, 'Proxy.ResponseViolation', `The upstream's answer (${answer.status}) breaks the contract: ${describe(first)}${more}`, all);
    } else {
      forwardAnswer(res, answer, all);
    }
    collector.exchange('answered', records(all, requestId, checked.action, checked.version));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => res.destroy());
    if (cors?.(req, res)) return;
    const length = firstHeader(req.headers, 'content-length');
    const tooLarge = () => {
      const format = negotiate(undefined, firstHeader(req.headers, 'accept')).format;
      res.setHeader('connection', 'close');
      sendError(res, format, 400, randomUUID().toUpperCase(), 'InvalidParameter', `Specified parameter format is not valid. The request body is larger than ${maxBody} bytes.`, []);
    };
    if (length !== undefined && Number(length) > maxBody) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBody) {
        over = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      exchange(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        options.onUpstreamError?.(redact(`proxy failure: ${(e as Error)?.message ?? String(e)}`));
        if (!res.headersSent) sendError(res, 'json', 500, randomUUID().toUpperCase(), 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.', []);
        else res.destroy();
      });
    });
  }

  const server = createServer({ keepAliveTimeout: 5_000 }, handle);
  // What Node's HTTP parser refuses (malformed request line or headers, bad chunking): an Alibaba-shaped 400, as the
  // mock answers it, then the connection is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Node's own reference to the answer in progress on this socket: once it has started, only closing is left.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable || inFlight?.headersSent || inFlight?.req.complete) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID().toUpperCase();
    const body = errorBody('json', requestId, hostId, 'InvalidParameter', `Specified parameter format is not valid. The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}).`, PROXY_PRODUCT);
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: ${contentType('json')}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-acs-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
  let url = '';
  return {
    server,
    get url() {
      return url;
    },
    upstream: upstreamUrl.origin,
    resigning: credentials !== undefined,
    report: () => collector.report(),
    listen() {
      return new Promise<string>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const a = server.address() as AddressInfo;
          url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
          resolve(url);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        upstream.close();
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
