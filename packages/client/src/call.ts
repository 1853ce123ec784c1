/**
 * One action call of the client, from parameters to result: attempts (each with its own timeout, the caller's signal
 * honoured), retry (packages/client/src/retry.ts), and the answer read: 2xx with a JSON object body gives `{ data,
 * response }`; an error body with a code the action documents gives `{ error, response }` (string fields redacted of
 * the secret and token); anything else throws a `ResourceDirectoryResponseError`; failures to send throw the client's
 * errors.
 */
import type { ActionResult, CallOptions, RetryOptions } from './types.js';
import {
  ResourceDirectoryAbortError,
  ResourceDirectoryClientError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
  ResourceDirectoryTimeoutError,
} from './errors.js';
import { checkMs } from './options.js';
import type { FetchResult } from './send.js';
import type { AnyParams } from './wire.js';
import { resolveRetry, retryDelayMs, sleep } from './retry.js';

/** What a call needs from its client. */
export interface CallContext {
  /** The API's version (sent as Version) and its actions' documented error codes. */
  readonly version: string;
  readonly errorCodes: Readonly<Record<string, readonly string[]>>;
  /** The client's retry option, resolved; a call's own `retry` replaces it. */
  readonly retry: Required<RetryOptions>;
  /** The client's timeout of each attempt; a call's own `timeoutMs` replaces it. */
  readonly timeoutMs: number | undefined;
  readonly redact: (text: string) => string;
  /** Sends one attempt (through `raw`, ./send.ts) and reads its answer. */
  readonly send: (
    action: string,
    query: AnyParams,
    signal: AbortSignal | undefined,
    headers: CallOptions['headers'],
  ) => Promise<FetchResult>;
}

/** A parsed body as text for an error message; JSON.parse accepts nesting JSON.stringify cannot serialise. */
function showBody(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return '(a JSON body nested too deeply to show)';
  }
}

/** The error a failed attempt throws: the client's own errors as they are, a timeout, an abort, or a network error. */
function toThrown(
  redact: (text: string) => string,
  action: string,
  e: unknown,
  timeout: AbortSignal | undefined,
  timeoutMs: number | undefined,
  user: AbortSignal | undefined,
  attempt: number,
): Error {
  if (e instanceof ResourceDirectoryClientError) return e;
  if (timeout?.aborted && timeoutMs !== undefined) return new ResourceDirectoryTimeoutError(action, timeoutMs, attempt);
  if (user?.aborted) return new ResourceDirectoryAbortError('Aborted', `${action}: aborted by the caller`, { action });
  const err = e instanceof Error ? e : new Error(String(e));
  const causeOf = (err as { cause?: unknown }).cause;
  const detail = causeOf instanceof Error ? `${causeOf.name}: ${causeOf.message}` : '';
  const cause = new Error(redact(`${err.name}: ${err.message}${detail ? ` (${detail})` : ''}`));
  const code = (causeOf as { code?: unknown } | undefined)?.code ?? (err as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(cause, { code });
  return new ResourceDirectoryNetworkError('NetworkError', `${action}: the request failed: ${cause.message}`, {
    action,
    cause,
  });
}

/** A 2xx answer: its JSON object body as data, or a ResourceDirectoryResponseError. */
function successOf(
  redact: (text: string) => string,
  action: string,
  result: FetchResult,
): ActionResult<unknown, unknown> {
  const { response } = result;
  const text = typeof result.data === 'string' ? result.data : '';
  try {
    const data: unknown = JSON.parse(text);
    if (data && typeof data === 'object') return { data, response };
  } catch {
    /* below */
  }
  throw new ResourceDirectoryResponseError(
    action,
    undefined,
    response.status,
    response.headers.get('x-acs-request-id') ?? undefined,
    redact(text.slice(0, 2000)),
    'a success without a JSON object body',
  );
}

/** The error body's object (if it is one) and its redacted Code (if it is a string). */
function errorCodeOf(
  redact: (text: string) => string,
  body: unknown,
): { obj: Record<string, unknown> | undefined; code: string | undefined } {
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  return { obj, code: typeof obj?.Code === 'string' ? redact(obj.Code) : undefined };
}

/** An error answer not retried: a documented error body, redacted, or a ResourceDirectoryResponseError. */
function errorOf(
  redact: (text: string) => string,
  errorCodes: readonly string[],
  action: string,
  result: FetchResult,
  obj: Record<string, unknown> | undefined,
  code: string | undefined,
): ActionResult<unknown, unknown> {
  const { response, error: body } = result;
  const requestId =
    typeof obj?.RequestId === 'string'
      ? redact(obj.RequestId)
      : (response.headers.get('x-acs-request-id') ?? undefined);
  const documented =
    code !== undefined &&
    errorCodes.includes(code) &&
    typeof obj?.Message === 'string' &&
    typeof obj?.RequestId === 'string';
  if (!documented || !obj) {
    const text = typeof body === 'string' ? body : body === undefined ? '' : showBody(body);
    const why =
      code === undefined
        ? 'an error without an Alibaba Cloud error body'
        : errorCodes.includes(code)
          ? 'an error body without RequestId or Message'
          : `an error code ${action} does not document`;
    throw new ResourceDirectoryResponseError(
      action,
      code,
      response.status,
      requestId,
      redact(text.slice(0, 2000)),
      why,
    );
  }
  const error = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]));
  return { error, response };
}

export async function callAction(
  ctx: CallContext,
  action: string,
  params: AnyParams | undefined,
  co: CallOptions = {},
): Promise<ActionResult<unknown, unknown>> {
  const { redact } = ctx;
  const retry = co.retry === undefined ? ctx.retry : resolveRetry(co.retry);
  const timeoutMs = co.timeoutMs ?? ctx.timeoutMs;
  checkMs('timeoutMs', timeoutMs, 1);
  const user = co.signal;
  for (let attempt = 1; ; attempt++) {
    if (user?.aborted) throw toThrown(redact, action, user.reason, undefined, undefined, user, attempt);
    // No timer and no signal unless asked for.
    const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = user && timeout ? AbortSignal.any([user, timeout]) : (user ?? timeout);
    let result: FetchResult;
    try {
      result = await ctx.send(action, { Action: action, Version: ctx.version, ...(params ?? {}) }, signal, co.headers);
    } catch (e) {
      throw toThrown(redact, action, e, timeout, timeoutMs, user, attempt);
    }
    if (result.response.ok) return successOf(redact, action, result);
    const { obj, code } = errorCodeOf(redact, result.error);
    const delay = retryDelayMs(result.response, code, attempt, retry);
    if (delay === undefined) return errorOf(redact, ctx.errorCodes[action] ?? [], action, result, obj, code);
    try {
      await sleep(delay, user);
    } catch (e) {
      throw toThrown(redact, action, e, undefined, undefined, user, attempt);
    }
  }
}
