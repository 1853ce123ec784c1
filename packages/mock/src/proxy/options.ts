/** The contract proxy's options, defaults and own error codes. */
import type { ApiName, ContractModel, Site } from '@rd-contract/contract';
import type { Credentials } from './resign.js';
import type { ViolationRecord } from './violations.js';

export interface ProxyServerOptions {
  /** The contract both directions are checked against. Default: the `contract` of @rd-contract/contract. */
  readonly contract?: ContractModel;
  /** The API whose product the proxy's own error bodies name. Default: the contract's `defaultApi`. */
  readonly defaultApi?: ApiName;
  /**
   * Where requests go, e.g. `https://resourcemanager.aliyuncs.com` (an http(s) origin; a path other than `/` is
   * refused).
   */
  readonly upstream: string | URL;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4011; 0 picks a free port. */
  readonly port?: number;
  /** Re-sign every request for the upstream with these. Default: none, requests are forwarded as signed. */
  readonly credentials?: Credentials;
  /** Also check the site's parameter rules (`x-acs-site-rules`). */
  readonly site?: Site;
  /** A request violation is answered 400 without forwarding, a response violation 502. Default false (report only). */
  readonly errors?: boolean;
  /** Undocumented response fields are errors, not info. Default false. */
  readonly strictFields?: boolean;
  /** CORS for browsers (packages/mock/src/frontend/cors.ts): `*` or one origin. Default off. */
  readonly cors?: string;
  /** Time for the upstream's whole answer, in ms. Default 30 000. */
  readonly upstreamTimeoutMs?: number;
  /** Largest request body. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest upstream answer. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** Each violation, redacted, with its JSON line. Default: none. */
  readonly onViolation?: (line: string, record: ViolationRecord) => void;
  /** When the upstream timed out or could not be reached (the message is redacted). */
  readonly onUpstreamError?: (message: string) => void;
}

/** Options with the contract given (the proxy's entry point, ./index.ts, gives the default). */
export type ProxyServerSetup = ProxyServerOptions & { readonly contract: ContractModel };

export const PROXY_DEFAULTS = {
  port: 4011,
  upstreamTimeoutMs: 30_000,
  maxBodyBytes: 1024 * 1024,
  maxResponseBytes: 10 * 1024 * 1024,
} as const;

/** The proxy's own error codes (not Alibaba's), with their statuses. */
export const PROXY_ERRORS = {
  'Proxy.UpstreamTimeout': 504,
  'Proxy.UpstreamUnreachable': 502,
  'Proxy.UpstreamResponseTooLarge': 502,
  'Proxy.ResponseViolation': 502,
} as const;
