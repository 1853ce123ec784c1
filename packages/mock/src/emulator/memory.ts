/**
 * The state in this process only (`--stateful`): one Map per table, records kept as they are (a record's token is the
 * record itself). It answers at once, and nothing else changes it (`exclusive`), so a request reads, checks and
 * commits in one synchronous run.
 */
import type { Backend, Read, Table, Tables, Versioned, Write } from './backend.js';

type Maps = { [K in Table]: Map<string, Tables[K]> };

function emptyMaps(): Maps {
  return {
    accounts: new Map(),
    directories: new Map(),
    names: new Map(),
    roots: new Map(),
    accountIds: new Map(),
    codes: new Map(),
    accountCodes: new Map(),
    validCodes: new Map(),
  };
}

export class MemoryBackend implements Backend {
  readonly description = 'in memory';
  readonly exclusive = true;
  private maps = emptyMaps();
  private sequence = 0;

  get<K extends Table>(table: K, key: string): Versioned<K> | undefined {
    const value = this.maps[table].get(key);
    return value === undefined ? undefined : { value, token: value };
  }

  commit(reads: readonly Read[], writes: readonly Write[]): boolean {
    for (const r of reads) if (this.maps[r.table].get(r.key) !== r.token) return false;
    for (const w of writes) this.apply(w);
    return true;
  }

  private apply<K extends Table>(w: Write<K>): void {
    const map: Map<string, Tables[K]> = this.maps[w.table];
    if (w.value === undefined) map.delete(w.key);
    else map.set(w.key, w.value);
  }

  head<K extends Table>(table: K, limit: number): Array<[string, Tables[K]]> {
    const out: Array<[string, Tables[K]]> = [];
    for (const entry of this.maps[table]) {
      if (out.length >= limit) break;
      out.push(entry);
    }
    return out;
  }

  entries<K extends Table>(table: K): Array<[string, Tables[K]]> {
    return [...this.maps[table]];
  }

  count(table: Table): number {
    return this.maps[table].size;
  }

  nextSequence(): number {
    return ++this.sequence;
  }

  clear(): void {
    this.maps = emptyMaps();
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
