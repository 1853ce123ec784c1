/**
 * The mock server as a library: `createMockServer(options)` → `{ listen(), close(), url, handle }`, and the contract
 * proxy: `createProxyServer({ upstream, ... })`. See packages/mock/src/mock/gateway.ts for the request steps (wired
 * by packages/mock/src/mock/server.ts), packages/mock/src/frontend/responder.ts for the per-action seam and
 * packages/mock/src/proxy/ for the proxy. For a test suite: `@rd-contract/mock/testing` (packages/mock/src/testing/).
 *
 * This entry point is where the mock meets @rd-contract/contract: `createMockServer`, `createEmulator` and
 * `createProxyServer` take a `contract` option and, when it is left out, use that package's `contract` value (and its
 * published descriptions). The modules behind it are given the contract, never import it.
 */
import { contract as packagedContract, contractFiles } from '@rd-contract/contract';
import { createMockServer as createMockServerFor, type MockServer, type MockServerOptions } from './mock/server.js';
import {
  createEmulator as createEmulatorFor,
  stateErrorPrecedence,
  type Emulator,
  type EmulatorContext,
  type EmulatorOptions,
} from './emulator/index.js';

/** Creates a mock server (see packages/mock/src/mock/server.ts); `contract` defaults to @rd-contract/contract's. */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  return createMockServerFor({
    ...options,
    contract: options.contract ?? packagedContract,
    descriptions: options.descriptions ?? contractFiles,
  });
}

/** Builds an emulator (see packages/mock/src/emulator/index.ts); `contract` defaults to @rd-contract/contract's. */
export function createEmulator(options: EmulatorOptions = {}, context: Partial<EmulatorContext> = {}): Emulator {
  return createEmulatorFor(options, { ...context, contract: context.contract ?? packagedContract });
}

/** The state errors of @rd-contract/contract, in the order they win (the `state` step of x-acs-error-precedence). */
export const STATE_ERROR_PRECEDENCE = stateErrorPrecedence(packagedContract);

export { INVALID_PREFER, MOCK_LIMIT_DEFAULTS } from './mock/server.js';
export type { MockServer, MockServerOptions, MockResponseEvent, ControlRoutes } from './mock/server.js';
export { exampleResponder } from './frontend/responder.js';
export type { ActionHandler, ActionHandlers, ActionRequest, ActionResult } from './frontend/responder.js';
export { NonceCache, parseAccessKeys, SIGNATURE_WINDOW_MS } from './frontend/auth.js';
export { buildCatalogue } from './frontend/catalogue.js';
export type { ActionCatalogue, Catalogue, ExampleEntry } from './frontend/catalogue.js';
export { XML_CONTENT_TYPE, JSON_CONTENT_TYPE } from './frontend/render.js';
export type { Format } from './frontend/render.js';
export {
  StateFileError,
  DEFAULT_CODE_TTL_MS,
  CONTROL_PREFIX,
  accountIdOf,
  defaultPhone,
  defaultAccountName,
} from './emulator/index.js';
export type {
  Emulator,
  EmulatorContext,
  EmulatorOptions,
  EmulatorState,
  AccountProfile,
  AccountView,
  CodeView,
  StateErrorCode,
} from './emulator/index.js';
export { createProxyServer, PROXY_DEFAULTS, PROXY_ERRORS, RULES } from './proxy/index.js';
export type {
  ProxyServer,
  ProxyServerOptions,
  Credentials,
  ProxyReport,
  ContractViolation,
  ViolationRecord,
  RuleName,
  Severity,
  Direction,
} from './proxy/index.js';
