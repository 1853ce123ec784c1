/**
 * The proxy = the RPC front end + a forwarder, Prism's way: route (the contract of the request's version, its action),
 * validate (every request rule; with `errors`, a broken one is answered 400 InvalidParameter and not forwarded), then
 * produce the answer: forward (re-signed when the proxy has credentials), check the upstream's answer against the
 * contract, and pass it on with its violations (with `errors`, a broken one is answered 502). Every violation is
 * recorded. Each step returns its outcome; the front end (packages/mock/src/frontend/steps.ts) writes the one answer.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Redactor } from '@rd-contract/client/protocol';
import {
  builtError,
  newRequestId,
  writeAnswer,
  type Answer,
  type AnswerContext,
  type Reply,
} from '../frontend/answer.js';
import { tooLargeAnswer, type GuardContext } from '../frontend/http-guard.js';
import { negotiate } from '../frontend/render.js';
import { firstHeader, type RpcRequest } from '../frontend/request.js';
import { answerWith, proceed, type Outcome, type Serving, type Steps } from '../frontend/steps.js';
import { PROXY_ERRORS, type ProxyServerOptions } from './options.js';
import type { ReportCollector } from './report.js';
import { checkRequestRules, checkRoute, type RequestCheckContext, type RouteCheck } from './request-checks.js';
import { checkResponse } from './response-checks.js';
import { forwardUnchanged, resign, type Credentials, type UpstreamRequest } from './resign.js';
import { UpstreamError, type Upstream, type UpstreamResponse } from './forwarder.js';
import { errorsOf, slViolationsHeader, type ContractViolation, type ViolationRecord } from './violations.js';

/** Response headers that belong to the upstream connection, or that the proxy sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'content-length',
  'content-encoding',
]);

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
  /** The limits and the answers below the request listener, in the proxy's words (its HostId). */
  readonly guard: GuardContext;
}

/** A request routed as far as the contract knows it. */
interface Routed {
  readonly reply: Reply;
  readonly route: RouteCheck;
}

/** A request with every request rule checked, to forward. */
interface Checked extends Routed {
  readonly violations: readonly ContractViolation[];
}

function describe(v: ContractViolation): string {
  const seen = v.seen === undefined ? '' : `, seen ${JSON.stringify(v.seen)}`;
  return `${v.rule} at ${v.where}: expected ${v.expected}${seen}`;
}

function records(
  ctx: ProxyContext,
  violations: readonly ContractViolation[],
  requestId: string,
  route: RouteCheck,
): ViolationRecord[] {
  const time = new Date().toISOString();
  return violations.map((v) => {
    const record: ViolationRecord = {
      time,
      RequestId: requestId,
      action: route.action ?? null,
      version: route.version ?? null,
      ...v,
    };
    const line = ctx.redact(JSON.stringify(record));
    const clean = JSON.parse(line) as ViolationRecord;
    ctx.options.onViolation?.(line, clean);
    return clean;
  });
}

/** The proxy's own error answer (redacted of its credentials), with the violations in `sl-violations`. */
function proxyError(
  ctx: ProxyContext,
  reply: Reply,
  status: number,
  code: string,
  message: string,
  violations: readonly ContractViolation[],
): Answer {
  const built = builtError(reply, status, code, message, ctx.hostId, ctx.product);
  const body = ctx.redact(String(built.body));
  const headers: OutgoingHttpHeaders = { ...built.headers, 'content-length': Buffer.byteLength(body) };
  const sl = slViolationsHeader(violations);
  if (sl) headers['sl-violations'] = ctx.redact(sl);
  return { status, headers, body };
}

/** The upstream's answer as it is, but for the proxy's credentials (an upstream echoing them does not hand them on). */
function forwardedAnswer(
  ctx: ProxyContext,
  answer: UpstreamResponse,
  violations: readonly ContractViolation[],
): Answer {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name))
      headers[name] = Array.isArray(value) ? value.map(ctx.redact) : ctx.redact(String(value));
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
  return { status: answer.status, headers, body };
}

/** The route step: where the request goes, as far as the contract knows it; the proxy forwards it whatever it finds. */
function route(ctx: ProxyContext, r: RpcRequest): Outcome<Routed> {
  const format = negotiate(r.params.Format, firstHeader(r.headers, 'accept')).format;
  return proceed({ reply: { requestId: newRequestId(ctx.guard), format }, route: checkRoute(r, ctx.checks) });
}

