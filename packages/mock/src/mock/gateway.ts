/**
 * The mock = the RPC front end + a responder. Its steps are the gateway's, in the contract's `x-acs-error-precedence`
 * (see packages/mock/src/mock/server.ts's header): route (action, then version), validate (signature, Prefer,
 * parameters with packages/client/src/protocol/validate.ts), then produce the answer: a Prefer'd example, or the
 * action's handler (the contract's example by default, the emulator's when stateful), unless a fault rule applies
 * (packages/mock/src/control/faults.ts). Each step returns its outcome; the request listener routes by path and method
 * and writes the one answer, and tells the journal and the coverage counts about it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActionName, ApiName, ContractModel } from '@rd-contract/contract';
import { checkParameters, type Violation } from '@rd-contract/client/protocol';
import { compileSchema } from '../frontend/schema-compiler.js';
import {
  errorAnswer,
  exampleAnswer,
  internalErrorAnswer,
  newRequestId,
  resultAnswer,
  violationAnswer,
  writeAnswer,
  type Answer,
  type Reply,
} from '../frontend/answer.js';
import { checkSignature, claimedAccessKeyId, type NonceCache } from '../frontend/auth.js';
import type { ActionCatalogue, Catalogue, ExampleEntry } from '../frontend/catalogue.js';
import { ANONYMOUS_SUFFIX } from '../emulator/index.js';
import { exampleResponder, type ActionHandlers, type ActionResult, type ControlRoutes } from '../frontend/responder.js';
import { hostRefusal, readBody, tooLargeAnswer, type GuardContext } from '../frontend/http-guard.js';
import {
  firstHeader,
  namedValue,
  present,
  requestedAction,
  requestedVersion,
  splitTarget,
  type RpcRequest,
} from '../frontend/request.js';
import { answerWith, isPromise, proceed, serveRpc, type Outcome, type Serving, type Steps } from '../frontend/steps.js';
import { parsePrefer, selectExample } from './prefer.js';
import { negotiate } from '../frontend/render.js';
import { serveStatic, type StaticContext } from './static.js';
import type { MockControl } from '../control/routes.js';

/** A mock control error (not the service's): an unknown Prefer example or status. */
export const INVALID_PREFER = 'Mock.InvalidPrefer';

/** Everything the gateway needs from its server: built once by createMockServer. */
export interface GatewayContext extends StaticContext, GuardContext {
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
  /** The journal, the fault rules and the coverage counts (packages/mock/src/control/). */
  readonly control: MockControl;
  /** The mock's clock (the journal's times): `clock`, else `now`. */
  readonly clock: () => number;
}

/** A request routed to an action of an API served. */
interface Routed {
  readonly api: ApiName;
  readonly to: Reply & { readonly catalogue: Catalogue; readonly action: ActionCatalogue };
  /** `Format` was given, and is neither JSON nor XML. */
  readonly invalidFormat: boolean;
}

/** A routed request that passed the signature, Prefer and parameter steps. */
interface Valid extends Routed {
  readonly accessKeyId: string | undefined;
  readonly verified: boolean;
  /** A success example asked for with Prefer. */
  readonly preferred: ExampleEntry | undefined;
}

/**
 * The route steps: the action (`x-acs-action` or `Action`, both agreeing, an action of one of the APIs served), then
 * the version (`x-acs-version` or `Version`, at least one, naming the same API served). That API must have the
 * action: one it lacks (InitResourceDirectory on 2022-04-19) is answered as the gateway answers an unknown action.
 */
function route(ctx: GatewayContext, r: RpcRequest): Outcome<Routed> {
  const { format, invalidFormat } = negotiate(r.params.Format, firstHeader(r.headers, 'accept'));
  const reply: Reply = { requestId: newRequestId(ctx), format };
  const action = requestedAction(r);
  const version = requestedVersion(r);
  if (action.given !== 'one' || !ctx.actionNames.has(action.value)) {
    // The gateway of the API the request names answers (its HostId, its product in Recommend); without a version the
    // mock serves, the default API's.
    const named = version.given === 'one' ? ctx.apisByVersion.get(version.value) : undefined;
    return answerWith(
      errorAnswer(ctx, named ? { ...reply, catalogue: named.catalogue } : reply, 'InvalidAction.NotFound'),
    );
  }
  if (version.given === 'none') return answerWith(errorAnswer(ctx, reply, 'MissingVersion'));
  const served = version.given === 'one' ? ctx.apisByVersion.get(version.value) : undefined;
  if (!served) return answerWith(errorAnswer(ctx, reply, 'InvalidVersion'));
  const catalogued = served.catalogue.actions.get(action.value);
  if (!catalogued)
    return answerWith(errorAnswer(ctx, { ...reply, catalogue: served.catalogue }, 'InvalidAction.NotFound'));
  // Spelled out: V8 in Node 20 builds `{ ...reply, catalogue, action }` about 50 times slower than this literal (1.6
  // µs; `npm run bench -- --quick` measures both), and this runs for every routed request (docs/performance.md).
  const to = { requestId: reply.requestId, format: reply.format, catalogue: served.catalogue, action: catalogued };
  return proceed({ api: served.api, to, invalidFormat });
}

