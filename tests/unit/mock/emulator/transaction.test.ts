// packages/mock/src/emulator/transaction.ts and backend.ts: the one transaction API. With a backend that answers at
// once (in memory, SQLite) a transaction, and a whole store operation, completes in the same turn (no promise); with
// one that answers later (Redis) it is a promise; a commit that finds its reads changed runs the body again. Tables
// are typed: a read gives the table's record type.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { contract } from '../../../../generated/contract.js';
import {
  emulatorRules,
  MemoryBackend,
  openStateFile,
  Store,
  transact,
  type AccountRecord,
  type Backend,
  type Step,
  type Transaction,
} from '../../../../packages/mock/src/emulator/index.js';

const rules = emulatorRules(contract);
const RM = 'ResourceManager/2020-03-31';
const dir = mkdtempSync(join(tmpdir(), 'rd-tx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A backend that answers every call with a promise (as Redis does), over another one. */
function later(inner: Backend): Backend {
  return {
    description: `later ${inner.description}`,
    exclusive: false,
    get: async (table, key) => inner.get(table, key),
    commit: async (reads, writes) => inner.commit(reads, writes),
    head: async (table, limit) => inner.head(table, limit),
    entries: async (table) => inner.entries(table),
    count: async (table) => inner.count(table),
    nextSequence: async () => inner.nextSequence(),
    clear: async () => inner.clear(),
    ready: () => inner.ready(),
    close: () => inner.close(),
  };
}

const account = (accountId: string): AccountRecord => ({
  accountId,
  profile: {},
  resourceDirectoryId: null,
  verificationCodesSent: null,
});

function* rename(tx: Transaction, id: string): Step<string | undefined> {
  const before = yield* tx.read('accounts', 'AK');
  tx.set('accounts', 'AK', account(id));
  return before?.accountId;
}

describe('transact', () => {
  it("reads give the table's record type", () => {
    const _tx = null as unknown as Transaction; // a value only for `typeof`: its type's methods are the subject
    expectTypeOf<ReturnType<typeof _tx.read<'accounts'>>>().toEqualTypeOf<Step<AccountRecord | undefined>>();
    expectTypeOf<ReturnType<typeof _tx.read<'accountIds'>>>().toEqualTypeOf<
      Step<'account' | 'directory' | undefined>
    >();
  });

  it.each([
    ['in memory', () => new MemoryBackend()],
    ['SQLite', () => openStateFile(join(dir, `${Math.random()}.db`), rules.nameKey)],
  ])('%s: completes in the same turn, no promise', async (_name, open) => {
    const backend = open();
    const first = transact(backend, (tx) => rename(tx, '1'));
    expect(first).toBeUndefined();
    expect(transact(backend, (tx) => rename(tx, '2'))).toBe('1');
    await backend.close();
  });

  it('with a backend that answers later: a promise, with the same result', async () => {
    const backend = later(new MemoryBackend());
    const first = transact(backend, (tx) => rename(tx, '1'));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBeUndefined();
    expect(await transact(backend, (tx) => rename(tx, '2'))).toBe('1');
  });

  it('a commit that finds what it read changed runs the body again, on the new records', async () => {
    const inner = new MemoryBackend();
    const backend = later(inner);
    let runs = 0;
    const result = await transact(backend, function* (tx) {
      runs++;
      const before = yield* tx.read('accounts', 'AK');
      // Another writer changes the record between this read and the commit, once.
      if (runs === 1) inner.commit([], [{ table: 'accounts', key: 'AK', value: account('other') }]);
      tx.set('accounts', 'AK', account(`${before?.accountId ?? 'none'}+1`));
      return before?.accountId;
    });
    expect([runs, result]).toEqual([2, 'other']);
    expect(inner.get('accounts', 'AK')?.value.accountId).toBe('other+1');
  });
});

describe('the store answers in the same turn when its backend does', () => {
  const attempt = {
    action: 'EnableResourceDirectory',
    api: RM,
    accessKeyId: 'AK-TURN',
    site: undefined,
    enable: { mode: 'CurrentAccount' },
  } as const;

  it.each([
    ['in memory', () => new MemoryBackend(), false],
    ['SQLite', () => openStateFile(join(dir, `${Math.random()}.db`), rules.nameKey), false],
    ['a backend that answers later', () => later(new MemoryBackend()), true],
  ])('%s', async (_name, open, promised) => {
    const store = new Store({ site: undefined, now: Date.now, codeTtlMs: 60_000, rules }, open());
    const enabled = store.enable(attempt, false);
    expect(enabled instanceof Promise).toBe(promised);
    expect('directory' in (await enabled)).toBe(true);
    const sent = store.sendCode(RM, 'AK-TURN-2', undefined, '852-61234567');
    expect(sent instanceof Promise).toBe(promised);
    expect('code' in (await sent)).toBe(true);
    const again = store.getResourceDirectory(RM, 'AK-TURN', undefined);
    expect(again instanceof Promise).toBe(promised);
    expect(await again).toEqual(await enabled);
    await store.backend.close();
  });
});
