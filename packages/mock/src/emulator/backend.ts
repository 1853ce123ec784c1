/**
 * Where the emulator's state lives: one small interface ({@link Backend}) with three implementations — in memory
 * (./memory.ts), SQLite (./sqlite.ts, `--state-file`) and Redis (./redis.ts, `--state redis://...`) — over a set of
 * typed tables ({@link Tables}: each table's key and record type).
 *
 * Each lookup the emulator makes is one key of one table (the indexes are tables too), so that a request costs the
 * same whatever the number of accounts:
 *
 *   accounts      AccessKeyId → AccountRecord
 *   directories   ResourceDirectoryId → DirectoryRecord
 *   names         nameKey(MasterAccountName) → ResourceDirectoryId      (management account names in use)
 *   roots         RootFolderId → ResourceDirectoryId                    (root folder ids in use)
 *   accountIds    16-digit account id → "account" | "directory"         (account ids in use)
 *   codes         codeKey(sequence number) → CodeRecord                 (key order is the order sent)
 *   accountCodes  AccessKeyId → the keys of its codes, oldest first
 *   validCodes    codeSlot(AccessKeyId, phone) → the key of the latest code sent for it (the only one that can still
 *                 be valid: a new code replaces the older ones)
 *
 * A backend answers at once when it can (in memory; SQLite, whose driver is synchronous) and with a promise otherwise
 * (Redis): {@link MaybePromise}. Transactions over it are ./transaction.ts's.
 */
import type { AccountRecord, CodeRecord, DirectoryRecord } from './model.js';

/** Each table's record type, by table name. */
export interface Tables {
  accounts: AccountRecord;
  directories: DirectoryRecord;
  names: string;
  roots: string;
  accountIds: 'account' | 'directory';
  codes: CodeRecord;
  accountCodes: readonly string[];
  validCodes: string;
}

export type Table = keyof Tables;

/** Every table (the type check keeps the list complete). */
export const TABLES = [
  'accounts',
  'directories',
  'names',
  'roots',
  'accountIds',
  'codes',
  'accountCodes',
  'validCodes',
] as const satisfies readonly Table[];
type Missing = Exclude<Table, (typeof TABLES)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

/** The `validCodes` key of an account's codes to a phone. */
export const codeSlot = (accessKeyId: string, phone: string): string => JSON.stringify([accessKeyId, phone]);
/** The `codes` key of a sequence number: 12 digits, so that key order is the order sent. */
export const codeKey = (sequence: number): string => String(sequence).padStart(12, '0');

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

/** A record read, with what identifies it for {@link Backend.commit}. */
export interface Versioned<K extends Table = Table> {
  readonly value: Tables[K];
  readonly token: unknown;
}

export interface Read {
  readonly table: Table;
  readonly key: string;
  /** The token of the value read; undefined: the key was absent. */
  readonly token: unknown;
}

/** A write of a table's record (undefined: delete). */
export interface Write<K extends Table = Table> {
  readonly table: K;
  readonly key: string;
  readonly value: Tables[K] | undefined;
}

export interface Backend {
  /** How the state is kept, for the start-up line (e.g. "in memory", "SQLite file /x/state.db"). */
  readonly description: string;
  /**
   * Nothing but this process changes the store, so that what a transaction read and commits in one synchronous run
   * cannot have changed in between (in memory): such a commit applies its writes without checking its reads.
   */
  readonly exclusive: boolean;
  /** A key's record and its token, or undefined. Records are JSON-compatible and must not be changed by the caller. */
  get<K extends Table>(table: K, key: string): MaybePromise<Versioned<K> | undefined>;
  /**
   * Atomically: when every read still holds (same token, or still absent), applies the writes and answers true;
   * else false.
   */
  commit(reads: readonly Read[], writes: readonly Write[]): MaybePromise<boolean>;
  /** The first `limit` entries of a table in key order (for `codes`: the oldest). */
  head<K extends Table>(table: K, limit: number): MaybePromise<Array<[string, Tables[K]]>>;
  /** Every entry of a table in key order (the control routes; not on a request's path). */
  entries<K extends Table>(table: K): MaybePromise<Array<[string, Tables[K]]>>;
  count(table: Table): MaybePromise<number>;
  /** A number never answered before by this store (codes' keys). */
  nextSequence(): MaybePromise<number>;
  /** Forgets everything. */
  clear(): MaybePromise<void>;
  /** Resolves once the store can be used (Redis: connected), rejects with a clear message otherwise. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
