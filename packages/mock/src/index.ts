/**
 * The mock server as a library: `createMockServer(options)` → `{ listen(), close(), url, handle }`.
 * See packages/mock/src/mock/pipeline.ts for the request pipeline (wired by packages/mock/src/mock/server.ts) and packages/mock/src/frontend/responder.ts for the
 * per-action seam.
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
