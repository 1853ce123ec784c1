/**
 * The stateful emulator: a resource directory that remembers, per account (the request's AccessKeyId).
 *
 * `createMockServer({ stateful: true })` (or `{ stateful: { stateFile } }`, `{ stateful: { redisUrl } }`, or `npm run
 * mock -- --stateful [--state-file PATH | --state redis://host:port/db]`) answers the four actions from this state
 * instead of the contract's examples, and serves the control routes of ./control.ts. `createEmulator()` builds one on
 * its own (its `handlers` and `controlRoutes` plug into createMockServer).
 *
 * - model.ts        what is remembered, defaults, made-up ids, the state error codes
 * - rules.ts        what the emulator reads from the contract it is given (state error order, quotas, names, phones)
 * - store.ts        the domain: the operations on the state (each check-and-change is one transaction)
 * - backend.ts      the tables (each table's record type) and the backend interface
 * - transaction.ts  the one transaction API (generators, at once with a synchronous backend)
 * - memory.ts       the backend in memory (--stateful)
 * - sqlite.ts       the backend in a SQLite file (--state-file), and the migration of a JSON state file to it
 * - migration.ts    a whole JSON state as the writes that load it (the migration, the bench's fill)
 * - redis.ts        the backend in Redis (--state redis://...)
 * - actions.ts      the actions' answers
 * - control.ts      /_emulator/... routes and the check of their input
 * - persistence.ts  the JSON state's checker, StateFileError
 */
import type { ContractModel, Site } from '@rd-contract/contract';
import type { ActionHandlers } from '../frontend/responder.js';
import type { ControlRoutes } from '../frontend/responder.js';
import type { Backend } from './backend.js';
import type { Random } from '../frontend/random.js';
import { MemoryBackend } from './memory.js';
import { emulatorRules } from './rules.js';
import { createControlRoutes } from './control.js';
import { createStatefulHandlers } from './actions.js';
import { DEFAULT_CODE_TTL_MS } from './model.js';
import { RedisBackend } from './redis.js';
import { openStateFile } from './sqlite.js';
import { Store } from './store.js';

export interface EmulatorOptions {
  /** Keep the state in this SQLite file (created when missing; a JSON state file is migrated). Default: in memory. */
  readonly stateFile?: string;
  /** Keep the state in Redis, e.g. `redis://127.0.0.1:6379/0` (not with stateFile). */
  readonly redisUrl?: string;
  /** Keep the state in this backend (tests; not with stateFile or redisUrl). */
  readonly backend?: Backend;
  /** Lifetime of a verification code. Default 5 minutes. */
  readonly codeTtlMs?: number;
  /** Clock, in ms since the epoch. Default: the mock's `now`, else Date.now. */
  readonly now?: () => number;
}

export interface EmulatorContext {
  /** The site the mock plays. */
  readonly site?: Site | undefined;
  /** The contract whose state errors, quotas and documented codes the emulator answers with. */
  readonly contract: ContractModel;
  readonly now?: () => number;
  /** Where made-up ids and verification codes come from (the mock's `--seed`). Default: node:crypto's generator. */
  readonly random?: Random | undefined;
}

export interface Emulator {
  readonly store: Store;
  readonly handlers: ActionHandlers;
  readonly controlRoutes: ControlRoutes;
  /** The state file, if any. */
  readonly stateFile: string | undefined;
  /** Where the state is kept, e.g. "in memory", "SQLite file /x/state.db", "Redis redis://127.0.0.1:6379/0". */
  readonly description: string;
  /** Resolves once the store can be used (Redis: reachable); rejects with a message that says why not. */
  ready(): Promise<void>;
  /** Closes the store (the SQLite file, the Redis connection). */
  close(): Promise<void>;
}

/** Builds an emulator; throws a StateFileError when the state file cannot be used (it is then left as it is). */
export function createEmulator(options: EmulatorOptions, context: EmulatorContext): Emulator {
  const now = options.now ?? context.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  if (!(Number.isFinite(codeTtlMs) && codeTtlMs > 0))
    throw new Error('codeTtlMs must be a positive number of milliseconds');
  const given = [options.stateFile, options.redisUrl, options.backend].filter((x) => x !== undefined).length;
  if (given > 1)
    throw new Error('the emulator keeps its state in one place: give stateFile, redisUrl or backend, not several');
  const rules = emulatorRules(context.contract);
  const backend: Backend =
    options.backend ??
    (options.stateFile !== undefined
      ? openStateFile(options.stateFile, rules.nameKey)
      : options.redisUrl !== undefined
        ? new RedisBackend(options.redisUrl)
        : new MemoryBackend());
  const store = new Store(
    { site: context.site, now, codeTtlMs, rules, ...(context.random ? { random: context.random } : {}) },
    backend,
  );
  return {
    store,
    handlers: createStatefulHandlers(store, context.contract),
    controlRoutes: createControlRoutes(store, rules),
    stateFile: options.stateFile,
    description: backend.description,
    ready: () => backend.ready(),
    close: () => backend.close(),
  };
}

export { StateFileError, checkState } from './persistence.js';
export { emulatorRules, stateErrorPrecedence } from './rules.js';
export type { EmulatorRules, Quota } from './rules.js';
export { Store } from './store.js';
export type { AccountView, CodeView, CodeStatus, ProfilePatch, Attempt, EnableOutcome, SendOutcome } from './store.js';
export { stateWrites } from './migration.js';
export { TABLES, codeKey, codeSlot } from './backend.js';
export type { Backend, MaybePromise, Table, Tables, Read, Write, Versioned } from './backend.js';
export { Transaction, transact } from './transaction.js';
export type { Step } from './transaction.js';
export { MemoryBackend } from './memory.js';
export { SqliteBackend, openStateFile } from './sqlite.js';
export { RedisBackend } from './redis.js';
export { ANONYMOUS_SUFFIX } from './actions.js';
export { CONTROL_PREFIX } from './control.js';
export * from './model.js';
