/**
 * The state in a SQLite database (`--state-file PATH`), through better-sqlite3.
 *
 * - One table of key → JSON value per (table, key) (see ./backend.ts), primary key (tbl, key): every lookup is one
 *   B-tree search, whatever the number of accounts.
 * - WAL journal, `synchronous=NORMAL`: a commit is one append to the WAL, no rewrite of the file. A change is in the
 *   WAL before its answer is sent, so an acknowledged change survives the process being killed (kill -9); after a
 *   power loss or an OS crash the last commits may be lost (SQLite's documented trade-off of NORMAL in WAL mode).
 * - A commit is a `BEGIN IMMEDIATE` transaction that checks the values read and writes: several processes given the
 *   same file take the write lock in turn (`busy_timeout` waits for it), so they share one consistent state.
 *
 * Opening a file ({@link openStateFile}):
 * - missing: a new database is created;
 * - a SQLite database of this emulator: used;
 * - a JSON state file (the emulator's earlier format, ./persistence.ts): migrated — a database with the same state
 *   is built next to it, the JSON is kept as `<file>.pre-sqlite.json`, and the database is renamed over the file;
 * - anything else (another SQLite database, a JSON document that is not a state, an empty file, ...): refused with a
 *   {@link StateFileError} that says why; the file is left as it is.
 */
import {
  closeSync,
  copyFileSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Backend, Read, Table, Tables, Versioned, Write } from './backend.js';
import { stateWrites } from './migration.js';
import { STATE_FORMAT } from './model.js';
import { checkState, StateFileError } from './persistence.js';

type Database = BetterSqlite3.Database;

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The layout of this emulator's tables (rd_emulator_meta 'schema'); another one is refused. */
const SCHEMA = '1';
/** How long a process waits for another one's write lock before the operation fails (500). */
const BUSY_TIMEOUT_MS = 10_000;

let driver: typeof BetterSqlite3 | undefined;
/** better-sqlite3, loaded on first use (the stateless mock and the client never load it). */
function sqlite(path: string): typeof BetterSqlite3 {
  if (!driver) {
    try {
      driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    } catch (e) {
      throw new StateFileError(
        path,
        `the SQLite driver better-sqlite3 cannot be loaded (${(e as Error).message.split('\n')[0]})`,
        'Run `npm ci` (it builds better-sqlite3), or run without --state-file.',
      );
    }
  }
  return driver;
}

const SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS rd_emulator_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rd_emulator_kv (
    tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tbl, key)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO rd_emulator_meta (key, value)
    VALUES ('format', '${STATE_FORMAT}'), ('schema', '${SCHEMA}'), ('sequence', '0');
`;

/**
 * The SQLite backend. better-sqlite3 is synchronous, so every operation answers at once; the file may be shared by
 * other processes, so a commit checks what the transaction read (not `exclusive`).
 */
export class SqliteBackend implements Backend {
  readonly description: string;
  readonly exclusive = false;
  private readonly statements;
  private readonly commitTransaction;

  /** @internal Made by openStateFile; left out of the declarations, which then need no better-sqlite3 types. */
  constructor(
    readonly path: string,
    private readonly db: Database,
  ) {
    this.description = `SQLite file ${path}`;
    this.statements = {
      get: db.prepare<[string, string], string>('SELECT value FROM rd_emulator_kv WHERE tbl = ? AND key = ?').pluck(),
      put: db.prepare(
        'INSERT INTO rd_emulator_kv (tbl, key, value) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET value =' +
          ' excluded.value',
      ),
      del: db.prepare('DELETE FROM rd_emulator_kv WHERE tbl = ? AND key = ?'),
      head: db
        .prepare<[string, number], [string, string]>(
          'SELECT key, value FROM rd_emulator_kv WHERE tbl = ? ORDER BY key LIMIT ?',
        )
        .raw(),
      all: db
        .prepare<[string], [string, string]>('SELECT key, value FROM rd_emulator_kv WHERE tbl = ? ORDER BY key')
        .raw(),
      count: db.prepare<[string], number>('SELECT count(*) FROM rd_emulator_kv WHERE tbl = ?').pluck(),
      next: db
        .prepare<[], number>(
          "UPDATE rd_emulator_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'sequence' RETURNING CAST(value" +
            ' AS INTEGER)',
        )
        .pluck(),
      clear: db.prepare('DELETE FROM rd_emulator_kv'),
    };
    this.commitTransaction = db.transaction((reads: readonly Read[], writes: readonly Write[]): boolean => {
      for (const r of reads) if (this.statements.get.get(r.table, r.key) !== r.token) return false;
      this.apply(writes);
      return true;
    });
  }

  /** Writes (in the caller's transaction). */
  apply(writes: readonly Write[]): void {
    for (const w of writes) {
      if (w.value === undefined) this.statements.del.run(w.table, w.key);
      else this.statements.put.run(w.table, w.key, JSON.stringify(w.value));
    }
  }

  get<K extends Table>(table: K, key: string): Versioned<K> | undefined {
    const text = this.statements.get.get(table, key);
    return text === undefined ? undefined : { value: JSON.parse(text), token: text };
  }

  commit(reads: readonly Read[], writes: readonly Write[]): boolean {
    return this.commitTransaction.immediate(reads, writes);
  }

  head<K extends Table>(table: K, limit: number): Array<[string, Tables[K]]> {
    return this.statements.head.all(table, limit).map(([k, v]) => [k, JSON.parse(v)]);
  }

  entries<K extends Table>(table: K): Array<[string, Tables[K]]> {
    return this.statements.all.all(table).map(([k, v]) => [k, JSON.parse(v)]);
  }

  count(table: Table): number {
    return this.statements.count.get(table) ?? 0;
  }

  nextSequence(): number {
    const next = this.statements.next.get();
    if (next === undefined) throw new Error(`${this.description}: no sequence row (rd_emulator_meta)`);
    return next;
  }

  clear(): void {
    this.db.transaction(() => this.statements.clear.run()).immediate();
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens a database file for use: WAL, the busy timeout, this emulator's tables. */
function openDatabase(path: string, options: { walJournal: boolean }): Database {
  const db = new (sqlite(path))(path);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (options.walJournal) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.walJournal ? 'NORMAL' : 'FULL'}`);
    db.transaction(() => db.exec(SCHEMA_SQL)).immediate();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Why an existing SQLite file is not a database of this emulator, or undefined when it is. Opens it read-only. */
