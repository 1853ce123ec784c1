// The emulator's state file (SQLite) and concurrency: state survives a restart and kill -9; a JSON state file of
// earlier versions is migrated; a file that is neither is refused at start-up and left untouched (library:
// StateFileError; CLI: exit 1); an answer is sent only once its change is committed; 50 simultaneous requests never
// create two directories, also spread over two processes sharing the file. Also the CLI flags --stateful /
// --state-file / --state. Every API answer is checked against the contract.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, StateFileError } from '../../packages/mock/src/index.js';
import { contract } from '../../generated/contract.js';
import {
  emulatorRules,
  openStateFile,
  Store,
  type EmulatorState,
  type SqliteBackend,
} from '../../packages/mock/src/emulator/index.js';

const rules = emulatorRules(contract);
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import { newAccount, startEmulator, type Emu } from '../helpers/emulator.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rd-emulator-'));
const open: Emu[] = [];
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});
async function emulator(...args: Parameters<typeof startEmulator>): Promise<Emu> {
  const e = await startEmulator(...args);
  open.push(e);
  return e;
}
/** The state in a database file, read through a connection of its own (what another process would see). */
async function readState(file: string): Promise<EmulatorState> {
  const backend = openStateFile(file, rules.nameKey);
  try {
    return await new Store({ site: undefined, now: Date.now, codeTtlMs: 1, rules }, backend).exportState();
  } finally {
    await backend.close();
  }
}
const SQLITE_MAGIC = 'SQLite format 3\0';
const isSqlite = (file: string) => readFileSync(file).subarray(0, 16).toString('latin1') === SQLITE_MAGIC;
/** A SQLite backend whose commits are counted (and can be made to fail). */
function countingBackend(file: string): {
  backend: SqliteBackend;
  commits: () => number;
  failNext: (n: number) => void;
} {
  const backend = openStateFile(file, rules.nameKey);
  const commit = backend.commit.bind(backend);
  let commits = 0;
  let failing = 0;
  backend.commit = (reads, writes) => {
    commits++;
    if (failing > 0) {
      failing--;
      throw new Error('disk full'); // as better-sqlite3 fails: synchronously
    }
    return commit(reads, writes);
  };
  return { backend, commits: () => commits, failNext: (n) => (failing = n) };
}

