// Copied by npm run build from scripts/templates/client-types.ts. Do not edit here.
/**
 * Types shared by the client (src/client.ts) and its generated per-action surface (generated/client.ts). The build
 * (scripts/gen-20-client.ts) copies this file to generated/client-types.ts, so that generated/ imports nothing from
 * src/; edit it here. src/client-types.ts re-exports it.
 */
import type { Site } from './contract-types.js';

export type { Site };

/** openapi-fetch's result shape: `data` on success, `error` (a documented error body) otherwise, and the response. */
export type ActionResult<Data, Err> =
  | { data: Data; error?: never; response: Response }
  | { data?: never; error: Err; response: Response };

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
}
