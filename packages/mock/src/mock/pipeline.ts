/**
 * The mock's request pipeline (the steps of packages/mock/src/mock/server.ts's header, in the contract's `x-acs-error-precedence`):
 * route by path and method, read the body within its limit, collect the parameters (query, then a form body), then
 * action (`x-acs-action` / `Action`), version, signature, Prefer, parameters (packages/client/src/protocol/validate.ts), and the action's
 * handler. Each step that refuses answers through packages/mock/src/frontend/answer.ts.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ActionName, ApiName, ContractModel } from '@rd-contract/contract';
import { parseAcs3Authorization, type ParamList } from '@rd-contract/client/protocol';
import { checkParameters, isPresent as present, type Violation } from '@rd-contract/client/protocol';
import { internalError, newRequestId, sendError, sendExample, sendResult, sendViolation, type Exchange } from '../frontend/answer.js';
import { checkSignature, type NonceCache, type SignatureCheck } from '../frontend/auth.js';
import type { ActionCatalogue, Catalogue, ExampleEntry } from '../frontend/catalogue.js';
import { ANONYMOUS_SUFFIX } from '../emulator/index.js';
import { exampleResponder, type ActionHandlers, type ActionRequest, type ActionResult, type ControlRoutes } from '../frontend/responder.js';
import { readBody, refusedWithoutHost, refuseTooLarge, type GuardContext } from '../frontend/http-guard.js';
import { parsePrefer, selectExample } from './prefer.js';
import { negotiate } from '../frontend/render.js';
import { serveStatic, type StaticContext } from './static.js';

/** A mock control error (not the service's): an unknown Prefer example or status. */
export const INVALID_PREFER = 'Mock.InvalidPrefer';

/** Everything the pipeline needs from its server: built once by createMockServer, passed to every step. */
export interface PipelineContext extends StaticContext, GuardContext {
  /** The contract the mock answers from. */
  readonly contract: ContractModel;
  /** Every API the mock serves, by the version a request names (`Version` / `x-acs-version`), with its catalogue. */
  readonly apisByVersion: ReadonlyMap<string, { readonly api: ApiName; readonly catalogue: Catalogue }>;
  /** Every action of any API served (the action step, before the version is known). */
  readonly actionNames: ReadonlySet<string>;
  /** Verify signatures with these keys, clock and nonces. */
  readonly verify: boolean;
  readonly keys: ReadonlyMap<string, string>;
  readonly now: () => number;
  readonly nonces: NonceCache;
  /** Stateful: a request without an AccessKeyId is refused after the signature step. */
  readonly refuseAnonymous: boolean;
  readonly handlers: ActionHandlers;
  readonly controlRoutes: ControlRoutes | undefined;
}

/** The request's parameters and what was read to get them. */
interface Collected {
  readonly query: ParamList;
  readonly form: ParamList;
  readonly params: Record<string, string>;
}

const EMPTY_PAIRS: ParamList = Object.freeze([]) as ParamList;

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

/** The parameters: the query string's, then an `application/x-www-form-urlencoded` body's. */
function collectParameters(headers: IncomingHttpHeaders, queryString: string, body: Buffer): Collected {
  const query = parsePairs(queryString);
  const ctype = header(headers, 'content-type');
  const form =
    body.length > 0 && ctype !== undefined && ctype.toLowerCase().startsWith('application/x-www-form-urlencoded') ? parsePairs(body.toString('utf8')) : EMPTY_PAIRS;
  return { query, form, params: toParams(query, form) };
}

