/**
 * One exchange through the contract proxy: the request read (with its size limit), checked, refused or forwarded
 * (re-signed when the proxy has credentials), the answer checked and passed on with its violations, every violation
 * recorded; and the answer to what Node's HTTP parser refuses. The server (packages/mock/src/proxy/server.ts) wires these.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { contentType, errorBody, negotiate, type Format } from '../frontend/render.js';
import { PROXY_ERRORS, type ProxyServerOptions } from './options.js';
import type { Redactor } from './redact.js';
import type { ReportCollector } from './report.js';
import { parseRequest, firstHeader, type ProxyRequest } from '../frontend/request.js';
import { checkRequest, type RequestCheckContext } from './request-checks.js';
import { checkResponse } from './response-checks.js';
import { forwardUnchanged, resign, type Credentials, type UpstreamRequest } from './resign.js';
import { UpstreamError, type Upstream, type UpstreamResponse } from './upstream.js';
import { errorsOf, slViolationsHeader, type ContractViolation, type ViolationRecord } from './violations.js';

/** Response headers that belong to the upstream connection, or that the proxy sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'content-length', 'content-encoding']);

/** What an exchange needs from its proxy (one per proxy). */
export interface ProxyContext {
  readonly options: ProxyServerOptions;
  /** The contract, by version, with what every API shares and the site. */
  readonly checks: RequestCheckContext;
  /** The product named in the Recommend link of the proxy's own errors (the default API's). */
  readonly product: string;
  readonly redact: Redactor;
  readonly upstream: Upstream;
  readonly collector: ReportCollector;
  readonly credentials: Credentials | undefined;
  /** `HostId` of the proxy's own error bodies: the upstream's host. */
  readonly hostId: string;
  readonly maxBody: number;
}

function describe(v: ContractViolation): string {
  return `${v.rule} at ${v.where}: expected ${v.expected}${v.seen === undefined ? '' : `, seen ${JSON.stringify(v.seen)}`}`;
}

function records(ctx: ProxyContext, violations: readonly ContractViolation[], requestId: string, action: string | undefined, version: string | undefined): ViolationRecord[] {
  const time = new Date().toISOString();
  return violations.map((v) => {
    const record: ViolationRecord = { time, RequestId: requestId, action: action ?? null, version: version ?? null, ...v };
    const line = ctx.redact(JSON.stringify(record));
    const clean = JSON.parse(line) as ViolationRecord;
    ctx.options.onViolation?.(line, clean);
    return clean;
  });
}

function sendError(ctx: ProxyContext, res: ServerResponse, format: Format, status: number, requestId: string, code: string, message: string, violations: readonly ContractViolation[], extra?: OutgoingHttpHeaders): void {
  const body = ctx.redact(errorBody(format, requestId, ctx.hostId, code, message, ctx.product));
  const headers: OutgoingHttpHeaders = { 'content-type': contentType(format), 'content-length': Buffer.byteLength(body), 'x-acs-request-id': requestId, ...extra };
  const sl = slViolationsHeader(violations);
  if (sl) headers['sl-violations'] = ctx.redact(sl);
  res.writeHead(status, headers);
  res.end(body);
}

/** The upstream's answer as it is, but for the proxy's credentials (an upstream echoing them does not hand them on). */
function forwardAnswer(ctx: ProxyContext, res: ServerResponse, answer: UpstreamResponse, violations: readonly ContractViolation[]): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.map(ctx.redact) : ctx.redact(String(value));
  }
  let body = answer.body;
  if (ctx.credentials) {
    const text = body.toString('utf8');
    const clean = ctx.redact(text);
    if (clean !== text) body = Buffer.from(clean, 'utf8');
  }
  headers['content-length'] = body.length;
  const sl = slViolationsHeader(violations);
  if (sl) headers['sl-violations'] = ctx.redact(sl);
  res.writeHead(answer.status, headers);
  res.end(body);
}

