/**
 * The client's retry: its options (`resolveRetry`), when an answer is retried and after how long (`retryDelayMs`:
 * Throttling* codes and 5xx, with jittered exponential backoff, honouring `x-acs-retry-after` in milliseconds), and
 * the wait itself (`sleep`, cut short by the caller's signal).
 */
import type { RetryOptions } from './types.js';
import { checkMs, optionError } from './options.js';

const RETRY_DEFAULTS: Required<RetryOptions> = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * The retry option checked (throwing InvalidClientOptions), with its defaults; off (false, undefined) is one attempt.
 */
export function resolveRetry(r: boolean | RetryOptions | undefined): Required<RetryOptions> {
  if (!r) return { ...RETRY_DEFAULTS, maxAttempts: 1 };
  const out = { ...RETRY_DEFAULTS, ...(r === true ? {} : r) };
  if (!Number.isInteger(out.maxAttempts) || out.maxAttempts < 1)
    throw optionError('retry.maxAttempts must be an integer >= 1');
  checkMs('retry.baseDelayMs', out.baseDelayMs, 0);
  checkMs('retry.maxDelayMs', out.maxDelayMs, 0);
  return out;
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(response: Response): number | undefined {
  const h = response.headers.get('x-acs-retry-after');
  if (h === null || !/^\s*\d+(\.\d+)?\s*$/.test(h)) return undefined;
  return Math.ceil(Number(h));
}

/**
 * How long to wait before the next attempt after an error answer with this code (undefined if it has none), or
 * undefined when it is not retried: not a 5xx nor a Throttling* code, no attempt left, or a wait over maxDelayMs.
 */
export function retryDelayMs(
  response: Response,
  code: string | undefined,
  attempt: number,
  retry: Required<RetryOptions>,
): number | undefined {
  if (!(response.status >= 500 || code?.startsWith('Throttling')) || attempt >= retry.maxAttempts) return undefined;
  const told = retryAfterMs(response);
  const backoff = Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  const delay = told ?? backoff;
  return delay <= retry.maxDelayMs ? delay : undefined;
}
