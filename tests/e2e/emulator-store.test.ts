// One suite for the emulator's three stores (memory, SQLite, Redis): the same scenarios through HTTP, the one-directory
// guarantee under 50 parallel Enables (for SQLite and Redis also from two emulators sharing the store), the pruning of
// codes past their retention, and constant work per request (the keys an operation reads do not grow with the number
// of accounts). Redis runs on a redis-server the suite starts (skipped with the reason when there is none, except
// under CI=true). Also: two CLI processes sharing one Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../generated/contract.js';
import {
  CODE_RETENTION_MS,
  DEFAULT_CODE_TTL_MS,
  emulatorRules,
  MemoryBackend,
  openStateFile,
  RedisBackend,
  type Backend,
  type Table,
} from '../../packages/mock/src/emulator/index.js';
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import { Clock, newAccount, startEmulator, type Emu } from '../helpers/emulator.js';
import { redisMissing, startRedis, type TestRedis } from '../helpers/redis.js';

const missing = redisMissing();
let redis: TestRedis | undefined;
beforeAll(async () => {
  if (!missing) redis = await startRedis();
}, 20_000);
afterAll(async () => {
  await redis?.stop();
});

interface Kind {
  readonly name: string;
  /** A store; `shared` gives another connection to the same state as the last one made (undefined: not possible). */
  open(shared?: boolean): Backend;
  readonly skip?: string | undefined;
}

let sqliteFile = '';
let redisDb = 0;
const kinds: Kind[] = [
  { name: 'memory', open: (shared) => (shared ? undefined! : new MemoryBackend()) },
  {
    name: 'SQLite',
    open: (shared) => {
      if (!shared) sqliteFile = join(mkdtempSync(join(tmpdir(), 'rd-store-')), 'state.db');
      return openStateFile(sqliteFile, emulatorRules(contract).nameKey);
    },
  },
  {
    name: 'Redis',
    skip: missing,
    open: (shared) => {
      if (!shared) redisDb = (redisDb % 15) + 1;
      return new RedisBackend(redis!.url(redisDb));
    },
  },
];

/** Counts the keys read, per table. */
function counting(backend: Backend): { backend: Backend; reads: Map<Table, number> } {
  const reads = new Map<Table, number>();
  const get = backend.get.bind(backend);
  backend.get = (table, key) => {
    reads.set(table, (reads.get(table) ?? 0) + 1);
    return get(table, key);
  };
  return { backend, reads };
}

