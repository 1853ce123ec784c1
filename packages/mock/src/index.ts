/**
 * The mock server as a library: `createMockServer(options)` → `{ listen(), close(), url, handle }`, and the contract
 * proxy: `createProxyServer({ upstream, ... })`. See packages/mock/src/mock/pipeline.ts for the request pipeline (wired
 * by packages/mock/src/mock/server.ts), packages/mock/src/frontend/responder.ts for the per-action seam and
 * packages/mock/src/proxy/ for the proxy. For a test suite: `@rd-contract/mock/testing` (packages/mock/src/testing/).
 */
export { createMockServer, INVALID_PREFER, MOCK_LIMIT_DEFAULTS } from './mock/server.js';
export type { MockServer, MockServerOptions, MockResponseEvent, ControlRoutes } from './mock/server.js';
export { exampleResponder } from './frontend/responder.js';
export type { ActionHandler, ActionHandlers, ActionRequest, ActionResult } from './frontend/responder.js';
export { NonceCache, parseAccessKeys, SIGNATURE_WINDOW_MS } from './frontend/auth.js';
export { buildCatalogue, catalogue } from './frontend/catalogue.js';
export type { ActionCatalogue, Catalogue, ExampleEntry } from './frontend/catalogue.js';
export { XML_CONTENT_TYPE, JSON_CONTENT_TYPE } from './frontend/render.js';
export type { Format } from './frontend/render.js';
export {
  createEmulator,
  StateFileError,
  STATE_ERROR_PRECEDENCE,
  DEFAULT_CODE_TTL_MS,
  CONTROL_PREFIX,
  accountIdOf,
  defaultPhone,
  defaultAccountName,
} from './emulator/index.js';
export type { Emulator, EmulatorOptions, EmulatorState, AccountProfile, AccountView, CodeView, StateErrorCode } from './emulator/index.js';
export { createProxyServer, PROXY_DEFAULTS, PROXY_ERRORS, RULES } from './proxy/index.js';
export type { ProxyServer, ProxyServerOptions, Credentials, ProxyReport, ContractViolation, ViolationRecord, RuleName, Severity, Direction } from './proxy/index.js';
