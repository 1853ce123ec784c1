/**
 * The stateful emulator: a resource directory that remembers, per account (the request's AccessKeyId).
 *
 * `createMockServer({ stateful: true })` (or `{ stateful: { stateFile } }`, or `npm run mock -- --stateful
 * [--state-file PATH]`) answers the four actions from this state instead of the contract's examples, and serves the
 * control routes of ./control.ts. `createEmulator()` builds one on its own (its `handlers` and `controlRoutes` plug
 * into createMockServer).
 *
 * - model.ts        what is remembered, defaults, made-up ids, STATE_ERROR_PRECEDENCE
 * - store.ts        the state and its operations (each check-and-change is one synchronous step)
 * - handlers.ts     the actions' answers
 * - control.ts      /_emulator/... routes
 * - persistence.ts  the state file (validated on load; atomic, serialised writes)
 * - contract.ts     the contract's x-acs-quota
 */
import type { ContractRules, Site } from '../../rules-types.js';
import type { ActionHandlers } from '../handlers.js';
import type { ControlRoutes } from '../handlers.js';
import { quotasOf } from './contract.js';
import { createControlRoutes } from './control.js';
import { createStatefulHandlers } from './handlers.js';
import { DEFAULT_CODE_TTL_MS, type EmulatorState } from './model.js';
import { StateFile, type StateFileIo } from './persistence.js';
import { Store } from './store.js';

export interface EmulatorOptions {
  /** Persist the state in this file (loaded now, written after every change). Default: in memory only. */
  readonly stateFile?: string;
  /** Lifetime of a verification code. Default 5 minutes. */
  readonly codeTtlMs?: number;
  /** Clock, in ms since the epoch. Default: the mock's `now`, else Date.now. */
  readonly now?: () => number;
  /** How the state file is written (tests). */
  readonly io?: StateFileIo;
}

export interface EmulatorContext {
  /** The site the mock plays. */
  readonly site?: Site | undefined;
  /** The contract model (for x-acs-quota). */
  readonly contract: ContractRules;
  readonly now?: () => number;
}

export interface Emulator {
  readonly store: Store;
  readonly handlers: ActionHandlers;
  readonly controlRoutes: ControlRoutes;
  /** The state file, if any. */
  readonly stateFile: string | undefined;
  /** The current state (the object itself; do not change it). */
  readonly state: EmulatorState;
  /** Resolves when every change so far is on disk (at once without a state file). */
  flush(): Promise<void>;
}

/** Builds an emulator; throws a StateFileError when the state file cannot be used (it is then left as it is). */
export function createEmulator(options: EmulatorOptions, context: EmulatorContext): Emulator {
  const now = options.now ?? context.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  if (!(Number.isFinite(codeTtlMs) && codeTtlMs > 0)) throw new Error('codeTtlMs must be a positive number of milliseconds');
  const file = options.stateFile !== undefined ? new StateFile(options.stateFile, options.io) : undefined;
  const initial = file?.load();
  const store = new Store({ site: context.site, now, codeTtlMs, quotas: quotasOf(context.contract) }, initial);
  const commit = file ? () => file.save(() => store.snapshot()) : undefined;
  return {
    store,
    handlers: createStatefulHandlers(store, commit),
    controlRoutes: createControlRoutes(store, commit),
    stateFile: options.stateFile,
    get state() {
      return store.state;
    },
    flush: () => (file ? file.flush() : Promise.resolve()),
  };
}

export { StateFileError, StateFile, checkState, nodeIo } from './persistence.js';
export type { StateFileIo } from './persistence.js';
export { quotasOf } from './contract.js';
export type { Quota } from './contract.js';
export { Store } from './store.js';
export type { AccountView, CodeView, CodeStatus, ProfilePatch, Attempt } from './store.js';
export { ANONYMOUS_SUFFIX } from './handlers.js';
export { CONTROL_PREFIX } from './control.js';
export * from './model.js';