/** The request listener: the route step, then the body, then the API steps. */
export function handleRequest(ctx: PipelineContext, req: IncomingMessage, res: ServerResponse): void {
  req.on('error', () => res.destroy());
  if (refusedWithoutHost(ctx, req, res)) return;
  let url = req.url ?? '/';
  if (!url.startsWith('/')) url = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const queryString = q < 0 ? '' : url.slice(q + 1);
  const maxBody = ctx.limits.maxBody;
  if (path !== '/') {
    if (ctx.controlRoutes?.(req, res, path, queryString)) return;
    // A body is read (and dropped) before the answer: answering, then closing while the body still arrives, resets
    // the connection, and the client can lose the answer.
    return readBody(maxBody, req, false, () => serveStatic(ctx, req, res, path));
  }
  const method = req.method;
  if (method !== 'GET' && method !== 'POST') return readBody(maxBody, req, false, () => serveStatic(ctx, req, res, ''));

  readBody(maxBody, req, true, (body) => {
    if (body === undefined) return refuseTooLarge(ctx, req, res);
    try {
      processApi(ctx, req, res, queryString, body);
    } catch (e) {
      internalError(ctx, { req, res, requestId: newRequestId(), format: 'json', action: undefined }, e);
    }
  });
}

/**
 * The action step: `x-acs-action` or `Action` (both given, they must agree), an action of one of the APIs served.
 * Returns its name (the API, and so the action's contract, is known after the version step).
 */
function actionStep(ctx: PipelineContext, x: Exchange, params: Record<string, string>): string | undefined {
  const headerAction = header(x.req.headers, 'x-acs-action');
  const paramAction = params.Action;
  const actionName = present(headerAction) ? (present(paramAction) && paramAction !== headerAction ? undefined : headerAction) : paramAction;
  if (present(actionName) && ctx.actionNames.has(actionName)) return actionName;
  sendError(ctx, x, 'InvalidAction.NotFound');
  return undefined;
}

/**
 * The version step: `x-acs-version` and `Version`, at least one given, each naming the same API served. That API
 * must have the action: one it lacks (InitResourceDirectory on 2022-04-19) is answered as the gateway answers an
 * unknown action. Returns the API.
 */
function versionStep(ctx: PipelineContext, x: Exchange, params: Record<string, string>, actionName: string): ApiName | undefined {
  const headerVersion = header(x.req.headers, 'x-acs-version');
  const paramVersion = params.Version;
  if (!present(headerVersion) && !present(paramVersion)) {
    sendError(ctx, x, 'MissingVersion');
    return undefined;
  }
  const served = ctx.apisByVersion.get((present(headerVersion) ? headerVersion : paramVersion) as string);
  if (!served || (present(headerVersion) && present(paramVersion) && headerVersion !== paramVersion)) {
    sendError(ctx, x, 'InvalidVersion');
    return undefined;
  }
  x.catalogue = served.catalogue;
  x.action = served.catalogue.actions.get(actionName);
  if (!x.action) {
    sendError(ctx, x, 'InvalidAction.NotFound');
    return undefined;
  }
  return served.api;
}

/**
 * The signature step: with `verify`, both signing styles checked (packages/mock/src/frontend/auth.ts); otherwise the AccessKeyId only
 * read. Stateful, a request without one is refused. Returns the caller, or undefined once answered.
 */
function signatureStep(ctx: PipelineContext, x: Exchange, c: Collected, body: Buffer): { accessKeyId: string | undefined; verified: boolean } | undefined {
  const headers = x.req.headers;
  let accessKeyId: string | undefined;
  let verified = false;
  if (ctx.verify) {
    const check: SignatureCheck = checkSignature({ method: x.req.method ?? 'GET', pathname: '/', headers, query: c.query, form: c.form, body }, { signingRequired: ctx.contract.shared.commonParameters.signingRequired, keys: ctx.keys, now: ctx.now, nonces: ctx.nonces });
    if (!check.ok) {
      sendError(ctx, x, check.code, check.messageSuffix !== undefined ? { suffix: check.messageSuffix } : undefined);
      return undefined;
    }
    accessKeyId = check.accessKeyId;
    verified = true;
  } else {
    const authorization = header(headers, 'authorization');
    accessKeyId = authorization !== undefined ? parseAcs3Authorization(authorization)?.accessKeyId : present(c.params.AccessKeyId) ? c.params.AccessKeyId : undefined;
  }
  if (ctx.refuseAnonymous && !present(accessKeyId)) {
    sendError(ctx, x, 'IncompleteSignature', { suffix: ANONYMOUS_SUFFIX });
    return undefined;
  }
  return { accessKeyId, verified };
}