/**
 * The signature step: with `verify`, both signing styles checked (packages/mock/src/frontend/auth.ts); otherwise the
 * AccessKeyId only read. Stateful, a request without one is refused.
 */
function signatureStep(
  ctx: GatewayContext,
  r: RpcRequest,
  to: Reply,
): Outcome<{ accessKeyId: string | undefined; verified: boolean }> {
  let accessKeyId: string | undefined;
  let verified = false;
  if (ctx.verify) {
    const signingRequired = ctx.contract.shared.commonParameters.signingRequired;
    const check = checkSignature(r, { signingRequired, keys: ctx.keys, now: ctx.now, nonces: ctx.nonces });
    if (!check.ok)
      return answerWith(
        errorAnswer(
          ctx,
          to,
          check.code,
          check.messageSuffix !== undefined ? { suffix: check.messageSuffix } : undefined,
        ),
      );
    accessKeyId = check.accessKeyId;
    verified = true;
  } else {
    accessKeyId = claimedAccessKeyId(r);
  }
  if (ctx.refuseAnonymous && !present(accessKeyId))
    return answerWith(errorAnswer(ctx, to, 'IncompleteSignature', { suffix: ANONYMOUS_SUFFIX }));
  return proceed({ accessKeyId, verified });
}

/**
 * The Prefer step: an error example is answered as it is; a success example is given back, to be answered only for a
 * valid request; no Prefer gives undefined.
 */
function preferStep(ctx: GatewayContext, r: RpcRequest, to: Routed['to']): Outcome<ExampleEntry | undefined> {
  const pref = parsePrefer(firstHeader(r.headers, 'prefer'), r.params.__code, r.params.__example);
  if (!pref) return proceed(undefined);
  const selected = selectExample(to.action, pref);
  if (!selected.ok) return answerWith(errorAnswer(ctx, to, INVALID_PREFER, { status: 400, message: selected.message }));
  return selected.entry.status >= 400 ? answerWith(exampleAnswer(ctx, to, selected.entry)) : proceed(selected.entry);
}

/**
 * The parameters step: packages/client/src/protocol/validate.ts over the action's parameters, plus the common
 * `Format` parameter.
 */
function parameterViolation(ctx: GatewayContext, r: RpcRequest, routed: Routed): Violation | undefined {
  const { api, to, invalidFormat } = routed;
  const v = checkParameters(to.action.action as ActionName, r.params, {
    contract: ctx.contract,
    compileSchema,
    api,
    ...(ctx.site ? { site: ctx.site } : {}),
  });
  if (!invalidFormat) return v;
  // Format (declared after the action's own parameters) breaks its schema: a 400 InvalidParameter, which loses only
  // to a lower status, or to a 400 that is missing or breaks the schema of a parameter declared before it.
  if (v && (v.status < 400 || (v.status === 400 && (v.kind === 'missing' || v.kind === 'schema')))) return v;
  const entry = to.action.errors.get('InvalidParameter');
  return {
    code: 'InvalidParameter',
    status: entry?.status ?? 400,
    message: entry?.message ?? 'Specified parameter format is not valid.',
    parameter: 'Format',
    kind: 'schema',
    detail: 'Format must be JSON or XML',
  };
}