describe('persistence across restarts', () => {
  it('start, enable, close; start again with the same file: the same directories, codes and counts', async () => {
    const file = join(tmp(), 'state.db');
    const first = await emulator({ stateful: { stateFile: file } });
    expect(isSqlite(file)).toBe(true); // a new database is created at start
    const sent = await first.sendCode('AK-1', '852-61234567');
    const a = await first.call('EnableResourceDirectory', 'AK-1', newAccount('persist-admin', sent.phone, sent.code));
    const b = await first.call('InitResourceDirectory', 'AK-2');
    await first.sendCode('AK-3', '852-61234567');
    await first.profile('AK-4', { accountType: 'individual' });
    expect(first.problems).toEqual([]);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await emulator({ stateful: { stateFile: file } });
    const getA = await second.call('GetResourceDirectory', 'AK-1');
    expect(getA.body.ResourceDirectory).toMatchObject(a.body.ResourceDirectory);
    expect((await second.call('GetResourceDirectory', 'AK-2')).body.ResourceDirectory).toMatchObject(
      b.body.ResourceDirectory,
    );
    expect((await second.call('EnableResourceDirectory', 'AK-1', { EnableMode: 'CurrentAccount' })).code).toBe(
      'EntityAlreadyExists.ResourceDirectory',
    );
    // The name stays used, the code stays consumed, the count and profile stay.
    const c = await second.sendCode('AK-5', '852-61234567');
    expect(
      (await second.call('EnableResourceDirectory', 'AK-5', newAccount('persist-admin', c.phone, c.code))).code,
    ).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
    const codes = (await second.control('GET', '/_emulator/verification-codes')).body;
    expect(codes.map((x: { account: string; status: string }) => `${x.account} ${x.status}`)).toEqual([
      'AK-1 consumed',
      'AK-3 valid',
      'AK-5 valid',
    ]);
    expect((await second.control('GET', '/_emulator/accounts/AK-3')).body.verificationCodesSentToday).toBe(1);
    expect((await second.call('InitResourceDirectory', 'AK-4')).code).toBe('Invalid.AccountType');
    expect(second.problems).toEqual([]);
  });

  it(
    'a success is answered only once it is committed: another connection sees it when the answer' + ' arrives',
    async () => {
      const file = join(tmp(), 'state.db');
      const emu = await emulator({ stateful: { stateFile: file } });
      const init = await emu.call('InitResourceDirectory', 'AK-1');
      expect((await readState(file)).accounts['AK-1']!.resourceDirectoryId).toBe(
        init.body.ResourceDirectory.ResourceDirectoryId,
      );
      await emu.sendCode('AK-2');
      expect((await readState(file)).verificationCodes).toHaveLength(1);
      await emu.profile('AK-3', { site: 'china' });
      expect((await readState(file)).accounts['AK-3']!.profile).toEqual({ site: 'china' });
      expect((await emu.control('POST', '/_emulator/reset')).status).toBe(200);
      expect(await readState(file)).toEqual({
        format: 'rd-emulator-state',
        version: 1,
        accounts: {},
        directories: {},
        verificationCodes: [],
      });
      // An error changes nothing.
      expect((await emu.call('GetResourceDirectory', 'AK-1')).status).toBe(404);
      expect((await readState(file)).accounts).toEqual({});
      // Only the database and SQLite's own WAL and shared-memory files are next to it.
      expect(readdirSync(join(file, '..')).sort()).toEqual(['state.db', 'state.db-shm', 'state.db-wal']);
    },
  );

  it('a dry run commits nothing', async () => {
    const { backend, commits } = countingBackend(join(tmp(), 'state.db'));
    const emu = await emulator({ stateful: { backend } });
    expect(
      (
        await emu.call('EnableResourceDirectory', 'AK', {
          EnableMode: 'CurrentAccount',
          DryRun: 'true',
          Version: '2022-04-19',
        })
      ).status,
    ).toBe(200);
    expect(commits()).toBe(0);
    expect((await emu.call('EnableResourceDirectory', 'AK', { EnableMode: 'CurrentAccount' })).status).toBe(200);
    expect(commits()).toBe(1);
  });

  it('a failed commit answers 500 InternalError and changes nothing; the next one works', async () => {
    const file = join(tmp(), 'state.db');
    const { backend, failNext } = countingBackend(file);
    const errors: unknown[] = [];
    const emu = await emulator({ stateful: { backend }, onError: (e) => errors.push(e) });
    failNext(1);
    const r = await emu.call('InitResourceDirectory', 'AK-1');
    expect([r.status, r.code]).toEqual([500, 'InternalError']);
    expect(String(errors[0])).toMatch(/disk full/);
    expect((await emu.call('GetResourceDirectory', 'AK-1')).code).toBe('ResourceDirectoryNotInUse');
    failNext(1);
    expect((await emu.control('POST', '/_emulator/accounts/AK-2', { site: 'intl' })).status).toBe(500);
    expect((await emu.call('InitResourceDirectory', 'AK-2')).status).toBe(200);
    expect(Object.keys((await readState(file)).accounts)).toEqual(['AK-2']);
    expect(emu.problems).toEqual([]);
  });

  it('reset is persisted', async () => {
    const file = join(tmp(), 'state.db');
    const one = await emulator({ stateful: { stateFile: file } });
    await one.call('InitResourceDirectory', 'AK');
    await one.control('POST', '/_emulator/reset');
    await one.close();
    open.splice(open.indexOf(one), 1);
    const two = await emulator({ stateful: { stateFile: file } });
    expect((await two.call('GetResourceDirectory', 'AK')).code).toBe('ResourceDirectoryNotInUse');
  });
});

