/**
 * Answers, built by the front end's steps and written in one place (`writeAnswer`): status, headers
 * (`x-acs-request-id`, `x-acs-retry-after` for Throttling*) and a JSON or XML body; the contract's examples, in the
 * site's wording where it has one; Alibaba-shaped errors (RequestId, HostId, Code, Message, Recommend), from the
 * contract's error examples or built from a status and message; a handler's result. Also an error written straight to
 * a socket, below the request listener.
 */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Site } from '@rd-contract/contract';
import type { Violation } from '@rd-contract/client/protocol';
import { fill, type ActionCatalogue, type Catalogue, type ExampleEntry } from './catalogue.js';
import type { ActionResult } from './responder.js';
import { contentType, errorBody, negotiate, successBody, type Format } from './render.js';
import { firstHeader } from './request.js';
import { systemRandom, type Random } from './random.js';

/** An answer: what a step returns instead of writing it. */
export interface Answer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer;
  /** What the answer is to (an API answer of the mock), for `onResponse`. */
  readonly to?: Reply;
  /** The error code of an error answer. */
  readonly code?: string | undefined;
  /** Destroy the connection instead of writing the answer (a fault rule's `reset`). */
  readonly reset?: boolean;
  /** The index of the fault rule that made or delayed this answer. */
  readonly fault?: number;
}

/** What `onResponse` is told after every API answer is written. */
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

/** What building and writing the mock's answers needs from the server (one per server). */
export interface AnswerContext {
  /** The site whose wording (`x-acs-site-messages`) the answers use. */
  readonly site: Site | undefined;
  /** The catalogue of the default API: HostId and gateway errors before a request names its API. */
  readonly catalogue: Catalogue;
  readonly onResponse: ((event: MockResponseEvent) => void) | undefined;
  readonly onError: (error: unknown, action: string | undefined) => void;
  /** Where RequestIds come from. Default: node:crypto's generator. */
  readonly random?: Random | undefined;
}

/** The request an answer replies to, as far as the steps got: its id and format, then its API and action. */
export interface Reply {
  readonly requestId: string;
  readonly format: Format;
  /** The catalogue of the API the request named, once its version is known (its HostId, its gateway errors). */
  readonly catalogue?: Catalogue | undefined;
  readonly action?: ActionCatalogue | undefined;
}

/** How long a refused connection may take to read its answer before it is destroyed anyway. */
const CLOSE_GRACE_MS = 2_000;

/** A fresh RequestId from the context's generator. */
export const newRequestId = (ctx: { readonly random?: Random | undefined }): string =>
  (ctx.random ?? systemRandom).uuid();

/** A reply to a request whose parameters were not read: the format from `Accept` only. */
export const replyByAccept = (ctx: Pick<AnswerContext, 'random'>, req: IncomingMessage): Reply => ({
  requestId: newRequestId(ctx),
  format: negotiate(undefined, firstHeader(req.headers, 'accept')).format,
});

const throttled = (code: string): Record<string, string> | undefined =>
  code.includes('Throttling') ? { 'x-acs-retry-after': '1000' } : undefined;

function answer(to: Reply, status: number, body: string, code?: string): Answer {
  const headers: OutgoingHttpHeaders = {
    'content-type': contentType(to.format),
    'content-length': Buffer.byteLength(body),
    'x-acs-request-id': to.requestId,
    ...(code !== undefined ? throttled(code) : undefined),
  };
  return { status, headers, body, to, code };
}

/**
 * An Alibaba error body answered with a status: `{RequestId, HostId, Code, Message, Recommend}` (XML root `<Error>`),
 * with `x-acs-request-id` (and `x-acs-retry-after` for Throttling*).
 */
export function builtError(
  to: Reply,
  status: number,
  code: string,
  message: string,
  hostId: string,
  product: string,
): Answer {
  return answer(to, status, errorBody(to.format, to.requestId, hostId, code, message, product), code);
}

/** A contract example (success or error), in the site's wording where the contract has one. */
export function exampleAnswer(ctx: AnswerContext, to: Reply, entry: ExampleEntry): Answer {
  const variant = (ctx.site && entry.bySite?.[ctx.site]) || entry;
  return answer(to, entry.status, fill(to.format === 'xml' ? variant.xml : variant.json, to.requestId), entry.code);
}