async function exchange(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const r: ProxyRequest = parseRequest(req.method ?? 'GET', req.url ?? '/', req.headers, body);
  const format = negotiate(r.params.Format, firstHeader(r.headers, 'accept')).format;
  const checked = checkRequest(r, ctx.checks);
  const requestErrors = errorsOf(checked.violations);

  if (ctx.options.errors && requestErrors.length > 0) {
    const requestId = randomUUID().toUpperCase();
    const first = requestErrors[0]!;
    const more = requestErrors.length > 1 ? ` (and ${requestErrors.length - 1} more in sl-violations)` : '';
    sendError(ctx, res, format, 400, requestId, 'InvalidParameter', `Specified parameter format is not valid. The contract proxy refused the request: ${describe(first)}${more}`, checked.violations);
    ctx.collector.exchange('refused', records(ctx, checked.violations, requestId, checked.action, checked.version));
    return;
  }

  const outgoing: UpstreamRequest = ctx.credentials ? resign(r, ctx.upstream.host, ctx.credentials) : forwardUnchanged(r, ctx.upstream.host);
  let answer: UpstreamResponse;
  try {
    answer = await ctx.upstream.send(outgoing);
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    const requestId = randomUUID().toUpperCase();
    const code = e.kind === 'timeout' ? 'Proxy.UpstreamTimeout' : e.kind === 'too-large' ? 'Proxy.UpstreamResponseTooLarge' : 'Proxy.UpstreamUnreachable';
    ctx.options.onUpstreamError?.(ctx.redact(`${checked.action ?? 'request'} ${requestId}: ${e.message}`));
    sendError(ctx, res, format, PROXY_ERRORS[code], requestId, code, `The contract proxy got no answer it could pass on: ${e.message}.`, checked.violations);
    ctx.collector.exchange('upstream-failure', records(ctx, checked.violations, requestId, checked.action, checked.version));
    return;
  }

  const response = checkResponse(answer, {
    contract: checked.contract,
    action: checked.action,
    format: r.params.Format,
    accept: firstHeader(r.headers, 'accept'),
    strictFields: ctx.options.strictFields === true,
  });
  const all = [...checked.violations, ...response.violations];
  const requestId = response.requestId ?? randomUUID().toUpperCase();
  const responseErrors = errorsOf(response.violations);
  if (ctx.options.errors && responseErrors.length > 0) {
    const first = responseErrors[0]!;
    const more = responseErrors.length > 1 ? ` (and ${responseErrors.length - 1} more in sl-violations)` : '';
    sendError(ctx, res, format, PROXY_ERRORS['Proxy.ResponseViolation'], requestId, 'Proxy.ResponseViolation', `The upstream's answer (${answer.status}) breaks the contract: ${describe(first)}${more}`, all);
  } else {
    forwardAnswer(ctx, res, answer, all);
  }
  ctx.collector.exchange('answered', records(ctx, all, requestId, checked.action, checked.version));
}

export function handleProxyRequest(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse): void {
  const length = firstHeader(req.headers, 'content-length');
  const tooLarge = () => {
    const format = negotiate(undefined, firstHeader(req.headers, 'accept')).format;
    res.setHeader('connection', 'close');
    sendError(ctx, res, format, 400, randomUUID().toUpperCase(), 'InvalidParameter', `Specified parameter format is not valid. The request body is larger than ${ctx.maxBody} bytes.`, []);
  };
  if (length !== undefined && Number(length) > ctx.maxBody) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > ctx.maxBody) {
      over = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return;
    exchange(ctx, req, res, Buffer.concat(chunks)).catch((e: unknown) => {
      ctx.options.onUpstreamError?.(ctx.redact(`proxy failure: ${(e as Error)?.message ?? String(e)}`));
      if (!res.headersSent) sendError(ctx, res, 'json', 500, randomUUID().toUpperCase(), 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.', []);
      else res.destroy();
    });
  });
}

/** What Node's HTTP parser refuses (malformed request line or headers, bad chunking): an Alibaba-shaped 400, as the mock answers it, then the connection is closed. */
export function answerClientError(ctx: ProxyContext, err: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own reference to the answer in progress on this socket: once it has started, only closing is left.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable || inFlight?.headersSent || inFlight?.req.complete) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID().toUpperCase();
  const body = errorBody('json', requestId, ctx.hostId, 'InvalidParameter', `Specified parameter format is not valid. The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}).`, ctx.product);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\ncontent-type: ${contentType('json')}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-acs-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 2_000).unref();
}
