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
 *
 * A store that answers synchronously (in memory) offers {@link Backend.sync}: a transaction written as a generator
 * ({@link Step}, run by {@link transactSteps}) then reads, checks and commits without waiting once — the request is
 * answered in the same turn of the event loop. SQLite and Redis keep the asynchronous interface.
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

/** A store's synchronous access (a store in this process): a value's token is the value itself. */
export interface SyncAccess {
  /** The value of a key (its token too), or undefined. */
  value(table: Table, key: string): unknown;
  /** As {@link Backend.commit}, at once. */
  commit(reads: readonly Read[], writes: readonly Write[]): boolean;
  /**
   * Applies writes without checking reads: only for a transaction whose reads and commit happen in one synchronous
   * run, in which nothing else can have changed the store.
   */
  apply(writes: Iterable<Write>): void;
}

export interface Backend {
  /** How the state is kept, for the start-up line (e.g. "in memory", "SQLite file /x/state.db"). */
  readonly description: string;
  /** Present when the store can answer synchronously (in memory); transactions then never wait. */
  readonly sync?: SyncAccess;
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

/**
 * A piece of a transaction written as a generator: it yields only a promise it needs settled (a read of an
 * asynchronous store) and gets its value back. `yield*` one Step in another; {@link runStep} runs one.
 */
export type Step<T> = Generator<Promise<unknown>, T, unknown>;

const isPromise = <T>(x: T | Promise<T>): x is Promise<T> => x instanceof Promise;

/** Runs a step: to its end at once when it never waits (a synchronous store), else as a promise. */
export function runStep<T>(step: Step<T>): T | Promise<T> {
  const first = step.next();
  return first.done ? first.value : continueStep(step, first.value);
}

async function continueStep<T>(step: Step<T>, pending: Promise<unknown>): Promise<T> {
  for (;;) {
    let settled: { value: unknown } | { reason: unknown };
    try {
      settled = { value: await pending };
    } catch (reason) {
      settled = { reason };
    }
    // A rejection is thrown into the step, where it was waited for (and out of it, unless the step catches it).
    const next = 'value' in settled ? step.next(settled.value) : step.throw(settled.reason);
    if (next.done) return next.value;
    pending = next.value;
  }
}

/** One optimistic transaction: reads through {@link read} (recorded), writes through {@link set} (buffered). */
export class Transaction {
  /** What was read, by `table:key`: the token for the commit, and the value. */
  private readonly reads = new Map<string, Read & { readonly value: unknown }>();
  private readonly writes = new Map<string, Write>();
  private readonly sync: SyncAccess | undefined;

  constructor(private readonly backend: Backend) {
    this.sync = backend.sync;
  }

  /** A key's value as this transaction sees it (its own writes first); waits only with an asynchronous store. */
  *read<T>(table: Table, key: string): Step<T | undefined> {
    const id = `${table}:${key}`;
    const written = this.writes.get(id);
    if (written) return written.value as T | undefined;
    const seen = this.reads.get(id);
    if (seen) return seen.value as T | undefined;
    let value: unknown;
    let token: unknown;
    if (this.sync) {
      value = token = this.sync.value(table, key);
    } else {
      const got = (yield this.backend.get(table, key)) as Versioned | undefined;
      value = got?.value;
      token = got?.token;
    }
    this.reads.set(id, { table, key, token, value });
    return value as T | undefined;
  }

  /** {@link read} as a promise. */
  async get<T>(table: Table, key: string): Promise<T | undefined> {
    return runStep(this.read<T>(table, key));
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

  /** The commit, at once when the store is synchronous. */
  commitNow(): boolean | Promise<boolean> {
    return this.sync ? this.sync.commit([...this.reads.values()], [...this.writes.values()]) : this.commit();
  }

  /**
   * The commit of a transaction that read a synchronous store and commits in the same synchronous run (it never
   * waited): nothing can have changed what it read, so its writes apply without checking. False: not such a store.
   */
  commitInSameRun(): boolean {
    if (!this.sync) return false;
    this.sync.apply(this.writes.values());
    return true;
  }
}

/** After this many lost races in a row, an operation gives up (500 InternalError) rather than spin. */
const MAX_ATTEMPTS = 1000;

const tooManyAttempts = (): Error => new Error(`the state kept changing under this operation (${MAX_ATTEMPTS} attempts)`);

/**
 * Runs `body` in a transaction and commits what it wrote; runs it again when another change came in between. A body
 * that writes nothing (a state error, a dry run, a read) is not committed.
 */
export async function transact<T>(backend: Backend, body: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const tx = new Transaction(backend);
    const result = await body(tx);
    if (!tx.changed || (await tx.commit())) return result;
    if (attempt >= MAX_ATTEMPTS) throw tooManyAttempts();
  }
}

/**
 * {@link transact} for a body written as a {@link Step}: with a synchronous store it reads, commits (or runs again)
 * and answers at once, without a promise; otherwise it answers a promise, exactly as {@link transact}.
 */
export function transactSteps<T>(backend: Backend, body: (tx: Transaction) => Step<T>, firstAttempt = 1): T | Promise<T> {
  for (let attempt = firstAttempt; ; attempt++) {
    const tx = new Transaction(backend);
    const ran = runStep(body(tx));
    if (isPromise(ran)) return ran.then((result) => commitOrAgain(backend, body, tx, result, attempt));
    // The body ran to its end without waiting: with a synchronous store, it read and now commits in one run.
    if (!tx.changed || tx.commitInSameRun()) return ran;
    const committed = tx.commitNow();
    if (isPromise(committed)) return committed.then((ok) => (ok ? ran : again(backend, body, attempt)));
    if (committed) return ran;
    if (attempt >= MAX_ATTEMPTS) throw tooManyAttempts();
  }
}

async function commitOrAgain<T>(backend: Backend, body: (tx: Transaction) => Step<T>, tx: Transaction, result: T, attempt: number): Promise<T> {
  if (!tx.changed || (await tx.commitNow())) return result;
  return again(backend, body, attempt);
}

function again<T>(backend: Backend, body: (tx: Transaction) => Step<T>, attempt: number): T | Promise<T> {
  if (attempt >= MAX_ATTEMPTS) throw tooManyAttempts();
  return transactSteps(backend, body, attempt + 1);
}

/** The state in this process only (`--stateful`). Values are kept as they are; a value's token is the value itself. */
export class MemoryBackend implements Backend {
  readonly description = 'in memory';
  private tables = MemoryBackend.emptyTables();
  private sequence = 0;

  readonly sync: SyncAccess = {
    value: (table, key) => this.tables[table].get(key),
    commit: (reads, writes) => {
      for (const r of reads) if (this.tables[r.table].get(r.key) !== r.token) return false;
      this.sync.apply(writes);
      return true;
    },
    apply: (writes) => {
      for (const w of writes) {
        if (w.value === undefined) this.tables[w.table].delete(w.key);
        else this.tables[w.table].set(w.key, w.value);
      }
    },
  };

  private static emptyTables(): Record<Table, Map<string, unknown>> {
    return Object.fromEntries(TABLES.map((t) => [t, new Map<string, unknown>()])) as Record<Table, Map<string, unknown>>;
  }

  private table(t: Table): Map<string, unknown> {
    return this.tables[t];
  }

  async get(table: Table, key: string): Promise<Versioned | undefined> {
    const value = this.sync.value(table, key);
    return value === undefined ? undefined : { value, token: value };
  }

  async commit(reads: readonly Read[], writes: readonly Write[]): Promise<boolean> {
    return this.sync.commit(reads, writes);
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
    this.tables = MemoryBackend.emptyTables();
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