/** A documented error code: the action's (or the gateway's) example, or a body built from status and message. */
export function errorAnswer(
  ctx: AnswerContext,
  to: Reply,
  code: string,
  detail?: { status?: number; message?: string; suffix?: string },
): Answer {
  const catalogue = to.catalogue ?? ctx.catalogue;
  const entry = to.action?.errors.get(code) ?? catalogue.gatewayErrors.get(code);
  if (entry && !detail?.message && !detail?.suffix && (detail?.status === undefined || detail.status === entry.status))
    return exampleAnswer(ctx, to, entry);
  const site = ctx.site;
  const status = detail?.status ?? entry?.status ?? 400;
  const base = detail?.message ?? (site && entry?.siteMessages?.[site]) ?? entry?.message ?? code;
  return builtError(to, status, code, base + (detail?.suffix ?? ''), catalogue.hostId, catalogue.product);
}

export function violationAnswer(ctx: AnswerContext, to: Reply, v: Violation): Answer {
  return errorAnswer(
    ctx,
    to,
    v.code,
    to.action?.errors.has(v.code) ? undefined : { status: v.status, message: v.message },
  );
}

/** 500 InternalError, after telling `onError`. */
export function internalErrorAnswer(ctx: AnswerContext, to: Reply, err: unknown): Answer {
  ctx.onError(err, to.action?.action);
  return errorAnswer(ctx, to, 'InternalError', {
    status: 500,
    message: 'The request processing has failed due to some unknown error, exception or failure.',
  });
}

/**
 * What a handler answered for an action: a documented example, a success body, or an error (documented, or with a
 * status).
 */
export function resultAnswer(
  ctx: AnswerContext,
  to: Reply & { readonly action: ActionCatalogue },
  result: ActionResult,
): Answer {
  const { action } = to;
  switch (result.kind) {
    case 'example': {
      const entry = result.name === undefined ? action.success[0] : action.byName.get(result.name);
      if (!entry)
        throw new Error(`handler asked for example "${result.name}", which ${action.action} does not document`);
      return exampleAnswer(ctx, to, entry);
    }
    case 'body':
      return answer(to, 200, successBody(to.format, to.requestId, action.xmlRoot, result.body));
    case 'error': {
      if (!action.errors.has(result.code) && result.status === undefined) {
        throw new Error(`handler answered ${result.code}, which ${action.action} does not document (give a status)`);
      }
      const detail = {
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.message !== undefined ? { message: result.message } : {}),
      };
      return errorAnswer(
        ctx,
        to,
        result.code,
        result.status !== undefined || result.message !== undefined ? detail : undefined,
      );
    }
  }
}

/**
 * Writes an answer: the one place the front end writes to a response. An answer to an API request is then told to
 * `onResponse`. When something was written already (it cannot be answered any more), or the answer is a `reset`, the
 * connection is destroyed.
 */
export function writeAnswer(
  ctx: Pick<AnswerContext, 'onResponse'>,
  req: IncomingMessage,
  res: ServerResponse,
  a: Answer,
): void {
  if (res.headersSent || a.reset) {
    res.destroy();
    return;
  }
  res.writeHead(a.status, a.headers);
  res.end(a.body);
  if (!a.to || !ctx.onResponse) return;
  ctx.onResponse({
    method: req.method ?? '',
    url: req.url ?? '',
    action: a.to.action?.action,
    api: a.to.catalogue?.api,
    status: a.status,
    format: a.to.format,
    contentType: a.headers['content-type'] as string,
    requestId: a.to.requestId,
    body: String(a.body),
    headers: a.headers as Record<string, string | number>,
  });
}

/**
 * An error answer written straight to a socket (no request object), then the connection is closed: ended once the
 * answer is flushed, destroyed at the latest CLOSE_GRACE_MS later (a peer that never reads). The answer to a HEAD
 * request has no body (or the client would read it as the start of a next response).
 */
export function rawError(
  ctx: AnswerContext,
  socket: Duplex,
  method: string,
  url: string,
  code: string,
  status: number,
  message: string,
): void {
  const requestId = newRequestId(ctx);
  const body = errorBody('json', requestId, ctx.catalogue.hostId, code, message, ctx.catalogue.product);
  const headers: Record<string, string | number> = {
    'content-type': contentType('json'),
    'content-length': Buffer.byteLength(body),
    'x-acs-request-id': requestId,
    connection: 'close',
  };
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(method === 'HEAD' ? head : head + body, () => socket.destroy());
  try {
    ctx.onResponse?.({
      method,
      url,
      action: undefined,
      api: undefined,
      status,
      format: 'json',
      contentType: headers['content-type'] as string,
      requestId,
      body,
      headers,
    });
  } catch (e) {
    ctx.onError(e, undefined);
  }
}