describe.each(kinds)('$name store', (kind) => {
  const open: Emu[] = [];
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
  });
  async function emulator(backend: Backend, clock?: Clock): Promise<Emu> {
    const e = await startEmulator({ stateful: { backend }, ...(clock ? { clock } : {}) });
    open.push(e);
    await e.control('POST', '/_emulator/reset');
    return e;
  }
  const run = kind.skip ? it.skip : it;
  if (kind.skip) it.skip(`skipped: ${kind.skip}`, () => {});

  run('a whole scenario: codes, names, dry run, errors in their order, profile, state, reset', async () => {
    const emu = await emulator(kind.open());
    expect((await emu.call('GetResourceDirectory', 'AK-A')).code).toBe('ResourceDirectoryNotInUse');
    const first = await emu.sendCode('AK-A', '852-61234567');
    const second = await emu.sendCode('AK-A', '852-61234567');
    expect(
      (await emu.call('EnableResourceDirectory', 'AK-A', newAccount('Admin-One', first.phone, first.code))).code,
    ).toBe(first.code === second.code ? undefined : 'Invalid.VerificationCode');
    const dry = await emu.call(
      'EnableResourceDirectory',
      'AK-A',
      newAccount('admin-one', second.phone, second.code, { DryRun: 'true', Version: '2022-04-19' }),
    );
    expect(dry.status).toBe(200);
    const enabled = await emu.call(
      'EnableResourceDirectory',
      'AK-A',
      newAccount('admin-one', second.phone, second.code),
    );
    expect(enabled.status).toBe(200);
    expect((await emu.call('GetResourceDirectory', 'AK-A')).body.ResourceDirectory.ResourceDirectoryId).toBe(
      enabled.body.ResourceDirectory.ResourceDirectoryId,
    );
    expect(
      (await emu.control('GET', '/_emulator/verification-codes?account=AK-A')).body.map(
        (c: { status: string }) => c.status,
      ),
    ).toEqual(['superseded', 'consumed']);
    // The name is taken (without case), the code is used up, the account has its directory.
    const other = await emu.sendCode('AK-B', '852-61234567');
    expect(
      (await emu.call('EnableResourceDirectory', 'AK-B', newAccount('ADMIN-ONE', other.phone, other.code))).code,
    ).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
    expect((await emu.call('EnableResourceDirectory', 'AK-A', { EnableMode: 'CurrentAccount' })).code).toBe(
      'EntityAlreadyExists.ResourceDirectory',
    );
    // Precedence: an individual account that already has a directory gets EntityAlreadyExists first.
    await emu.profile('AK-C', { accountType: 'individual', enterpriseVerified: false });
    expect((await emu.call('InitResourceDirectory', 'AK-C')).code).toBe('Invalid.AccountType');
    await emu.profile('AK-C', { accountType: null });
    expect((await emu.call('InitResourceDirectory', 'AK-C')).code).toBe('EnterpriseRealNameVerificationError');
    await emu.profile('AK-C', { enterpriseVerified: null, name: 'root-c' });
    const init = await emu.call('InitResourceDirectory', 'AK-C');
    expect(init.body.ResourceDirectory.MasterAccountName).toBe('root-c');
    const state = (await emu.control('GET', '/_emulator/state')).body;
    expect(Object.keys(state.accounts).sort()).toEqual(['AK-A', 'AK-B', 'AK-C']);
    expect(Object.keys(state.directories)).toHaveLength(2);
    expect(state.verificationCodes.map((c: { account: string }) => c.account)).toEqual(['AK-A', 'AK-A', 'AK-B']);
    expect((await emu.control('GET', '/_emulator/accounts/AK-B')).body.verificationCodesSentToday).toBe(1);
    expect((await emu.control('POST', '/_emulator/reset')).status).toBe(200);
    expect((await emu.control('GET', '/_emulator/state')).body).toEqual({
      format: 'rd-emulator-state',
      version: 1,
      accounts: {},
      directories: {},
      verificationCodes: [],
    });
    expect((await emu.call('GetResourceDirectory', 'AK-A')).code).toBe('ResourceDirectoryNotInUse');
    expect(emu.problems).toEqual([]);
  });

  run(
    '50 parallel Enables of one account make one directory (spread over two emulators sharing the store where it can' +
      ' be shared)',
    async () => {
      const one = await emulator(kind.open());
      const two = kind.name === 'memory' ? one : await startEmulator({ stateful: { backend: kind.open(true) } });
      if (two !== one) open.push(two);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? one : two).call(
            i % 3 ? 'EnableResourceDirectory' : 'InitResourceDirectory',
            'AK-SAME',
            i % 3 ? { EnableMode: 'CurrentAccount' } : {},
          ),
        ),
      );
      const ok = answers.filter((a) => a.status === 200);
      expect(ok).toHaveLength(1);
      expect(answers.filter((a) => a.code === 'EntityAlreadyExists.ResourceDirectory')).toHaveLength(49);
      for (const e of [one, two])
        expect(Object.keys((await e.control('GET', '/_emulator/state')).body.directories)).toEqual([
          ok[0]!.body.ResourceDirectory.ResourceDirectoryId,
        ]);
      // And 50 accounts racing for one name: one wins.
      const codes = [];
      for (let i = 0; i < 50; i++) codes.push(await one.sendCode(`AK-N${i}`, '852-61234567'));
      const named = await Promise.all(
        codes.map((c, i) =>
          (i % 2 ? one : two).call('EnableResourceDirectory', `AK-N${i}`, newAccount('contested', c.phone, c.code)),
        ),
      );
      expect(named.filter((a) => a.status === 200)).toHaveLength(1);
      expect(named.filter((a) => a.code === 'InvalidParameter.ManagementAccountName.AlreadyUsed')).toHaveLength(49);
    },
  );

  run('codes past their retention are forgotten when a code is sent, with their index entries', async () => {
    const clock = new Clock();
    const emu = await emulator(kind.open(), clock);
    await emu.sendCode('AK-OLD', '852-61234567');
    await emu.sendCode('AK-OLD2', '852-61234567');
    clock.advance(DEFAULT_CODE_TTL_MS + CODE_RETENTION_MS - 1); // the last moment the first two are kept
    await emu.sendCode('AK-KEPT', '852-61234567');
    expect(
      (await emu.control('GET', '/_emulator/verification-codes')).body.map((c: { account: string }) => c.account),
    ).toEqual(['AK-OLD', 'AK-OLD2', 'AK-KEPT']);
    clock.advance(1);
    const fresh = await emu.sendCode('AK-NEW', '852-61234567');
    expect(
      (await emu.control('GET', '/_emulator/verification-codes')).body.map(
        (c: { account: string; status: string }) => `${c.account} ${c.status}`,
      ),
    ).toEqual(['AK-KEPT valid', 'AK-NEW valid']);
    expect((await emu.control('GET', '/_emulator/verification-codes?account=AK-OLD')).body).toEqual([]);
    expect(
      (await emu.call('EnableResourceDirectory', 'AK-NEW', newAccount('fresh-admin', fresh.phone, fresh.code))).status,
    ).toBe(200);
    const state = (await emu.control('GET', '/_emulator/state')).body;
    expect(state.verificationCodes).toHaveLength(2);
  });

  run(
    'DELETE /_emulator/accounts/<AccessKeyId> forgets that account (profile, directory, name, codes) and no other',
    async () => {
      const emu = await emulator(kind.open());
      await emu.profile('AK-GONE', { enterpriseName: 'Gone Co.' });
      const sent = await emu.sendCode('AK-GONE', '852-61234567');
      await emu.sendCode('AK-GONE', '852-69876543');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-GONE', newAccount('gone-admin', sent.phone, sent.code))).status,
      ).toBe(200);
      const kept = await emu.sendCode('AK-KEPT', '852-61234567');
      expect((await emu.call('EnableResourceDirectory', 'AK-KEPT', { EnableMode: 'CurrentAccount' })).status).toBe(200);

      const forgotten = await emu.control('DELETE', '/_emulator/accounts/AK-GONE');
      expect(forgotten.body).toEqual({ accessKeyId: 'AK-GONE', forgotten: true });
      expect((await emu.control('DELETE', '/_emulator/accounts/AK-GONE')).body).toEqual({
        accessKeyId: 'AK-GONE',
        forgotten: false,
      });
      expect((await emu.control('GET', '/_emulator/accounts/AK-GONE')).body).toMatchObject({
        enterpriseName: 'Emulated Enterprise Co., Ltd.',
        resourceDirectoryId: null,
        verificationCodesSentToday: 0,
      });
      expect((await emu.call('GetResourceDirectory', 'AK-GONE')).code).toBe('ResourceDirectoryNotInUse');
      expect((await emu.control('GET', '/_emulator/verification-codes?account=AK-GONE')).body).toEqual([]);
      const state = (await emu.control('GET', '/_emulator/state')).body;
      expect(Object.keys(state.accounts)).toEqual(['AK-KEPT']);
      expect(Object.values(state.directories).map((d) => (d as { enabledBy: string }).enabledBy)).toEqual(['AK-KEPT']);
      expect(state.verificationCodes.map((c: { account: string }) => c.account)).toEqual(['AK-KEPT']);
      expect(kept.code).toMatch(/^\d{6}$/);
      // The management account name is free again: a new account can take it.
      const again = await emu.sendCode('AK-NEXT', '852-61234567');
      expect(
        (await emu.call('EnableResourceDirectory', 'AK-NEXT', newAccount('gone-admin', again.phone, again.code)))
          .status,
      ).toBe(200);
    },
  );

  run('constant work: an Enable reads the same keys with 5 accounts as with 500', async () => {
    const { backend, reads } = counting(kind.open());
    const emu = await emulator(backend);
    const enableReads = async (ak: string) => {
      const code = await emu.sendCode(ak, '852-61234567');
      reads.clear();
      expect(
        (await emu.call('EnableResourceDirectory', ak, newAccount(`admin-${ak}`, code.phone, code.code))).status,
      ).toBe(200);
      return Object.fromEntries([...reads].sort());
    };
    for (let i = 0; i < 5; i++) await emu.call('InitResourceDirectory', `AK-${i}`);
    const few = await enableReads('AK-X');
    await Promise.all(Array.from({ length: 495 }, (_, i) => emu.call('InitResourceDirectory', `AK-${i + 5}`)));
    const many = await enableReads('AK-Y');
    expect(many).toEqual(few);
    const total = Object.values(many).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(15);
  });
});

