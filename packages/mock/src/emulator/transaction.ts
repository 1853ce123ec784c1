/**
 * The emulator's one transaction API: a transaction is a generator ({@link Step}) run by {@link transact}, which
 * completes in the same turn when the backend answers at once (in memory, SQLite) and with a promise otherwise
 * (Redis); no promise is made per request in memory.
 *
 * Transactions are optimistic: reads are recorded with a token of the record read, writes are buffered, and the
 * backend's commit applies the writes only if every record read is still the one read — in one atomic step of the
 * backend (a synchronous step in memory, BEGIN IMMEDIATE in SQLite, a Lua script in Redis). When something changed in
 * between, the transaction runs again on the new records. So of 50 simultaneous enables of one account, in one process
 * or spread over several sharing a store, exactly one creates a directory.
 */
import { type Backend, type MaybePromise, type Read, type Table, type Tables, type Write } from './backend.js';

/**
 * A piece of work written as a generator: it yields only a promise it needs settled (an answer of an asynchronous
 * backend) and gets its value back. `yield*` one Step in another; {@link run} runs one.
 */
export type Step<T> = Generator<Promise<unknown>, T, unknown>;

export const isPromise = <T>(x: MaybePromise<T>): x is Promise<T> => x instanceof Promise;

/** A backend's answer inside a Step: waited for only when it is a promise. */
export function* settle<T>(x: MaybePromise<T>): Step<T> {
  return isPromise(x) ? ((yield x) as T) : x;
}

/** Runs a step: to its end at once when it never waits, else as a promise. */
export function run<T>(step: Step<T>): MaybePromise<T> {
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

/** What a transaction read of one table (with the tokens) and wrote to it. */
class TableLog<K extends Table> {
  reads: Map<string, { readonly token: unknown; readonly value: Tables[K] | undefined }> | undefined;
  writes: Map<string, Tables[K] | undefined> | undefined;
  constructor(readonly table: K) {}

  list(reads: Read[] | undefined, writes: Write[]): void {
    if (reads) for (const [key, seen] of this.reads ?? []) reads.push({ table: this.table, key, token: seen.token });
    for (const [key, value] of this.writes ?? []) writes.push({ table: this.table, key, value });
  }
}

/** The logs of the tables a transaction touched so far. */
type Logs = { [K in Table]?: TableLog<K> };
/** What the commit asks of each table's log. */
type Listing = Pick<TableLog<Table>, 'list'>;

/** Each table's log in a transaction, made (and listed in `touched`) when the transaction first touches the table. */
const logOf: { readonly [K in Table]: (logs: Logs, touched: Listing[]) => TableLog<K> } = {
  accounts: (l, t) => l.accounts ?? made(t, (l.accounts = new TableLog('accounts'))),
  directories: (l, t) => l.directories ?? made(t, (l.directories = new TableLog('directories'))),
  names: (l, t) => l.names ?? made(t, (l.names = new TableLog('names'))),
  roots: (l, t) => l.roots ?? made(t, (l.roots = new TableLog('roots'))),
  accountIds: (l, t) => l.accountIds ?? made(t, (l.accountIds = new TableLog('accountIds'))),
  codes: (l, t) => l.codes ?? made(t, (l.codes = new TableLog('codes'))),
  accountCodes: (l, t) => l.accountCodes ?? made(t, (l.accountCodes = new TableLog('accountCodes'))),
  validCodes: (l, t) => l.validCodes ?? made(t, (l.validCodes = new TableLog('validCodes'))),
};

function made<K extends Table>(touched: Listing[], log: TableLog<K>): TableLog<K> {
  touched.push(log);
  return log;
}

/** One optimistic transaction: reads through {@link read} (recorded), writes through {@link set} (buffered). */
export class Transaction {
  private readonly logs: Logs = {};
  /** The logs of the tables touched, in the order touched, for the commit. */
  private readonly touched: Listing[] = [];
  /** Whether a read waited (then another change may have come in between). */
  private waited = false;
  private writeCount = 0;

  constructor(private readonly backend: Backend) {}

  /** A key's record as this transaction sees it (its own writes first); waits only with an asynchronous backend. */
  *read<K extends Table>(table: K, key: string): Step<Tables[K] | undefined> {
    const log = logOf[table](this.logs, this.touched);
    if (log.writes?.has(key)) return log.writes.get(key);
    const seen = log.reads?.get(key);
    if (seen) return seen.value;
    const got = this.backend.get(table, key);
    if (isPromise(got)) this.waited = true;
    const versioned = yield* settle(got);
    (log.reads ??= new Map()).set(key, { token: versioned?.token, value: versioned?.value });
    return versioned?.value;
  }

  /** Sets (undefined: deletes) a key's record; the record must not be changed afterwards. */
  set<K extends Table>(table: K, key: string, value: Tables[K] | undefined): void {
    const log = logOf[table](this.logs, this.touched);
    (log.writes ??= new Map()).set(key, value);
    this.writeCount++;
  }

  get changed(): boolean {
    return this.writeCount > 0;
  }

  /**
   * Commits: with an exclusive backend and no read that waited, nothing can have changed what was read, so the writes
   * apply without the reads; otherwise the backend checks them.
   */
  commit(): MaybePromise<boolean> {
    const trusted = this.backend.exclusive && !this.waited;
    const reads: Read[] = [];
    const writes: Write[] = [];
    for (const log of this.touched) log.list(trusted ? undefined : reads, writes);
    return this.backend.commit(reads, writes);
  }
}

/** After this many lost races in a row, an operation gives up (500 InternalError) rather than spin. */
const MAX_ATTEMPTS = 1000;

/**
 * Runs `body` in a transaction and commits what it wrote; runs it again when another change came in between. A body
 * that writes nothing (a state error, a dry run, a read) is not committed. At once when the backend answers at once.
 */
export function transact<T>(backend: Backend, body: (tx: Transaction) => Step<T>, attempt = 1): MaybePromise<T> {
  const tx = new Transaction(backend);
  const ran = run(body(tx));
  return isPromise(ran)
    ? ran.then((result) => commit(backend, body, tx, result, attempt))
    : commit(backend, body, tx, ran, attempt);
}

function commit<T>(
  backend: Backend,
  body: (tx: Transaction) => Step<T>,
  tx: Transaction,
  result: T,
  attempt: number,
): MaybePromise<T> {
  if (!tx.changed) return result;
  const committed = tx.commit();
  return isPromise(committed)
    ? committed.then((c) => afterCommit(c, backend, body, result, attempt))
    : afterCommit(committed, backend, body, result, attempt);
}

/**
 * The result once committed, or the body run again after a lost race. A function of the module rather than a closure
 * made per commit: tsx (`npm run mock`) names every closure bound to a name, a property definition per call.
 */
function afterCommit<T>(
  committed: boolean,
  backend: Backend,
  body: (tx: Transaction) => Step<T>,
  result: T,
  attempt: number,
): MaybePromise<T> {
  if (committed) return result;
  if (attempt >= MAX_ATTEMPTS)
    throw new Error(`the state kept changing under this operation (${MAX_ATTEMPTS} attempts)`);
  return transact(backend, body, attempt + 1);
}