/** The validate step: every request rule; with `errors`, a broken one is answered here and nothing is forwarded. */
function validate(ctx: ProxyContext, r: RpcRequest, routed: Routed): Outcome<Checked> {
  const violations = [...routed.route.violations, ...checkRequestRules(r, routed.route, ctx.checks)];
  const errors = errorsOf(violations);
  if (!ctx.options.errors || errors.length === 0) return proceed({ ...routed, violations });
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more in sl-violations)` : '';
  const refused = `The contract proxy refused the request: ${describe(errors[0]!)}${more}`;
  const message = `Specified parameter format is not valid. ${refused}`;
  const refusal = proxyError(ctx, routed.reply, 400, 'InvalidParameter', message, violations);
  ctx.collector.exchange('refused', records(ctx, violations, routed.reply.requestId, routed.route));
  return answerWith(refusal);
}

/** The forward step, then the output check: the upstream's answer (or why there is none), checked and recorded. */
async function forward(ctx: ProxyContext, r: RpcRequest, checked: Checked): Promise<Answer> {
  const { reply, route: routed, violations } = checked;
  const outgoing: UpstreamRequest = ctx.credentials
    ? resign(r, ctx.upstream.host, ctx.credentials, ctx.checks.shared.commonParameters.signingRequired)
    : forwardUnchanged(r, ctx.upstream.host);
  let answer: UpstreamResponse;
  try {
    answer = await ctx.upstream.send(outgoing);
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    const code =
      e.kind === 'timeout'
        ? 'Proxy.UpstreamTimeout'
        : e.kind === 'too-large'
          ? 'Proxy.UpstreamResponseTooLarge'
          : 'Proxy.UpstreamUnreachable';
    ctx.options.onUpstreamError?.(ctx.redact(`${routed.action ?? 'request'} ${reply.requestId}: ${e.message}`));
    const failure = proxyError(
      ctx,
      reply,
      PROXY_ERRORS[code],
      code,
      `The contract proxy got no answer it could pass on: ${e.message}.`,
      violations,
    );
    ctx.collector.exchange('upstream-failure', records(ctx, violations, reply.requestId, routed));
    return failure;
  }

  const response = checkResponse(answer, {
    contract: routed.contract,
    action: routed.action,
    format: r.params.Format,
    accept: firstHeader(r.headers, 'accept'),
    strictFields: ctx.options.strictFields === true,
  });
  const all = [...violations, ...response.violations];
  const requestId = response.requestId ?? reply.requestId;
  const responseErrors = errorsOf(response.violations);
  let passed: Answer;
  if (ctx.options.errors && responseErrors.length > 0) {
    const more = responseErrors.length > 1 ? ` (and ${responseErrors.length - 1} more in sl-violations)` : '';
    const broken = describe(responseErrors[0]!);
    const message = `The upstream's answer (${answer.status}) breaks the contract: ${broken}${more}`;
    passed = proxyError(
      ctx,
      { ...reply, requestId },
      PROXY_ERRORS['Proxy.ResponseViolation'],
      'Proxy.ResponseViolation',
      message,
      all,
    );
  } else {
    passed = forwardedAnswer(ctx, answer, all);
  }
  ctx.collector.exchange('answered', records(ctx, all, requestId, routed));
  return passed;
}

/** The proxy's steps: route, validate, forward (with the output check). */
export const proxySteps: Steps<ProxyContext, Routed, Checked> = { route, validate, produce: forward };

/**
 * How the proxy answers around its steps: a body too large, a failure (500, told to `onUpstreamError`), the
 * writing.
 */
export function proxyServing(ctx: ProxyContext): Serving {
  const noEvents: Pick<AnswerContext, 'onResponse'> = { onResponse: undefined };
  return {
    maxBody: ctx.guard.limits.maxBody,
    tooLarge: (req) => tooLargeAnswer(ctx.guard, req),
    failed: (_req, e) => {
      ctx.options.onUpstreamError?.(ctx.redact(`proxy failure: ${(e as Error)?.message ?? String(e)}`));
      const message = 'The request processing has failed due to some unknown error, exception or failure.';
      return proxyError(ctx, { requestId: newRequestId(ctx.guard), format: 'json' }, 500, 'InternalError', message, []);
    },
    write: (req, res, a) => writeAnswer(noEvents, req, res, a),
  };
}
