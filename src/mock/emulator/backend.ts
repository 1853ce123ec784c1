/**
 * Where the emulator's state lives: one small interface ({@link Backend}) with three implementations — in memory
 * (here), SQLite (./sqlite.ts, `--state-file`) and Redis (./redis.ts, `--state redis://...`).
 *
 * The state is a set of tables of key → value, each lookup the emulator makes being one key of one table (the indexes
 * are tables too), so that a request costs the same whatever the number of accounts:
 *
 *   accounts      AccessKeyId → AccountRecord
 *   directories   ResourceDirectoryId → DirectoryRecord
 *   names         nameKey(MasterAccountName) → ResourceDirectoryId      (management account names in use)
 *   roots         RootFolderId → ResourceDirectoryId                    (root folder ids in use)
 *   accountIds    16-digit account id → "account" | "directory"         (account ids in use)
 *   codes         sequence number (12 digits, so that key order is the order sent) → CodeRecord
 *   accountCodes  AccessKeyId → the sequence numbers of its codes, oldest first
 *   validCodes    [AccessKeyId, phone] as JSON → the sequence number of the latest code sent for it (the only one
 *                 that can still be valid: a new code replaces the older ones)
 *
 * Changes are optimistic transactions ({@link Transaction}): reads are recorded with a token of the value read, writes
 * are buffered, and {@link Backend.commit} applies the writes only if every value read is still the one read — in one
 * atomic step of the backend (a synchronous step in memory, BEGIN IMMEDIATE in SQLite, a Lua script in Redis). When
 * something changed in between, the transaction runs again on the new values. So of 50 simultaneous enables of one
 * account, in one process or spread over several sharing a store, exactly one creates a directory.
 */

export const TABLES = ['accounts', 'directories', 'names', 'roots', 'accountIds', 'codes', 'accountCodes', 'validCodes'] as const;
export type Table = (typeof TABLES)[number];

/** A value read, with what identifies it for {@link Backend.commit} (undefined: there was none). */
export interface Versioned {
  readonly value: unknown;
  readonly token: unknown;
}

export interface Read {
  readonly table: Table;
  readonly key: string;
  /** The token of the value read; undefined: the key was absent. */
  readonly token: unknown;
}

export interface Write {
  readonly table: Table;
  readonly key: string;
  /** undefined: delete. */
  readonly value: unknown;
}

export interface Backend {
  /** How the state is kept, for the start-up line (e.g. "in memory", "SQLite file /x/state.db"). */
  readonly description: string;
  /** The value of a key, or undefined. Values are JSON-compatible and must not be changed by the caller. */
  get(table: Table, key: string): Promise<Versioned | undefined>;
  /** Atomically: when every read still holds (same token, or still absent), applies the writes and answers true; else false. */
  commit(reads: readonly Read[], writes: readonly Write[]): Promise<boolean>;
  /** The first `limit` entries of a table in key order (for `codes`: the oldest). */
  head(table: Table, limit: number): Promise<Array<[string, unknown]>>;
  /** Every entry of a table in key order (the control routes; not on a request's path). */
  entries(table: Table): Promise<Array<[string, unknown]>>;
  count(table: Table): Promise<number>;
  /** A number never answered before by this store (codes' keys). */
  nextSequence(): Promise<number>;
  /** Forgets everything. */
  clear(): Promise<void>;
  /** Resolves once the store can be used (Redis: connected), rejects with a clear message otherwise. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** One optimistic transaction: reads through {@link get} (recorded), writes through {@link set} (buffered). */
export class Transaction {
  private readonly reads = new Map<string, Read>();
  private readonly values = new Map<string, unknown>();
  private readonly writes = new Map<string, Write>();

  constructor(private readonly backend: Backend) {}

  async get<T>(table: Table, key: string): Promise<T | undefined> {
    const id = `${table}:${key}`;
    const written = this.writes.get(id);
    if (written) return written.value as T | undefined;
    if (this.values.has(id)) return this.values.get(id) as T | undefined;
    const got = await this.backend.get(table, key);
    this.reads.set(id, { table, key, token: got?.token });
    this.values.set(id, got?.value);
    return got?.value as T | undefined;
  }

  /** Sets (undefined: deletes) a key; the value must not be changed afterwards. */
  set(table: Table, key: string, value: unknown): void {
    this.writes.set(`${table}:${key}`, { table, key, value });
  }

  get changed(): boolean {
    return this.writes.size > 0;
  }

  commit(): Promise<boolean> {
    return this.backend.commit([...this.reads.values()], [...this.writes.values()]);
  }
}

/** After this many lost races in a row, an operation gives up (500 InternalError) rather than spin. */
const MAX_ATTEMPTS = 1000;

/**
 * Runs `body` in a transaction and commits what it wrote; runs it again when another change came in between. A body
 * that writes nothing (a state error, a dry run, a read) is not committed.
 */
export async function transact<T>(backend: Backend, body: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const tx = new Transaction(backend);
    const result = await body(tx);
    if (!tx.changed || (await tx.commit())) return result;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`the state kept changing under this operation (${MAX_ATTEMPTS} attempts)`);
  }
}

/** The state in this process only (`--stateful`). Values are kept as they are; a value's token is the value itself. */
export class MemoryBackend implements Backend {
  readonly description = 'in memory';
  private tables = new Map<Table, Map<string, unknown>>(TABLES.map((t) => [t, new Map()]));
  private sequence = 0;

  private table(t: Table): Map<string, unknown> {
    return this.tables.get(t)!;
  }

  async get(table: Table, key: string): Promise<Versioned | undefined> {
    const value = this.table(table).get(key);
    return value === undefined ? undefined : { value, token: value };
  }

  async commit(reads: readonly Read[], writes: readonly Write[]): Promise<boolean> {
    for (const r of reads) if (this.table(r.table).get(r.key) !== r.token) return false;
    for (const w of writes) {
      if (w.value === undefined) this.table(w.table).delete(w.key);
      else this.table(w.table).set(w.key, w.value);
    }
    return true;
  }

  async head(table: Table, limit: number): Promise<Array<[string, unknown]>> {
    const out: Array<[string, unknown]> = [];
    for (const entry of this.table(table)) {
      if (out.length >= limit) break;
      out.push(entry);
    }
    return out;
  }

  async entries(table: Table): Promise<Array<[string, unknown]>> {
    return [...this.table(table)];
  }

  async count(table: Table): Promise<number> {
    return this.table(table).size;
  }

  async nextSequence(): Promise<number> {
    return ++this.sequence;
  }

  async clear(): Promise<void> {
    this.tables = new Map(TABLES.map((t) => [t, new Map()]));
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
