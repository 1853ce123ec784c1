/**
 * The state in Redis (`--state redis://host:port/db`), through ioredis: emulators on several machines behind a load
 * balancer share one state.
 *
 * - Each (table, key) of ./backend.ts is one Redis string `rd-emulator:<table>:<key>` holding the JSON value; the
 *   codes' order is a sorted set `rd-emulator:codes-order` (score: the code's sequence number).
 * - A commit is one Lua script (atomic in Redis): it compares every value read with what is stored now and, only if
 *   all still hold, applies the writes. Nothing is read and then written from the client.
 * - Sequence numbers come from INCR.
 */
import { createRequire } from 'node:module';
import type { Redis as RedisClient } from 'ioredis';
import type { Backend, Read, Table, Tables, Versioned, Write } from './backend.js';

const PREFIX = 'rd-emulator:';
const ORDER = `${PREFIX}codes-order`;
const CODES = `${PREFIX}codes:`;

/**
 * KEYS: the keys read, then the keys written. ARGV[1]: how many were read; then per key read its expected value
 * ('' = absent, '=' .. value), then per key written its new value ('' = delete, '=' .. value).
 */
const COMMIT_SCRIPT = `
local reads = tonumber(ARGV[1])
for i = 1, reads do
  local current = redis.call('GET', KEYS[i])
  local expected = ARGV[1 + i]
  if expected == '' then
    if current then return 0 end
  elseif (not current) or ('=' .. current) ~= expected then
    return 0
  end
end
local codes = '${CODES}'
for j = reads + 1, #KEYS do
  local key, value = KEYS[j], ARGV[1 + j]
  local isCode = string.sub(key, 1, #codes) == codes
  if value == '' then
    redis.call('DEL', key)
    if isCode then redis.call('ZREM', '${ORDER}', key) end
  else
    redis.call('SET', key, string.sub(value, 2))
    if isCode then redis.call('ZADD', '${ORDER}', tonumber(string.sub(key, #codes + 1)), key) end
  end
end
return 1
`;

/** Deletes every key of the emulator but the sequence (POST /_emulator/reset), in one script. */
const CLEAR_SCRIPT = `
local cursor = '0'
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', '${PREFIX}*', 'COUNT', 1000)
  cursor = r[1]
  for _, key in ipairs(r[2]) do
    if key ~= '${PREFIX}sequence' then redis.call('DEL', key) end
  end
until cursor == '0'
return 1
`;

type Scripted = RedisClient & {
  rdCommit(numKeys: number, ...args: string[]): Promise<number>;
  rdClear(numKeys: number): Promise<number>;
};

const redisKey = (table: Table, key: string): string => `${PREFIX}${table}:${key}`;

export class RedisBackend implements Backend {
  readonly description: string;
  /** Emulators on other machines share the store: a commit checks what the transaction read. */
  readonly exclusive = false;
  private readonly client: Scripted;
  private lastError: Error | undefined;

  constructor(readonly url: string) {
    this.description = `Redis ${url}`;
    let Redis: typeof import('ioredis').Redis;
    try {
      Redis = (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
    } catch (e) {
      throw new Error(
        `the Redis client ioredis cannot be loaded (${(e as Error).message.split('\n')[0]}): run \`npm ci\``,
        { cause: e },
      );
    }
    this.client = new Redis(url, {
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      enableAutoPipelining: true,
    }) as Scripted;
    // Errors reach the operations that fail; the client's own event would otherwise be logged as unhandled.
    this.client.on('error', (e: Error) => {
      this.lastError = e;
    });
    this.client.defineCommand('rdCommit', { lua: COMMIT_SCRIPT });
    this.client.defineCommand('rdClear', { lua: CLEAR_SCRIPT });
  }

  async ready(): Promise<void> {
    try {
      await this.client.ping();
    } catch (e) {
      throw new Error(`cannot reach Redis at ${this.url}: ${(this.lastError ?? (e as Error)).message}`, { cause: e });
    }
  }

  async get<K extends Table>(table: K, key: string): Promise<Versioned<K> | undefined> {
    const text = await this.client.get(redisKey(table, key));
    return text === null ? undefined : { value: JSON.parse(text), token: text };
  }

  async commit(reads: readonly Read[], writes: readonly Write[]): Promise<boolean> {
    const keys = [...reads.map((r) => redisKey(r.table, r.key)), ...writes.map((w) => redisKey(w.table, w.key))];
    const args = [
      String(reads.length),
      ...reads.map((r) => (r.token === undefined ? '' : `=${r.token as string}`)),
      ...writes.map((w) => (w.value === undefined ? '' : `=${JSON.stringify(w.value)}`)),
    ];
    return (await this.client.rdCommit(keys.length, ...keys, ...args)) === 1;
  }

  private async values<K extends Table>(keys: string[]): Promise<Array<[string, Tables[K]]>> {
    const out: Array<[string, Tables[K]]> = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const texts = await this.client.mget(...chunk);
      chunk.forEach((k, j) => {
        const text = texts[j];
        if (text !== null && text !== undefined) out.push([k, JSON.parse(text)]);
      });
    }
    return out;
  }

  private async keysOf(table: Table): Promise<string[]> {
    if (table === 'codes') return this.client.zrange(ORDER, '0', '-1');
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', `${PREFIX}${table}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys.sort();
  }

  private strip<K extends Table>(table: K, entries: Array<[string, Tables[K]]>): Array<[string, Tables[K]]> {
    const prefix = `${PREFIX}${table}:`.length;
    return entries.map(([k, v]) => [k.slice(prefix), v]);
  }

  async head<K extends Table>(table: K, limit: number): Promise<Array<[string, Tables[K]]>> {
    if (table !== 'codes') return (await this.entries(table)).slice(0, limit);
    return this.strip(table, await this.values<K>(await this.client.zrange(ORDER, '0', String(limit - 1))));
  }

  async entries<K extends Table>(table: K): Promise<Array<[string, Tables[K]]>> {
    return this.strip(table, await this.values<K>(await this.keysOf(table)));
  }

  async count(table: Table): Promise<number> {
    return (await this.keysOf(table)).length;
  }

  async nextSequence(): Promise<number> {
    return this.client.incr(`${PREFIX}sequence`);
  }

  async clear(): Promise<void> {
    await this.client.rdClear(0);
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