describe('a state file that cannot be used is refused and left alone', () => {
  const valid = { format: 'rd-emulator-state', version: 1, accounts: {}, directories: {}, verificationCodes: [] };
  const account = {
    accountId: '1234567890123456',
    profile: {},
    resourceDirectoryId: null,
    verificationCodesSent: null,
  };
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": "rd-emulator-state", ', /is not JSON/],
    ['empty', '', /is not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['another format', JSON.stringify({ ...valid, format: 'something-else' }), /format: must be "rd-emulator-state"/],
    ['another version', JSON.stringify({ ...valid, version: 2 }), /version: must be 1/],
    [
      'a missing field',
      JSON.stringify({ format: 'rd-emulator-state', version: 1, accounts: {}, directories: {} }),
      /verificationCodes is missing/,
    ],
    ['an unknown field', JSON.stringify({ ...valid, extra: 1 }), /unknown field "extra"/],
    [
      'a bad account id',
      JSON.stringify({ ...valid, accounts: { AK: { ...account, accountId: '12' } } }),
      /accounts\["AK"\]\.accountId/,
    ],
    [
      'a bad profile value',
      JSON.stringify({ ...valid, accounts: { AK: { ...account, profile: { site: 'mars' } } } }),
      /profile\.site: must be intl or china/,
    ],
    [
      'a dangling directory',
      JSON.stringify({ ...valid, accounts: { AK: { ...account, resourceDirectoryId: 'rd-abc123' } } }),
      /no directory rd-abc123/,
    ],
    [
      'a bad code',
      JSON.stringify({
        ...valid,
        verificationCodes: [
          {
            phone: '852-61234567',
            code: '12345',
            account: 'AK',
            sentAt: '2025-01-01T00:00:00.000Z',
            expiresAt: '2025-01-01T00:05:00.000Z',
            consumedAt: null,
            supersededAt: null,
          },
        ],
      }),
      /verificationCodes\[0\]\.code/,
    ],
  ];

  it.each(cases)(
    '%s: createMockServer throws StateFileError naming the problem; the file is unchanged',
    (_what, content, message) => {
      const file = join(tmp(), 'state.json');
      writeFileSync(file, content);
      let error: unknown;
      try {
        createMockServer({ port: 0, stateful: { stateFile: file } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateFileError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/It was left as it is/);
      expect(readFileSync(file, 'utf8')).toBe(content);
    },
  );

  it.each([
    ['a binary file', Buffer.from([0x00, 0xff, 0x10, 0x80, 0x01]), /it is not JSON \(.*\), nor a SQLite database/s],
    ['a text file', Buffer.from('hello\n'), /it is not JSON \(.*\), nor a SQLite database/s],
  ])('%s (neither a JSON state nor a SQLite database): refused, unchanged', (_what, content, message) => {
    const file = join(tmp(), 'state.db');
    writeFileSync(file, content);
    expect(() => createMockServer({ port: 0, stateful: { stateFile: file } })).toThrow(message);
    expect(readFileSync(file).equals(content)).toBe(true);
    expect(readdirSync(join(file, '..'))).toEqual(['state.db']);
  });

  it("another application's SQLite database: refused, unchanged", () => {
    const file = join(tmp(), 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    const before = readFileSync(file);
    let error: unknown;
    try {
      createMockServer({ port: 0, stateful: { stateFile: file } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(/it is a SQLite database, but not one of this emulator/);
    expect((error as Error).message).toMatch(/It was left as it is/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(join(file, '..'))).toEqual(['other.db']);
  });

  it('a file written by the emulator loads', async () => {
    const file = join(tmp(), 'state.db');
    const emu = await emulator({ stateful: { stateFile: file } });
    const sent = await emu.sendCode('AK', '852-61234567');
    await emu.call('EnableResourceDirectory', 'AK', newAccount('ok-admin', sent.phone, sent.code));
    await emu.sendCode('AK2', '852-61234567');
    await emu.sendCode('AK2', '852-61234567');
    await emu.profile('AK3', {
      site: 'intl',
      accountType: 'individual',
      enterpriseVerified: false,
      enterpriseName: '',
      inAnotherResourceDirectory: true,
      phone: '852-61234567',
      name: 'n',
    });
    await emu.close();
    open.splice(open.indexOf(emu), 1);
    expect(() => createMockServer({ port: 0, stateful: { stateFile: file } })).not.toThrow();
  });

  it('a directory that does not exist is refused at start', () => {
    const file = join(tmp(), 'missing', 'state.json');
    expect(() => createMockServer({ port: 0, stateful: { stateFile: file } })).toThrow(
      /its directory .* does not exist/,
    );
  });

  it('a path that is a directory is refused', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'state.json'));
    expect(() => createMockServer({ port: 0, stateful: { stateFile: join(dir, 'state.json') } })).toThrow(
      StateFileError,
    );
  });
});

describe('a JSON state file of earlier versions is migrated to SQLite on first start', () => {
  it('same accounts, directories, codes (still usable) and counts; the JSON kept beside it', async () => {
    // A JSON state as the earlier emulator wrote it: its GET /_emulator/state.
    const memory = await emulator();
    const sent = await memory.sendCode('AK-1', '852-61234567');
    const enabled = await memory.call(
      'EnableResourceDirectory',
      'AK-1',
      newAccount('migrated-admin', sent.phone, sent.code),
    );
    await memory.call('InitResourceDirectory', 'AK-2');
    await memory.sendCode('AK-3', '852-62345678');
    const pending = await memory.sendCode('AK-3', '852-62345678');
    await memory.profile('AK-4', { accountType: 'individual', name: 'four' });
    const state = (await memory.control('GET', '/_emulator/state')).body as EmulatorState;
    const json = `${JSON.stringify(state, null, 2)}\n`;
    const file = join(tmp(), 'state.json');
    writeFileSync(file, json);

    const emu = await emulator({ stateful: { stateFile: file, now: memory.clock.now } });
    expect(isSqlite(file)).toBe(true);
    expect(readFileSync(`${file}.pre-sqlite.json`, 'utf8')).toBe(json);
    expect((await emu.control('GET', '/_emulator/state')).body).toEqual(state);
    expect((await emu.call('GetResourceDirectory', 'AK-1')).body.ResourceDirectory).toMatchObject(
      enabled.body.ResourceDirectory,
    );
    // The indexes came along: the name is used, the latest code of AK-3 is valid and the older one replaced.
    const other = await emu.sendCode('AK-5', '852-61234567');
    expect(
      (await emu.call('EnableResourceDirectory', 'AK-5', newAccount('Migrated-Admin', other.phone, other.code))).code,
    ).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
    expect(
      (await emu.control('GET', '/_emulator/verification-codes?account=AK-3')).body.map(
        (c: { status: string }) => c.status,
      ),
    ).toEqual(['superseded', 'valid']);
    expect(
      (await emu.call('EnableResourceDirectory', 'AK-3', newAccount('three-admin', pending.phone, pending.code)))
        .status,
    ).toBe(200);
    expect((await emu.call('InitResourceDirectory', 'AK-4')).code).toBe('Invalid.AccountType');
    expect((await emu.control('GET', '/_emulator/accounts/AK-3')).body.verificationCodesSentToday).toBe(2);
    expect(readdirSync(join(file, '..')).sort()).toEqual([
      'state.json',
      'state.json-shm',
      'state.json-wal',
      'state.json.pre-sqlite.json',
    ]);
    expect(emu.problems).toEqual([]);

    // Started again, it is a database: no second migration.
    await emu.close();
    open.splice(open.indexOf(emu), 1);
    const again = await emulator({ stateful: { stateFile: file, now: memory.clock.now } });
    expect(Object.keys((await again.control('GET', '/_emulator/state')).body.directories)).toHaveLength(3);
    expect(readdirSync(join(file, '..')).filter((f) => f.includes('pre-sqlite'))).toEqual([
      'state.json.pre-sqlite.json',
    ]);
  });
});

describe('50 requests at once, through HTTP', () => {
  it.each([
    ['in memory', false],
    ['with a state file', true],
  ] as const)('%s: one account enables once; 49 get EntityAlreadyExists', async (_what, withFile) => {
    const file = join(tmp(), 'state.db');
    const emu = await emulator(withFile ? { stateful: { stateFile: file } } : {});
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        emu.call(
          i % 2 ? 'EnableResourceDirectory' : 'InitResourceDirectory',
          'AK-SAME',
          i % 2 ? { EnableMode: 'CurrentAccount' } : {},
        ),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'EntityAlreadyExists.ResourceDirectory')).toHaveLength(49);
    const state = (await emu.control('GET', '/_emulator/state')).body;
    expect(Object.keys(state.directories)).toEqual([ok[0]!.body.ResourceDirectory.ResourceDirectoryId]);
    expect((await emu.call('GetResourceDirectory', 'AK-SAME')).body.ResourceDirectory.ResourceDirectoryId).toBe(
      ok[0]!.body.ResourceDirectory.ResourceDirectoryId,
    );
    if (withFile) expect(Object.keys((await readState(file)).directories)).toEqual(Object.keys(state.directories));
    expect(emu.problems).toEqual([]);
  });

  it('50 accounts race for one management account name: one wins, 49 get AlreadyUsed', async () => {
    const emu = await emulator({ stateful: { stateFile: join(tmp(), 'state.db') } });
    const codes = [];
    for (let i = 0; i < 50; i++) codes.push(await emu.sendCode(`AK-${i}`, '852-61234567'));
    const answers = await Promise.all(
      codes.map((c, i) => emu.call('EnableResourceDirectory', `AK-${i}`, newAccount('contested', c.phone, c.code))),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'InvalidParameter.ManagementAccountName.AlreadyUsed')).toHaveLength(49);
    expect(emu.problems).toEqual([]);
  });

  it('50 codes at once for one account are all counted', async () => {
    const emu = await emulator();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => emu.call('SendVerificationCodeForEnableRD', 'AK-Q')),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await emu.control('GET', '/_emulator/accounts/AK-Q')).body.verificationCodesSentToday).toBe(50);
    const statuses = (await emu.control('GET', '/_emulator/verification-codes?account=AK-Q')).body.map(
      (c: { status: string }) => c.status,
    );
    expect(statuses.filter((s: string) => s === 'valid')).toHaveLength(1);
  });
});