function validate(ctx: GatewayContext, r: RpcRequest, routed: Routed): Outcome<Valid> {
  const caller = signatureStep(ctx, r, routed.to);
  if (!caller.ok) return caller;
  const preferred = preferStep(ctx, r, routed.to);
  if (!preferred.ok) return preferred;
  const violation = parameterViolation(ctx, r, routed);
  if (violation) return answerWith(violationAnswer(ctx, routed.to, violation));
  // Spelled out, not spread: see the route step.
  const { accessKeyId, verified } = caller.value;
  return proceed({
    api: routed.api,
    to: routed.to,
    invalidFormat: routed.invalidFormat,
    accessKeyId,
    verified,
    preferred: preferred.value,
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The answer, unless a fault rule applies (packages/mock/src/control/faults.ts): its wait first, then its reset or its
 * documented error, or the usual answer.
 */
function produce(ctx: GatewayContext, r: RpcRequest, valid: Valid): Answer | Promise<Answer> {
  const { to } = valid;
  const fault =
    ctx.control.faults.size === 0
      ? undefined
      : ctx.control.faults.draw(to.catalogue.version, to.action.action, valid.accessKeyId);
  if (!fault) return answerFor(ctx, r, valid);
  const faulted = (): Answer | Promise<Answer> => {
    if (fault.reset) return { status: 0, headers: {}, body: '', to, reset: true, fault: fault.index };
    if (fault.error !== undefined) return { ...errorAnswer(ctx, to, fault.error), fault: fault.index };
    const a = answerFor(ctx, r, valid);
    return isPromise(a) ? Promise.resolve(a).then((x) => ({ ...x, fault: fault.index })) : { ...a, fault: fault.index };
  };
  return fault.delayMs > 0 ? delay(fault.delayMs).then(faulted) : faulted();
}

/**
 * The usual answer: a Prefer'd success example, or the action's handler (default: the contract's example), at once
 * when the handler answered at once; a handler that fails gets 500 InternalError (told to `onError`).
 */
function answerFor(ctx: GatewayContext, r: RpcRequest, valid: Valid): Answer | Promise<Answer> {
  const { to } = valid;
  if (valid.preferred) return exampleAnswer(ctx, to, valid.preferred);
  const action = to.action.action as ActionName;
  const handler = ctx.handlers[action] ?? exampleResponder;
  // No closure bound to a name here: tsx (`npm run mock`) would define its name on every request, about 250 ns.
  try {
    const result = handler({
      action,
      api: valid.api,
      params: r.params,
      accessKeyId: valid.accessKeyId,
      verified: valid.verified,
      site: ctx.site,
      requestId: to.requestId,
      format: to.format,
      headers: r.headers,
    });
    if (!isPromise(result)) return resultAnswer(ctx, to, result);
    return Promise.resolve(result)
      .then((answered: ActionResult) => resultAnswer(ctx, to, answered))
      .catch((e: unknown) => internalErrorAnswer(ctx, to, e));
  } catch (e) {
    return internalErrorAnswer(ctx, to, e);
  }
}

/** The mock's steps. */
export const gatewaySteps: Steps<GatewayContext, Routed, Valid> = { route, validate, produce };

/** Tells the journal and the coverage counts about an answer to an RPC request. */
function record(ctx: GatewayContext, request: RpcRequest, a: Answer): void {
  const { journal, coverage } = ctx.control;
  const to = a.to;
  const api = to?.catalogue?.api;
  const action = to?.action?.action;
  if (api !== undefined && action !== undefined) coverage.record(api, action, a.status, a.code);
  if (journal.capacity === 0) return;
  journal.record({
    time: request.receivedAt ?? ctx.clock(),
    durationMs: performance.now() - request.startedAt,
    api,
    // A routed request named its API's version and the action; only an answer before routing reads them again.
    version: to?.catalogue !== undefined ? to.catalogue.version : namedValue(requestedVersion(request)),
    action: action ?? namedValue(requestedAction(request)),
    accessKeyId: claimedAccessKeyId(request),
    query: request.queryString,
    form: request.form.length > 0 ? request.body.toString('utf8') : undefined,
    status: a.reset ? 0 : a.status,
    code: a.code,
    requestId: to?.requestId ?? String(a.headers['x-acs-request-id'] ?? ''),
    fault: a.fault,
  });
}

/**
 * The request listener: a request without Host is refused; paths other than `/` go to the control routes, then to
 * the static files (their bodies read and dropped first); `/` takes GET and POST, through the gateway's steps.
 */
export function createRequestListener(ctx: GatewayContext): (req: IncomingMessage, res: ServerResponse) => void {
  const serving: Serving = {
    maxBody: ctx.limits.maxBody,
    // Only the journal reads the time a request arrived: with `--journal-size 0` no clock is read per request.
    clock: ctx.control.journal.capacity === 0 ? undefined : ctx.clock,
    tooLarge: (req) => tooLargeAnswer(ctx, req),
    failed: (_req, e) => internalErrorAnswer(ctx, { requestId: newRequestId(ctx), format: 'json' }, e),
    write: (req, res, a, request) => {
      writeAnswer(ctx, req, res, a);
      if (request) record(ctx, request, a);
    },
  };
  const write = (req: IncomingMessage, res: ServerResponse, a: Answer | Promise<Answer>) => {
    if (isPromise(a))
      a.then(
        (x) => serving.write(req, res, x),
        () => res.destroy(),
      );
    else serving.write(req, res, a);
  };
  return (req, res) => {
    req.on('error', () => res.destroy());
    const refused = hostRefusal(ctx, req);
    if (refused) return serving.write(req, res, refused);
    const target = splitTarget(req.url ?? '/');
    if (target.path !== '/') {
      if (ctx.controlRoutes?.(req, res, target.path, target.queryString)) return;
      // A body is read (and dropped) before the answer: answering, then closing while the body still arrives, resets
      // the connection, and the client can lose the answer.
      return readBody(ctx.limits.maxBody, req, false, () => write(req, res, serveStatic(ctx, req, target.path)));
    }
    if (req.method !== 'GET' && req.method !== 'POST')
      return readBody(ctx.limits.maxBody, req, false, () => write(req, res, serveStatic(ctx, req, '')));
    serveRpc(serving, gatewaySteps, ctx, req, res, target);
  };
}
