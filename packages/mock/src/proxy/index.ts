/**
 * The contract proxy as a library: `createProxyServer({ upstream, credentials, ... })`. See
 * packages/mock/src/proxy/server.ts. Here the proxy meets @rd-contract/contract: without a `contract` option it checks
 * traffic against that package's `contract` value.
 */
import { contract as packagedContract } from '@rd-contract/contract';
import { createProxyServer as createProxyServerFor, type ProxyServer, type ProxyServerOptions } from './server.js';

/** Creates a contract proxy (see ./server.ts); `contract` defaults to @rd-contract/contract's. */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  return createProxyServerFor({ ...options, contract: options.contract ?? packagedContract });
}

export { PROXY_DEFAULTS, PROXY_ERRORS } from './server.js';
export type { ProxyServer, ProxyServerOptions } from './server.js';
export type { Credentials } from './resign.js';
export type { ProxyReport } from './report.js';
export { RULES } from './violations.js';
export type { ContractViolation, ViolationRecord, RuleName, Severity, Direction } from './violations.js';