/**
 * The Prefer step: an error example is answered as it is (returns false); a success example is returned, to be
 * answered only for a valid request; no Prefer gives undefined.
 */
function preferStep(ctx: PipelineContext, x: Exchange, params: Record<string, string>): ExampleEntry | undefined | false {
  const pref = parsePrefer(header(x.req.headers, 'prefer'), params.__code, params.__example);
  if (!pref) return undefined;
  const selected = selectExample(x.action!, pref);
  if (!selected.ok) {
    sendError(ctx, x, INVALID_PREFER, { status: 400, message: selected.message });
    return false;
  }
  if (selected.entry.status >= 400) {
    sendExample(ctx, x, selected.entry);
    return false;
  }
  return selected.entry;
}

/** The parameters step: packages/client/src/protocol/validate.ts over the action's parameters, plus the common `Format` parameter. */
function parameterViolation(ctx: PipelineContext, api: ApiName, action: ActionCatalogue, params: Record<string, string>, invalidFormat: boolean): Violation | undefined {
  const v = checkParameters(action.action as ActionName, params, { contract: ctx.contract, api, ...(ctx.site ? { site: ctx.site } : {}) });
  if (!invalidFormat) return v;
  // Format (declared after the action's own parameters) breaks its schema: a 400 InvalidParameter, which loses only
  // to a lower status, or to a 400 that is missing or breaks the schema of a parameter declared before it.
  if (v && (v.status < 400 || (v.status === 400 && (v.kind === 'missing' || v.kind === 'schema')))) return v;
  const entry = action.errors.get('InvalidParameter');
  return { code: 'InvalidParameter', status: entry?.status ?? 400, message: entry?.message ?? 'Specified parameter format is not valid.', parameter: 'Format', kind: 'schema', detail: 'Format must be JSON or XML' };
}

/** The handler step: `handlers[action]` (default: the contract's example), its result written, sync or async. */
function dispatch(ctx: PipelineContext, x: Exchange, request: ActionRequest): void {
  const handler = ctx.handlers[request.action] ?? exampleResponder;
  const result = handler(request);
  if (result && typeof (result as Promise<ActionResult>).then === 'function') {
    (result as Promise<ActionResult>).then(
      (r) => {
        try {
          sendResult(ctx, x, r);
        } catch (e) {
          internalError(ctx, x, e);
        }
      },
      (e: unknown) => internalError(ctx, x, e),
    );
    return;
  }
  sendResult(ctx, x, result as ActionResult);
}

/** The API steps for a request to `/` with its body read. */
function processApi(ctx: PipelineContext, req: IncomingMessage, res: ServerResponse, queryString: string, body: Buffer): void {
  const requestId = newRequestId();
  const headers = req.headers;
  const collected = collectParameters(headers, queryString, body);
  const params = collected.params;
  const { format, invalidFormat } = negotiate(params.Format, header(headers, 'accept'));
  const x: Exchange = { req, res, requestId, format, action: undefined };

  const actionName = actionStep(ctx, x, params);
  if (actionName === undefined) return;
  const api = versionStep(ctx, x, params, actionName);
  if (api === undefined) return;
  const name = x.action!.action as ActionName;
  const caller = signatureStep(ctx, x, collected, body);
  if (!caller) return;
  const preferred = preferStep(ctx, x, params);
  if (preferred === false) return;
  const violation = parameterViolation(ctx, api, x.action!, params, invalidFormat);
  if (violation) return sendViolation(ctx, x, violation);
  if (preferred) return sendExample(ctx, x, preferred);
  dispatch(ctx, x, { action: name, api, params, accessKeyId: caller.accessKeyId, verified: caller.verified, site: ctx.site, requestId, format, headers });
}