function foreignDatabase(path: string): string | undefined {
  let db: Database | undefined;
  try {
    db = new (sqlite(path))(path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const tables = db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('rd_emulator_meta', 'rd_emulator_kv')",
      )
      .pluck()
      .all();
    if (tables.length !== 2)
      return 'it is a SQLite database, but not one of this emulator (no rd_emulator_meta and rd_emulator_kv tables)';
    const meta = new Map(db.prepare<[], [string, string]>('SELECT key, value FROM rd_emulator_meta').raw().all());
    if (meta.get('format') !== STATE_FORMAT)
      return (
        `it is a SQLite database, but not one of this emulator (format` +
        ` ${JSON.stringify(meta.get('format') ?? null)})`
      );
    if (meta.get('schema') !== SCHEMA)
      return (
        `it is a database of this emulator with schema ${JSON.stringify(meta.get('schema') ?? null)}; this` +
        ` emulator reads schema ${SCHEMA} only`
      );
    return undefined;
  } catch (e) {
    if (e instanceof StateFileError) throw e;
    return `it looks like a SQLite database but cannot be read (${(e as Error).message})`;
  } finally {
    db?.close();
  }
}

function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    return buffer.subarray(0, readSync(fd, buffer, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Turns the JSON state file at `path` into a database of the same state, under a lock file (`<file>.migrating`) so
 * that two processes started on the same file migrate it once. Returns false when the lock is another process's.
 */
function migrateJson(path: string, text: string, nameKey: (name: string) => string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(path, `it is not JSON (${(e as Error).message}), nor a SQLite database`);
  }
  let state;
  try {
    state = checkState(value);
  } catch (e) {
    throw new StateFileError(path, `it is not a state of this emulator: ${(e as Error).message}`);
  }
  const lock = `${path}.migrating`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateFileError(
      path,
      `the lock file ${lock} for its migration to SQLite cannot be created (${(e as Error).message})`,
    );
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.sqlite.tmp`);
  try {
    // Another process may have migrated the file between our read and our lock: then the caller looks again.
    if (readFileSync(path, 'utf8') !== text) return true;
    rmSync(tmp, { force: true });
    const db = openDatabase(tmp, { walJournal: false });
    try {
      const backend = new SqliteBackend(tmp, db);
      const writes = stateWrites(state, nameKey, 1);
      db.transaction(() => {
        backend.apply(writes);
        db.prepare("UPDATE rd_emulator_meta SET value = ? WHERE key = 'sequence'").run(
          String(state.verificationCodes.length),
        );
      }).immediate();
    } finally {
      db.close();
    }
    const backup = existsSync(`${path}.pre-sqlite.json`)
      ? `${path}.pre-sqlite-${Date.now()}.json`
      : `${path}.pre-sqlite.json`;
    copyFileSync(path, backup, constants.COPYFILE_EXCL);
    renameSync(tmp, path);
    return true;
  } finally {
    rmSync(tmp, { force: true });
    closeSync(fd);
    unlinkSync(lock);
  }
}

/**
 * The SQLite backend for `--state-file PATH` (see the top of this file for what each kind of file becomes; a JSON
 * state file's management account names are indexed by `nameKey`). Throws a {@link StateFileError} when the file
 * cannot be used; it is then left as it is.
 */
export function openStateFile(path: string, nameKey: (name: string) => string): SqliteBackend {
  let dirOk: boolean;
  try {
    dirOk = statSync(dirname(path)).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk)
    throw new StateFileError(
      path,
      `its directory ${dirname(path)} does not exist`,
      'Create the directory or give another --state-file.',
    );
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    let head: Buffer | undefined;
    try {
      if (statSync(path).isDirectory()) throw new StateFileError(path, 'it is a directory');
      head = firstBytes(path, 16);
    } catch (e) {
      if (e instanceof StateFileError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new StateFileError(path, `it cannot be read (${code ?? (e as Error).message})`);
    }
    if (head !== undefined && !head.equals(SQLITE_MAGIC)) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new StateFileError(
          path,
          `it cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      if (!migrateJson(path, text, nameKey)) {
        if (Date.now() > deadline)
          throw new StateFileError(
            path,
            `another process has been migrating it to SQLite for ${BUSY_TIMEOUT_MS / 1000} s (lock file` +
              ` ${path}.migrating)`,
            'If no process is, remove the lock file.',
          );
        sleepSync(50);
      }
      continue;
    }
    if (head !== undefined) {
      const foreign = foreignDatabase(path);
      if (foreign) throw new StateFileError(path, foreign);
    }
    try {
      return new SqliteBackend(path, openDatabase(path, { walJournal: true }));
    } catch (e) {
      throw new StateFileError(path, `it cannot be opened as a SQLite database (${(e as Error).message})`);
    }
  }
}
