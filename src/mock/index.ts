/**
 * The mock server as a library: `createMockServer(options)` → `{ listen(), close(), url, handle }`.
 * See src/mock/pipeline.ts for the request pipeline (wired by src/mock/server.ts) and src/mock/handlers.ts for the
 * per-action seam.
 */
export { createMockServer, INVALID_PREFER, MOCK_LIMIT_DEFAULTS } from './server.js';
export type { MockServer, MockServerOptions, MockResponseEvent, ControlRoutes } from './server.js';
export { exampleResponder } from './handlers.js';
export type { ActionHandler, ActionHandlers, ActionRequest, ActionResult } from './handlers.js';
export { NonceCache, parseAccessKeys, SIGNATURE_WINDOW_MS } from './auth.js';
export { buildCatalogue, catalogue } from './catalogue.js';
export type { ActionCatalogue, Catalogue, ExampleEntry } from './catalogue.js';
export { XML_CONTENT_TYPE, JSON_CONTENT_TYPE } from './render.js';
export type { Format } from './render.js';
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
