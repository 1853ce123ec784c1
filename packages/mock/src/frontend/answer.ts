/**
 * The mock's answer writing: status, headers (`x-acs-request-id`, `x-acs-retry-after` for Throttling*) and a JSON or
 * XML body; the contract's examples, in the site's wording where it has one; Alibaba-shaped errors (RequestId,
 * HostId, Code, Message, Recommend), from the contract's error examples or built from a status and message; a
 * handler's result; an error written straight to a socket, below the request listener.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Site } from '@rd-contract/contract';
import type { Violation } from '@rd-contract/client/protocol';
import { fill, type ActionCatalogue, type Catalogue, type ExampleEntry } from './catalogue.js';
import type { ActionResult } from './responder.js';
import { contentType, errorBody, negotiate, successBody, type Format } from './render.js';

/** What `onResponse` is told after every answer is written. */
export interface MockResponseEvent {
  readonly method: string;
  readonly url: string;
  /** The action, once known. */
  readonly action: string | undefined;
  /** The API the request named (`<Product>/<version>`), once known. */
  readonly api?: string | undefined;
  readonly status: number;
  readonly format: Format;
  readonly contentType: string;
  readonly requestId: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | number>>;
}

/** What writing answers needs from the server (one per server, passed to every step). */
export interface AnswerContext {
  /** The site whose wording (`x-acs-site-messages`) the answers use. */
  readonly site: Site | undefined;
  readonly catalogue: Catalogue;
  readonly onResponse: ((event: MockResponseEvent) => void) | undefined;
  readonly onError: (error: unknown, action: string | undefined) => void;
}

/** Per-request state the steps share. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  format: Format;
  action: ActionCatalogue | undefined;
  /** The catalogue of the API the request named, once its version is known (its HostId, its gateway errors). */
  catalogue?: Catalogue;
}

/** How long a refused connection may take to read its answer before it is destroyed anyway. */
const CLOSE_GRACE_MS = 2_000;

export const newRequestId = (): string => randomUUID().toUpperCase();

/** An exchange for an answer before the parameters are read: the format from `Accept` only. */
export function exchangeByAccept(req: IncomingMessage, res: ServerResponse): Exchange {
  const accept = req.headers.accept;
  return { req, res, requestId: newRequestId(), format: negotiate(undefined, Array.isArray(accept) ? accept[0] : accept).format, action: undefined };
}

export function send(ctx: AnswerContext, x: Exchange, status: number, body: string, extra?: Record<string, string>): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType(x.format),
    'content-length': Buffer.byteLength(body),
    'x-acs-request-id': x.requestId,
    ...extra,
  };
  x.res.writeHead(status, headers);
  x.res.end(body);
  ctx.onResponse?.({
    method: x.req.method ?? '',
    url: x.req.url ?? '',
    action: x.action?.action,
    api: x.catalogue?.api,
    status,
    format: x.format,
    contentType: headers['content-type'] as string,
    requestId: x.requestId,
    body,
    headers,
  });
}

const throttled = (code: string): Record<string, string> | undefined => (code.includes('Throttling') ? { 'x-acs-retry-after': '1000' } : undefined);

/** Serves a contract example (success or error), in the site's wording where the contract has one. */
export function sendExample(ctx: AnswerContext, x: Exchange, entry: ExampleEntry): void {
  const variant = (ctx.site && entry.bySite?.[ctx.site]) || entry;
  send(ctx, x, entry.status, fill(x.format === 'xml' ? variant.xml : variant.json, x.requestId), entry.code ? throttled(entry.code) : undefined);
}

/** Answers a documented error code: the action's (or the gateway's) example, or a body built from status and message. */
export function sendError(ctx: AnswerContext, x: Exchange, code: string, detail?: { status?: number; message?: string; suffix?: string }): void {
  const catalogue = x.catalogue ?? ctx.catalogue;
  const entry = x.action?.errors.get(code) ?? catalogue.gatewayErrors.get(code);
  if (entry && !detail?.message && !detail?.suffix && (detail?.status === undefined || detail.status === entry.status)) {
    sendExample(ctx, x, entry);
    return;
  }
  const site = ctx.site;
  const status = detail?.status ?? entry?.status ?? 400;
  const base = detail?.message ?? (site && entry?.siteMessages?.[site]) ?? entry?.message ?? code;
  send(ctx, x, status, errorBody(x.format, x.requestId, catalogue.hostId, code, base + (detail?.suffix ?? ''), catalogue.product), throttled(code));
}

export function sendViolation(ctx: AnswerContext, x: Exchange, v: Violation): void {
  sendError(ctx, x, v.code, x.action?.errors.has(v.code) ? undefined : { status: v.status, message: v.message });
}

export function internalError(ctx: AnswerContext, x: Exchange, err: unknown): void {
  ctx.onError(err, x.action?.action);
  if (x.res.headersSent) {
    x.res.destroy();
    return;
  }
  sendError(ctx, x, 'InternalError', { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' });
}

/** Writes what a handler answered: a documented example, a success body, or an error (documented, or with a status). */
export function sendResult(ctx: AnswerContext, x: Exchange, result: ActionResult): void {
  const action = x.action!;
  switch (result.kind) {
    case 'example': {
      const entry = result.name === undefined ? action.success[0] : action.byName.get(result.name);
      if (!entry) throw new Error(`handler asked for example "${result.name}", which ${action.action} does not document`);
      sendExample(ctx, x, entry);
      return;
    }
    case 'body':
      send(ctx, x, 200, successBody(x.format, x.requestId, action.xmlRoot, result.body));
      return;
    case 'error': {
      if (!action.errors.has(result.code) && result.status === undefined) {
        throw new Error(`handler answered ${result.code}, which ${action.action} does not document (give a status)`);
      }
      sendError(ctx, x, result.code, result.status !== undefined || result.message !== undefined ? { ...(result.status !== undefined ? { status: result.status } : {}), ...(result.message !== undefined ? { message: result.message } : {}) } : undefined);
      return;
    }
  }
}

/**
 * An error answer written straight to a socket (no request object), then the connection is closed: ended once the
 * answer is flushed, destroyed at the latest CLOSE_GRACE_MS later (a peer that never reads). The answer to a HEAD
 * request has no body (or the client would read it as the start of a next response).
 */
export function rawError(ctx: AnswerContext, socket: Duplex, method: string, url: string, code: string, status: number, message: string): void {
  const requestId = newRequestId();
  const body = errorBody('json', requestId, ctx.catalogue.hostId, code, message, ctx.catalogue.product);
  const headers: Record<string, string | number> = { 'content-type': contentType('json'), 'content-length': Buffer.byteLength(body), 'x-acs-request-id': requestId, connection: 'close' };
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(method === 'HEAD' ? head : head + body, () => socket.destroy());
  try {
    ctx.onResponse?.({ method, url, action: undefined, api: undefined, status, format: 'json', contentType: headers['content-type'] as string, requestId, body, headers });
  } catch (e) {
    ctx.onError(e, undefined);
  }
}