// ----------------------------------------------------------------------------------------------- the CLI

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandArgs('mock', args), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    // Resolves once the URL is on stdout and the start-up line on stderr.
    const check = () => {
      const nl = out.indexOf('\n');
      if (nl >= 0 && err.includes('mock: serving')) resolve({ child, url: out.slice(0, nl), stderr: () => err });
    };
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
      check();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      check();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing a URL:\n${out}\n${err}`)));
  });
}
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
const run = (args: string[]) =>
  spawnSync(process.execPath, commandArgs('mock', args), { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
const rpc = (url: string, action: string, ak: string, extra = '') =>
  fetch(`${url}/?Action=${action}&Version=2020-03-31&AccessKeyId=${ak}${extra}`, { method: 'POST' });

describe('npm run mock -- --stateful / --state-file', () => {
  it('--stateful: state in memory, control routes, anonymous refused', async () => {
    const { child, url, stderr } = await start(['--port', '0', '--stateful']);
    expect(stderr()).toMatch(
      /stateful \(0 accounts, 0 directories, in memory; control routes on http:\/\/127\.0\.0\.1:\d+\/_emulator\/\)/,
    );
    expect((await rpc(url, 'GetResourceDirectory', 'AK')).status).toBe(404);
    expect((await rpc(url, 'InitResourceDirectory', 'AK')).status).toBe(200);
    expect((await rpc(url, 'GetResourceDirectory', 'AK')).status).toBe(200);
    expect((await (await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`)).json()).Code).toBe(
      'IncompleteSignature',
    );
    expect(Object.keys((await (await fetch(`${url}/_emulator/state`)).json()).directories)).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('--state-file: the state survives a restart of the process', async () => {
    const file = join(tmp(), 'state.db');
    const one = await start(['--port', '0', '--state-file', file]);
    const enabled = await (await rpc(one.url, 'EnableResourceDirectory', 'AK', '&EnableMode=CurrentAccount')).json();
    one.child.kill('SIGTERM');
    expect(await exited(one.child)).toBe(0);
    const two = await start(['--port', '0', '--state-file', file]);
    expect(two.stderr()).toMatch(/stateful \(1 account, 1 directory, file .*state\.db/);
    const got = await (await rpc(two.url, 'GetResourceDirectory', 'AK')).json();
    expect(got.ResourceDirectory.ResourceDirectoryId).toBe(enabled.ResourceDirectory.ResourceDirectoryId);
    expect(got.ResourceDirectory.CreateTime).toBe(enabled.ResourceDirectory.CreateTime);
    two.child.kill('SIGTERM');
    expect(await exited(two.child)).toBe(0);
  });

  it('a corrupt state file: a clear message, exit code 1, the file unchanged', () => {
    const file = join(tmp(), 'state.json');
    const content = '{"format":"rd-emulator-state","version":1,"accounts":{},"directories":{},"verificationCodes":[';
    writeFileSync(file, content);
    const r = run(['--port', '0', '--state-file', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`The state file ${file} cannot be used: it is not JSON`);
    expect(r.stderr).toMatch(/It was left as it is/);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('--state-file: every acknowledged change survives kill -9', async () => {
    const file = join(tmp(), 'state.db');
    const one = await start(['--port', '0', '--state-file', file]);
    const acknowledged = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        rpc(one.url, 'InitResourceDirectory', `AK-${i}`).then((r) => (r.status === 200 ? `AK-${i}` : undefined)),
      ),
    );
    one.child.kill('SIGKILL');
    await exited(one.child);
    expect(acknowledged.filter(Boolean)).toHaveLength(30);
    const two = await start(['--port', '0', '--state-file', file]);
    expect(two.stderr()).toMatch(/stateful \(30 accounts, 30 directories, file /);
    for (const ak of acknowledged) expect((await rpc(two.url, 'GetResourceDirectory', ak!)).status).toBe(200);
    two.child.kill('SIGTERM');
    expect(await exited(two.child)).toBe(0);
  });

  it(
    'two processes sharing one --state-file: 50 parallel Enables of one account spread over both make one' +
      ' directory',
    async () => {
      const file = join(tmp(), 'state.db');
      const one = await start(['--port', '0', '--state-file', file]);
      const two = await start(['--port', '0', '--state-file', file]);
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
      const id = ok[0]!.body.ResourceDirectory.ResourceDirectoryId;
      for (const url of [one.url, two.url]) {
        expect(Object.keys((await (await fetch(`${url}/_emulator/state`)).json()).directories)).toEqual([id]);
        expect(
          (await (await rpc(url, 'GetResourceDirectory', 'AK-SHARED')).json()).ResourceDirectory.ResourceDirectoryId,
        ).toBe(id);
      }
      // A change made through one is seen by the other at once.
      expect((await rpc(one.url, 'InitResourceDirectory', 'AK-OTHER')).status).toBe(200);
      expect((await rpc(two.url, 'InitResourceDirectory', 'AK-OTHER')).status).toBe(409);
      for (const p of [one, two]) {
        p.child.kill('SIGTERM');
        expect(await exited(p.child)).toBe(0);
      }
    },
  );

  it('a JSON state file given to the CLI is migrated; a foreign file is refused with exit code 1', async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'rd-emulator-state', version: 1, accounts: {}, directories: {}, verificationCodes: [] }),
    );
    const one = await start(['--port', '0', '--state-file', file]);
    expect(isSqlite(file)).toBe(true);
    one.child.kill('SIGTERM');
    expect(await exited(one.child)).toBe(0);
    const foreign = join(dir, 'notes.txt');
    writeFileSync(foreign, 'not a state\n');
    const r = run(['--port', '0', '--state-file', foreign]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`The state file ${foreign} cannot be used: it is not JSON`);
    expect(r.stderr).toMatch(/nor a SQLite database/);
    expect(readFileSync(foreign, 'utf8')).toBe('not a state\n');
  });

  it('--state: a Redis URL only, and not with --state-file', () => {
    expect(run(['--state', 'http://127.0.0.1:6379/0']).stderr).toMatch(/--state must be a Redis URL/);
    expect(run(['--state', 'redis://127.0.0.1:6379/0', '--state-file', 'x.db']).status).toBe(2);
  });

  it('--state: an unreachable Redis is reported, exit code 1', () => {
    const r = run(['--port', '0', '--state', 'redis://127.0.0.1:1/0']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0/);
  });

  it('--state-file with an empty path is refused with exit code 2', () => {
    const r = run(['--state-file', '']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--state-file needs a path/);
  });

  it('--help lists the flags and the control routes', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const text of [
      '--stateful',
      '--state-file <path>',
      '--state <url>',
      'GET  /_emulator/state',
      'POST /_emulator/reset',
      '/_emulator/verification-codes[?account=&phone=]',
      '/_emulator/accounts/<AccessKeyId>',
      'a code lives 5 minutes',
    ]) {
      expect(r.stdout).toContain(text);
    }
  });
});
