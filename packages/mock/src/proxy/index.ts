/**
 * The contract proxy as a library: `createProxyServer({ upstream, credentials, ... })`. See packages/mock/src/proxy/server.ts.
 */
export { createProxyServer, PROXY_DEFAULTS, PROXY_ERRORS } from './server.js';
export type { ProxyServer, ProxyServerOptions } from './server.js';
export type { Credentials } from './resign.js';
export type { ProxyReport } from './report.js';
export { RULES } from './violations.js';
export type { ContractViolation, ViolationRecord, RuleName, Severity, Direction } from './violations.js';