// ----------------------------------------------------------------------------------------------- the CLI on Redis

describe('two CLI processes sharing one Redis (--state redis://...)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  const start = (args: string[]) =>
    new Promise<{ child: ChildProcess; url: string; stderr: () => string }>((resolve, reject) => {
      const child = spawn(process.execPath, commandArgs('mock', args), {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      let err = '';
      const check = () => {
        const nl = out.indexOf('\n');
        if (nl >= 0 && err.includes('mock: serving')) resolve({ child, url: out.slice(0, nl), stderr: () => err });
      };
      child.stdout!.on('data', (d: Buffer) => ((out += d), check()));
      child.stderr!.on('data', (d: Buffer) => ((err += d), check()));
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}\n${err}`)));
    });
  const rpc = (url: string, action: string, ak: string, extra = '') =>
    fetch(`${url}/?Action=${action}&Version=2020-03-31&AccessKeyId=${ak}${extra}`, { method: 'POST' });

  (missing ? it.skip : it)('50 parallel Enables of one account spread over both make one directory', async () => {
    const url = redis!.url(0);
    const one = await start(['--port', '0', '--state', url]);
    const two = await start(['--port', '0', '--state', url]);
    expect(one.stderr()).toMatch(
      /stateful \(0 accounts, 0 directories, Redis redis:\/\/127\.0\.0\.1:\d+\/0; control routes/,
    );
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        rpc(i % 2 ? one.url : two.url, 'EnableResourceDirectory', 'AK-SHARED', '&EnableMode=CurrentAccount').then(
          async (r) => ({ status: r.status, body: await r.json() }),
        ),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.filter((a) => a.body.Code === 'EntityAlreadyExists.ResourceDirectory')).toHaveLength(49);
    for (const u of [one.url, two.url])
      expect(Object.keys((await (await fetch(`${u}/_emulator/state`)).json()).directories)).toEqual([
        ok[0]!.body.ResourceDirectory.ResourceDirectoryId,
      ]);
    for (const p of [one, two]) {
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      await exited;
      expect(p.child.exitCode).toBe(0);
    }
  });
  if (missing) it.skip(`skipped: ${missing}`, () => {});
});
