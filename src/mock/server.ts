/**
 * The mock server: Alibaba Cloud's RPC gateway for Resource Manager 2020-03-31, answering from the contract.
 *
 * One request goes through the steps of the contract's `x-acs-error-precedence`, then the action's handler:
 *
 *   route      `/` only (plus `/openapi.yaml|json` and `/docs/`), GET or POST   -> 404 InvalidApi.NotFound
 *   action     `x-acs-action` header or `Action` parameter                         -> 404 InvalidAction.NotFound
 *   version    `x-acs-version` header or `Version` parameter                       -> 400 MissingVersion / InvalidVersion
 *   signature  only with `verifySignatures` (src/mock/auth.ts, src/signing.ts)     -> IncompleteSignature ... SignatureDoesNotMatch
 *   Prefer     `Prefer: code=, example=` / `__code`, `__example`: an error example is answered here;
 *              an unknown name or status                                           -> 400 Mock.InvalidPrefer
 *   parameters src/validate.ts over the action's parameters, plus `Format`        -> the documented code and status
 *   handler    `handlers[action]` (default: the contract's example; Prefer's success example wins)
 *
 * With `stateful` (src/mock/emulator/), a request without an AccessKeyId is refused after the signature step
 * (400 IncompleteSignature), the handlers answer from per-account state, and `/_emulator/...` control routes are served.
 *
 * Parameters come from the query string and, for POST, an `application/x-www-form-urlencoded` body; names are
 * case-sensitive. Every answer has a fresh upper-case UUID as RequestId (also in `Recommend` and the
 * `x-acs-request-id` header), as JSON or as XML (`text/xml;charset=utf-8`) per `Format` / `Accept`.
 *
 * Limits (a contract-test mock runs in other teams' CI: it must never fall over, hang or answer a 5xx for bad input).
 * Each is answered 400 InvalidParameter with an Alibaba JSON error body, and the connection is closed:
 *
 *   maxBodyBytes      1 MiB   a larger body (by Content-Length before reading, or while reading a chunked one);
 *                             nothing past the limit is kept. Routes that do not use a body (static files, other
 *                             paths and methods) read and drop it before answering, so that closing the connection
 *                             cannot reset it under the answer
 *   maxHeaderBytes    16 KiB  request line plus headers (Node's `maxHeaderSize`); a longer query string counts too
 *   headersTimeoutMs  10 s    to receive the request line and headers (slowloris); also an idle new connection
 *   requestTimeoutMs  30 s    to receive the whole request, body included
 *
 * Requests Node's HTTP parser refuses (malformed request line, header or chunked body; `Content-Length` with
 * `Transfer-Encoding`, ...) are answered the same way, and so is an HTTP/1.1 request without `Host`. CONNECT is
 * 404 InvalidApi.NotFound like every other method but GET and POST; an `Expect` other than 100-continue is ignored.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rules, type ActionName } from '../../generated/rules.js';
import type { ActionRules, ContractRules, Site } from '../rules-types.js';
import { parseAcs3Authorization, type ParamList } from '../signing.js';
import { checkParameters, isPresent as present, type Violation } from '../validate.js';
import { checkSignature, NonceCache, type SignatureCheck } from './auth.js';
import { buildCatalogue, catalogue as builtCatalogue, fill, type ActionCatalogue, type Catalogue, type ExampleEntry } from './catalogue.js';
import { ANONYMOUS_SUFFIX, createEmulator, type Emulator, type EmulatorOptions } from './emulator/index.js';
import { exampleResponder, type ActionHandlers, type ActionRequest, type ActionResult, type ControlRoutes } from './handlers.js';
import { parsePrefer, selectExample } from './prefer.js';
import { contentType, errorBody, negotiate, successBody, type Format } from './render.js';

export interface MockServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4010; 0 picks a free port. */
  readonly port?: number;
  /** Apply the site's rules (`x-acs-site-rules`) and messages (`x-acs-site-messages`). Default: neither site's. */
  readonly site?: Site;
  /** Verify both signing styles like the gateway. Default false: any credentials (or none) are accepted. */
  readonly verifySignatures?: boolean;
  /** AccessKeyId -> secret, for `verifySignatures`. */
  readonly accessKeys?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Per-action answers for requests that pass every check (the stateful emulator's seam). Default: examples. */
  readonly handlers?: ActionHandlers;
  /**
   * The stateful emulator (src/mock/emulator/): answers from per-account state and serves `/_emulator/...`.
   * `true` keeps the state in memory; options give a `stateFile` and more. `handlers` still win per action.
   * Throws (StateFileError) when the state file cannot be used. Default: stateless.
   */
  readonly stateful?: boolean | EmulatorOptions;
  /** Answers paths other than `/` before the static files (returns true when it did). Default: the emulator's, if any. */
  readonly controlRoutes?: ControlRoutes;
  /**
   * The contract model whose examples the mock answers and whose quotas the emulator counts (tests give a changed
   * one). Default: generated/rules.ts. Parameter rules are always generated/rules.ts's.
   */
  readonly contract?: ContractRules;
  /** The bundled description served at /openapi.json. Default: generated/openapi.json. */
  readonly contractFile?: string | URL;
  /** The bundled description served at /openapi.yaml. Default: generated/openapi.yaml. */
  readonly contractYamlFile?: string | URL;
  /** The rendered docs served under /docs/. Default: generated/docs. */
  readonly docsDir?: string | URL;
  /** Largest request body accepted; a larger one is 400 InvalidParameter and the connection is closed. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Largest request line plus headers accepted (Node's `maxHeaderSize`); more is 400 InvalidParameter and the
   * connection is closed. Default 16 KiB (Node's default).
   */
  readonly maxHeaderBytes?: number;
  /**
   * Time a client has to send the request line and headers, from its first byte (or from connecting); then it is
   * answered 400 InvalidParameter and disconnected (Node's `headersTimeout`). At most `requestTimeoutMs`. Default 10 000.
   */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (Node's `requestTimeout`); as above. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Nonces remembered at most (each for 15 minutes). Default 100 000. */
  readonly nonceCapacity?: number;
  /** Clock, in ms since the epoch (tests). Default Date.now. */
  readonly now?: () => number;
  /** Called after every API answer is written (tests, logging). */
  readonly onResponse?: (event: MockResponseEvent) => void;
  /** Called when a handler fails (the request is answered 500 InternalError). Default: console.error. */
  readonly onError?: (error: unknown, action: string | undefined) => void;
}

export type { ControlRoutes };

export interface MockResponseEvent {
  readonly method: string;
  readonly url: string;
  /** The action, once known. */
  readonly action: string | undefined;
  readonly status: number;
  readonly format: Format;
  readonly contentType: string;
  readonly requestId: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | number>>;
}

export interface MockServer {
  readonly server: Server;
  /** `http://host:port` once listening, '' before. */
  readonly url: string;
  /** Starts listening; resolves with the URL. */
  listen(): Promise<string>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
  /** The request listener, to mount the mock in another server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The stateful emulator, with `stateful`. */
  readonly emulator: Emulator | undefined;
}

/** A mock control error (not the service's): an unknown Prefer example or status. */
export const INVALID_PREFER = 'Mock.InvalidPrefer';

const EMPTY_PAIRS: ParamList = Object.freeze([]) as ParamList;
const EMPTY_BODY = Buffer.alloc(0);
/** The defaults of the limit options (also stated by `npm run mock -- --help`). */
export const MOCK_LIMIT_DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  /** Lowered to `requestTimeoutMs` when that is lower. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
} as const;
const DEFAULT_MAX_BODY = MOCK_LIMIT_DEFAULTS.maxBodyBytes;
const DEFAULT_MAX_HEADER = MOCK_LIMIT_DEFAULTS.maxHeaderBytes;
const DEFAULT_HEADERS_TIMEOUT = MOCK_LIMIT_DEFAULTS.headersTimeoutMs;
const DEFAULT_REQUEST_TIMEOUT = MOCK_LIMIT_DEFAULTS.requestTimeoutMs;
/** How long a refused connection may take to read its answer before it is destroyed anyway. */
const CLOSE_GRACE_MS = 2_000;

/** A positive integer option, or its default; anything else throws a RangeError naming the option. */
function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`createMockServer: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** generated/<name> (served as a file), from src/mock/ (tsx) or dist/src/mock/ (compiled). */
function generatedFile(name: string): URL {
  const candidates = [new URL(`../../generated/${name}`, import.meta.url), new URL(`../../../generated/${name}`, import.meta.url)];
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

/** A file path from a path or a file: URL. */
const toPath = (f: string | URL): string => (f instanceof URL || f.startsWith('file:') ? fileURLToPath(f) : f);

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};


function parsePairs(text: string): ParamList {
  if (text === '') return EMPTY_PAIRS;
  const pairs: [string, string][] = [];
  for (const pair of new URLSearchParams(text)) pairs.push(pair);
  return pairs;
}

/** Query then form pairs into one record; the first occurrence of a name wins. */
function toParams(query: ParamList, form: ParamList): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const [k, v] of query) if (params[k] === undefined) params[k] = v;
  for (const [k, v] of form) if (params[k] === undefined) params[k] = v;
  return params;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Per-request state the steps share. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  format: Format;
  action: ActionCatalogue | undefined;
}

export function createMockServer(options: MockServerOptions = {}): MockServer {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4010;
  const site = options.site;
  const verify = options.verifySignatures === true;
  const keys: ReadonlyMap<string, string> =
    options.accessKeys instanceof Map ? options.accessKeys : new Map(Object.entries((options.accessKeys ?? {}) as Record<string, string>));
  const now = options.now ?? Date.now;
  const nonces = new NonceCache(options.nonceCapacity ?? 100_000);
  const maxBody = positiveInteger('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY);
  const maxHeader = positiveInteger('maxHeaderBytes', options.maxHeaderBytes, DEFAULT_MAX_HEADER);
  const requestTimeout = positiveInteger('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT);
  const headersTimeout = positiveInteger('headersTimeoutMs', options.headersTimeoutMs, Math.min(DEFAULT_HEADERS_TIMEOUT, requestTimeout));
  if (headersTimeout > requestTimeout) throw new RangeError(`createMockServer: headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`);
  const onResponse = options.onResponse;
  const onError = options.onError ?? ((err: unknown, action: string | undefined) => console.error(`mock: ${action ?? 'request'} failed:`, err));
  const contractFile = options.contractFile ?? generatedFile('openapi.json');
  const yamlFile = options.contractYamlFile ?? generatedFile('openapi.yaml');
  const docsDir = toPath(options.docsDir ?? generatedFile('docs/')).replace(/[\\/]+$/, '');
  const contract = options.contract ?? rules;
  const catalogue: Catalogue = options.contract ? buildCatalogue(options.contract) : builtCatalogue;
  const version = rules.version;
  for (const name of Object.keys(rules.actions)) {
    if (!catalogue.actions.has(name)) throw new Error(`The contract model has no action ${name}`);
  }
  const emulator = options.stateful ? createEmulator(options.stateful === true ? {} : options.stateful, { site, contract, now }) : undefined;
  const handlers: ActionHandlers = emulator ? { ...emulator.handlers, ...options.handlers } : (options.handlers ?? {});
  const controlRoutes = options.controlRoutes ?? emulator?.controlRoutes;

  // ------------------------------------------------------------------------------------------- writing answers

  function send(x: Exchange, status: number, body: string, extra?: Record<string, string>): void {
    const headers: Record<string, string | number> = {
      'content-type': contentType(x.format),
      'content-length': Buffer.byteLength(body),
      'x-acs-request-id': x.requestId,
      ...extra,
    };
    x.res.writeHead(status, headers);
    x.res.end(body);
    onResponse?.({
      method: x.req.method ?? '',
      url: x.req.url ?? '',
      action: x.action?.action,
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
  function sendExample(x: Exchange, entry: ExampleEntry): void {
    const variant = (site && entry.bySite?.[site]) || entry;
    send(x, entry.status, fill(x.format === 'xml' ? variant.xml : variant.json, x.requestId), entry.code ? throttled(entry.code) : undefined);
  }

  /** Answers a documented error code: the action's (or the gateway's) example, or a body built from status and message. */
  function sendError(x: Exchange, code: string, detail?: { status?: number; message?: string; suffix?: string }): void {
    const entry = x.action?.errors.get(code) ?? catalogue.gatewayErrors.get(code);
    if (entry && !detail?.message && !detail?.suffix && (detail?.status === undefined || detail.status === entry.status)) {
      sendExample(x, entry);
      return;
    }
    const status = detail?.status ?? entry?.status ?? 400;
    const base = detail?.message ?? (site && entry?.siteMessages?.[site]) ?? entry?.message ?? code;
    send(x, status, errorBody(x.format, x.requestId, catalogue.hostId, code, base + (detail?.suffix ?? '')), throttled(code));
  }

  function sendViolation(x: Exchange, v: Violation): void {
    sendError(x, v.code, x.action?.errors.has(v.code) ? undefined : { status: v.status, message: v.message });
  }

  function internalError(x: Exchange, err: unknown): void {
    onError(err, x.action?.action);
    if (x.res.headersSent) {
      x.res.destroy();
      return;
    }
    sendError(x, 'InternalError', { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' });
  }

  function sendResult(x: Exchange, result: ActionResult): void {
    const action = x.action!;
    switch (result.kind) {
      case 'example': {
        const entry = result.name === undefined ? action.success[0] : action.byName.get(result.name);
        if (!entry) throw new Error(`handler asked for example "${result.name}", which ${action.action} does not document`);
        sendExample(x, entry);
        return;
      }
      case 'body':
        send(x, 200, successBody(x.format, x.requestId, action.xmlRoot, result.body));
        return;
      case 'error': {
        if (!action.errors.has(result.code) && result.status === undefined) {
          throw new Error(`handler answered ${result.code}, which ${action.action} does not document (give a status)`);
        }
        sendError(x, result.code, result.status !== undefined || result.message !== undefined ? { ...(result.status !== undefined ? { status: result.status } : {}), ...(result.message !== undefined ? { message: result.message } : {}) } : undefined);
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------- the steps

  /** The parameters step: src/validate.ts over the action's parameters, plus the common `Format` parameter. */
  function parameterViolation(action: ActionName, params: Record<string, string>, invalidFormat: boolean): Violation | undefined {
    const v = checkParameters(action, params, site ? { site } : {});
    if (!invalidFormat) return v;
    // Format (declared after the action's own parameters) breaks its schema: a 400 InvalidParameter, which loses only
    // to a lower status, or to a 400 that is missing or breaks the schema of a parameter declared before it.
    if (v && (v.status < 400 || (v.status === 400 && (v.kind === 'missing' || v.kind === 'schema')))) return v;
    const entry = (rules.actions[action] as ActionRules).errors.InvalidParameter;
    return { code: 'InvalidParameter', status: entry?.status ?? 400, message: entry?.message ?? 'Specified parameter format is not valid.', parameter: 'Format', kind: 'schema', detail: 'Format must be JSON or XML' };
  }

  function processApi(req: IncomingMessage, res: ServerResponse, queryString: string, body: Buffer): void {
    const requestId = randomUUID().toUpperCase();
    const headers = req.headers;
    const query = parsePairs(queryString);
    const ctype = header(headers, 'content-type');
    const form =
      body.length > 0 && ctype !== undefined && ctype.toLowerCase().startsWith('application/x-www-form-urlencoded') ? parsePairs(body.toString('utf8')) : EMPTY_PAIRS;
    const params = toParams(query, form);
    const { format, invalidFormat } = negotiate(params.Format, header(headers, 'accept'));
    const x: Exchange = { req, res, requestId, format, action: undefined };

    // action
    const headerAction = header(headers, 'x-acs-action');
    const paramAction = params.Action;
    const actionName = present(headerAction) ? (present(paramAction) && paramAction !== headerAction ? undefined : headerAction) : paramAction;
    const action = present(actionName) && Object.hasOwn(rules.actions, actionName) ? catalogue.actions.get(actionName) : undefined;
    if (!action) return sendError(x, 'InvalidAction.NotFound');
    x.action = action;
    const name = action.action as ActionName;

    // version
    const headerVersion = header(headers, 'x-acs-version');
    const paramVersion = params.Version;
    if (!present(headerVersion) && !present(paramVersion)) return sendError(x, 'MissingVersion');
    if ((present(headerVersion) && headerVersion !== version) || (present(paramVersion) && paramVersion !== version)) return sendError(x, 'InvalidVersion');

    // signature
    let accessKeyId: string | undefined;
    let verified = false;
    if (verify) {
      const check: SignatureCheck = checkSignature({ method: req.method ?? 'GET', pathname: '/', headers, query, form, body }, { keys, now, nonces });
      if (!check.ok) return sendError(x, check.code, check.messageSuffix !== undefined ? { suffix: check.messageSuffix } : undefined);
      accessKeyId = check.accessKeyId;
      verified = true;
    } else {
      const authorization = header(headers, 'authorization');
      accessKeyId = authorization !== undefined ? parseAcs3Authorization(authorization)?.accessKeyId : present(params.AccessKeyId) ? params.AccessKeyId : undefined;
    }
    if (emulator && !present(accessKeyId)) return sendError(x, 'IncompleteSignature', { suffix: ANONYMOUS_SUFFIX });

    // Prefer: an error example is answered as it is; a success example only for a valid request
    const pref = parsePrefer(header(headers, 'prefer'), params.__code, params.__example);
    let preferred: ExampleEntry | undefined;
    if (pref) {
      const selected = selectExample(action, pref);
      if (!selected.ok) return sendError(x, INVALID_PREFER, { status: 400, message: selected.message });
      if (selected.entry.status >= 400) return sendExample(x, selected.entry);
      preferred = selected.entry;
    }

    // parameters
    const violation = parameterViolation(name, params, invalidFormat);
    if (violation) return sendViolation(x, violation);
    if (preferred) return sendExample(x, preferred);

    // the action
    const handler = handlers[name] ?? exampleResponder;
    const request: ActionRequest = { action: name, params, accessKeyId, verified, site, requestId, format, headers };
    const result = handler(request);
    if (result && typeof (result as Promise<ActionResult>).then === 'function') {
      (result as Promise<ActionResult>).then(
        (r) => {
          try {
            sendResult(x, r);
          } catch (e) {
            internalError(x, e);
          }
        },
        (e: unknown) => internalError(x, e),
      );
      return;
    }
    sendResult(x, result as ActionResult);
  }

  // ------------------------------------------------------------------------------------------- static files

  async function serveFile(res: ServerResponse, method: string, file: string, type?: string): Promise<void> {
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': type ?? STATIC_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(method === 'HEAD' ? undefined : body);
    } catch {
      notFound(res, method, 'not built yet (run `npm run build`)');
    }
  }

  function notFound(res: ServerResponse, method: string, why: string): void {
    const body = `Not found: ${why}\n`;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(method === 'HEAD' ? undefined : body);
  }

  async function serveDocs(res: ServerResponse, method: string, path: string): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice('/docs/'.length));
    } catch {
      return notFound(res, method, 'no such document');
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(docsDir, rel));
    if (!file.startsWith(docsDir + sep) || rel.includes('\0')) return notFound(res, method, 'no such document');
    try {
      const s = await stat(file);
      if (s.isDirectory()) {
        res.writeHead(301, { location: `${path}/`, 'content-length': 0 });
        res.end();
        return;
      }
    } catch {
      return notFound(res, method, `${path} (the docs are written by \`npm run build\`)`);
    }
    return serveFile(res, method, file);
  }

  /** `/openapi.yaml`, `/openapi.json`, `/docs/...`; anything else is not an API of this endpoint. */
  function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
    const method = req.method ?? '';
    if (method === 'GET' || method === 'HEAD') {
      const done = (p: Promise<void>) => void p.catch(() => res.destroy());
      if (path === '/openapi.yaml') return done(serveFile(res, method, toPath(yamlFile), 'application/yaml; charset=utf-8'));
      if (path === '/openapi.json') return done(serveFile(res, method, toPath(contractFile), 'application/json; charset=utf-8'));
      if (path === '/docs') {
        res.writeHead(301, { location: '/docs/', 'content-length': 0 });
        res.end();
        return;
      }
      if (path.startsWith('/docs/')) return done(serveDocs(res, method, path));
    }
    const x: Exchange = { req, res, requestId: randomUUID().toUpperCase(), format: negotiate(undefined, header(req.headers, 'accept')).format, action: undefined };
    sendError(x, 'InvalidApi.NotFound');
  }

  // ------------------------------------------------------------------------------------------- the listener

  function handle(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => res.destroy());
    if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
      const x: Exchange = { req, res, requestId: randomUUID().toUpperCase(), format: negotiate(undefined, header(req.headers, 'accept')).format, action: undefined };
      res.setHeader('connection', 'close');
      return sendError(x, 'InvalidParameter', { status: 400, message: 'Specified parameter format is not valid. An HTTP/1.1 request must have a Host header.' });
    }
    let url = req.url ?? '/';
    if (!url.startsWith('/')) url = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const queryString = q < 0 ? '' : url.slice(q + 1);
    if (path !== '/') {
      if (controlRoutes?.(req, res, path, queryString)) return;
      // A body is read (and dropped) before the answer: answering, then closing while the body still arrives, resets
      // the connection, and the client can lose the answer.
      return readBody(req, false, () => serveStatic(req, res, path));
    }
    const method = req.method;
    if (method !== 'GET' && method !== 'POST') return readBody(req, false, () => serveStatic(req, res, ''));

    readBody(req, true, (body) => {
      if (body === undefined) {
        // Too large: answered at once, the connection closed after the answer; what was read so far is dropped.
        const x: Exchange = { req, res, requestId: randomUUID().toUpperCase(), format: negotiate(undefined, header(req.headers, 'accept')).format, action: undefined };
        res.setHeader('connection', 'close');
        sendError(x, 'InvalidParameter', { status: 400, message: `Specified parameter format is not valid. The request body is larger than ${maxBody} bytes.` });
        return;
      }
      try {
        processApi(req, res, queryString, body);
      } catch (e) {
        internalError({ req, res, requestId: randomUUID().toUpperCase(), format: 'json', action: undefined }, e);
      }
    });
  }

  /**
   * Reads a request body of at most maxBody bytes (with `keep` its bytes, otherwise dropped as they come), then calls
   * `done` with it; with undefined when it is larger: at once when Content-Length says so (Node has checked it is
   * digits only), otherwise as soon as it passes the limit, the bytes read so far dropped and the rest ignored.
   */
  function readBody(req: IncomingMessage, keep: boolean, done: (body: Buffer | undefined) => void): void {
    const length = header(req.headers, 'content-length');
    if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return done(EMPTY_BODY);
    if (length !== undefined && Number(length) > maxBody) return done(undefined);
    let chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBody) {
        over = true;
        chunks = [];
        done(undefined);
        return;
      }
      if (keep) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  }

  // ------------------------------------------------------------------------------------------- below the request listener

  /**
   * An error answer written straight to a socket (no request object), then the connection is closed: ended once the
   * answer is flushed, destroyed at the latest CLOSE_GRACE_MS later (a peer that never reads). The answer to a HEAD
   * request has no body (or the client would read it as the start of a next response).
   */
  function rawError(socket: Duplex, method: string, url: string, code: string, status: number, message: string): void {
    const requestId = randomUUID().toUpperCase();
    const body = errorBody('json', requestId, catalogue.hostId, code, message);
    const headers: Record<string, string | number> = { 'content-type': contentType('json'), 'content-length': Buffer.byteLength(body), 'x-acs-request-id': requestId, connection: 'close' };
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end(method === 'HEAD' ? head : head + body, () => socket.destroy());
    try {
      onResponse?.({ method, url, action: undefined, status, format: 'json', contentType: headers['content-type'] as string, requestId, body, headers });
    } catch (e) {
      onError(e, undefined);
    }
  }

  /** Sockets already answered by rawError (Node's parser reports every later chunk of a broken request again). */
  const answered = new WeakSet<Duplex>();

  /**
   * What Node's parser refuses (see the header comment) would get Node's bare `400 Bad Request`, `431 Request Header
   * Fields Too Large` or `408 Request Timeout`, without a body. The mock answers 400 InvalidParameter with an Alibaba
   * body instead: the contract documents no 408 or 431 (every action declares 400 InvalidParameter, so clients and
   * SDKs know the shape), and the message says what was wrong. A connection reset by the peer or that cannot be
   * written to is only destroyed; so is one whose answer to the broken request has started already (writing now
   * would corrupt it). When the broken bytes follow a complete request still being answered (pipelining), the error
   * is written after that answer.
   */
  function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    if (answered.has(socket)) return;
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const reason =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? `The request line and headers are larger than ${maxHeader} bytes.`
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? `The request was not received in time (headers within ${headersTimeout} ms, the whole request within ${requestTimeout} ms).`
          : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
            ? 'The chunk extensions of the request body are too large.'
            : `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}).`;
    // The method, when the request line is in the bytes Node's parser failed on (HEAD gets no body).
    const rawPacket = (err as { rawPacket?: unknown }).rawPacket;
    const sniffed = Buffer.isBuffer(rawPacket) ? /^([A-Z]{1,20}) /.exec(rawPacket.toString('latin1', 0, 21))?.[1] : undefined;
    const answer = (): void => {
      // Node's own check: the response of the request in progress on this socket, if any.
      const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (!socket.writable) {
        socket.destroy();
      } else if (inFlight && inFlight.req.complete) {
        // a complete request before the broken bytes: its answer first ('close' follows 'finish' once detached)
        inFlight.once('close', answer);
      } else if (inFlight?.headersSent) {
        socket.destroy();
      } else {
        rawError(socket, inFlight?.req.method ?? sniffed ?? '', inFlight?.req.url ?? '', 'InvalidParameter', 400, `Specified parameter format is not valid. ${reason}`);
      }
    };
    answer();
  }

  /** CONNECT (a tunnel): not an API of this endpoint, like any method but GET and POST. */
  function onConnect(req: IncomingMessage, socket: Duplex): void {
    socket.on('error', () => socket.destroy());
    const entry = catalogue.gatewayErrors.get('InvalidApi.NotFound');
    rawError(socket, req.method ?? '', req.url ?? '', 'InvalidApi.NotFound', entry?.status ?? 404, entry?.message ?? 'Specified api is not found, please check your url and method.');
  }

  const server = createServer(
    {
      keepAliveTimeout: 5_000,
      headersTimeout,
      requestTimeout,
      // Node checks the two timeouts every connectionsCheckingInterval (default 30 s): often enough to honour them.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
      maxHeaderSize: maxHeader,
      // A missing Host is answered by handle() (Node's own answer is a bare 400).
      requireHostHeader: false,
    },
    handle,
  );
  server.on('clientError', onClientError);
  server.on('connect', onConnect);
  // An Expect other than 100-continue: Node would answer a bare 417; the request is served as if it had none.
  server.on('checkExpectation', handle);
  let url = '';

  return {
    server,
    get url() {
      return url;
    },
    handle,
    emulator,
    async listen() {
      // The store first (Redis: reachable), so that a mock that listens can answer.
      await emulator?.ready();
      return new Promise<string>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const h = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          url = `http://${h}:${address.port}`;
          resolve(url);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => emulator?.close());
    },
  };
}
