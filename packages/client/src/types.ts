/** The client's own types: what a call resolves with, and the options of a call. */
import type { Site } from '@rd-contract/contract';

export type { Site };

/** openapi-fetch's result shape: `data` on success, `error` (a documented error body) otherwise, and the response. */
export type ActionResult<Data, Err> =
  { data: Data; error?: never; response: Response } | { data?: never; error: Err; response: Response };

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff delay; it doubles per attempt, with full jitter. Default 200 ms. */
  baseDelayMs?: number;
  /**
   * The longest the client waits before a retry. Default 10 000 ms. When the server's `x-acs-retry-after` asks for
   * longer, the client does not retry early: it returns the error instead.
   */
  maxDelayMs?: number;
}

/** Per-call options; each overrides the client's own. */
export interface CallOptions {
  /** Aborts the call (the request in flight and any wait before a retry). */
  signal?: AbortSignal;
  /** Time limit of each attempt, in milliseconds (headers and body). */
  timeoutMs?: number;
  /** `true` for the defaults, `false` for one attempt, or the settings. */
  retry?: boolean | RetryOptions;
  /**
   * Headers of this call's own, sent as given and not signed, e.g. `{ Prefer: 'code=409,
   * example=EntityAlreadyExists.ResourceDirectory' }` to pick one of the mock's documented answers. A header the client
   * sets or signs (`host`, `authorization`, `accept`, `content-type`, `content-length`, `x-acs-*`) is refused:
   * InvalidClientOptions, nothing is sent.
   */
  headers?: Readonly<Record<string, string>>;
}
