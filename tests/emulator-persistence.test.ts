// The emulator's state file and concurrency: state survives a restart; a file that is not a state of the emulator is
// refused at start-up and left untouched (library: StateFileError; CLI: exit 1); writes are atomic and one at a time,
// and an answer is sent only once its change is on disk; 50 simultaneous requests never create two directories.
// Also the CLI flags --stateful / --state-file. Every API answer is checked against the contract.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, StateFileError } from '../src/mock/index.js';
import { nodeIo, type StateFileIo } from '../src/mock/emulator/index.js';
import { repoRoot } from './helpers/contract.js';
import { mockScript, scriptArgs } from './helpers/cli.js';
import { newAccount, startEmulator, type Emu } from './helpers/emulator.js';

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
const readState = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('persistence across restarts', () => {
  it('start, enable, close; start again with the same file: the same directories, codes and counts', async () => {
    const file = join(tmp(), 'state.json');
    const first = await emulator({ stateful: { stateFile: file } });
    expect(existsSync(file)).toBe(false); // nothing is written before a change
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
    expect((await second.call('GetResourceDirectory', 'AK-2')).body.ResourceDirectory).toMatchObject(b.body.ResourceDirectory);
    expect((await second.call('EnableResourceDirectory', 'AK-1', { EnableMode: 'CurrentAccount' })).code).toBe('EntityAlreadyExists.ResourceDirectory');
    // The name stays used, the code stays consumed, the count and profile stay.
    const c = await second.sendCode('AK-5', '852-61234567');
    expect((await second.call('EnableResourceDirectory', 'AK-5', newAccount('persist-admin', c.phone, c.code))).code).toBe('InvalidParameter.ManagementAccountName.AlreadyUsed');
    const codes = (await second.control('GET', '/_emulator/verification-codes')).body;
    expect(codes.map((x: { account: string; status: string }) => `${x.account} ${x.status}`)).toEqual(['AK-1 consumed', 'AK-3 valid', 'AK-5 valid']);
    expect((await second.control('GET', '/_emulator/accounts/AK-3')).body.verificationCodesSentToday).toBe(1);
    expect((await second.call('InitResourceDirectory', 'AK-4')).code).toBe('Invalid.AccountType');
    expect(second.problems).toEqual([]);
  });

  it('a success is answered only once it is on disk, and every answer finds the file complete', async () => {
    const file = join(tmp(), 'state.json');
    const emu = await emulator({ stateful: { stateFile: file } });
    const init = await emu.call('InitResourceDirectory', 'AK-1');
    expect(readState(file).accounts['AK-1'].resourceDirectoryId).toBe(init.body.ResourceDirectory.ResourceDirectoryId);
    await emu.sendCode('AK-2');
    expect(readState(file).verificationCodes).toHaveLength(1);
    await emu.profile('AK-3', { site: 'china' });
    expect(readState(file).accounts['AK-3'].profile).toEqual({ site: 'china' });
    expect((await emu.control('POST', '/_emulator/reset')).status).toBe(200);
    expect(readState(file)).toEqual({ format: 'rd-emulator-state', version: 1, accounts: {}, directories: {}, verificationCodes: [] });
    // An error changes nothing and writes nothing.
    const before = readFileSync(file, 'utf8');
    expect((await emu.call('GetResourceDirectory', 'AK-1')).status).toBe(404);
    expect(readFileSync(file, 'utf8')).toBe(before);
    // No temporary files are left behind.
    expect(readdirSync(join(file, '..'))).toEqual(['state.json']);
  });

  it('a dry run does not write', async () => {
    let writes = 0;
    const io: StateFileIo = { ...nodeIo, writeFile: (p, t) => (writes++, nodeIo.writeFile(p, t)) };
    const emu = await emulator({ stateful: { stateFile: join(tmp(), 'state.json'), io } });
    expect((await emu.call('EnableResourceDirectory', 'AK', { EnableMode: 'CurrentAccount', DryRun: 'true' })).status).toBe(200);
    expect(writes).toBe(0);
    expect((await emu.call('EnableResourceDirectory', 'AK', { EnableMode: 'CurrentAccount' })).status).toBe(200);
    expect(writes).toBe(1);
  });

  it('reset is persisted', async () => {
    const file = join(tmp(), 'state.json');
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
  const account = { accountId: '1234567890123456', profile: {}, resourceDirectoryId: null, verificationCodesSent: null };
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": "rd-emulator-state", ', /is not JSON/],
    ['empty', '', /is not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['another format', JSON.stringify({ ...valid, format: 'something-else' }), /format: must be "rd-emulator-state"/],
    ['another version', JSON.stringify({ ...valid, version: 2 }), /version: must be 1/],
    ['a missing field', JSON.stringify({ format: 'rd-emulator-state', version: 1, accounts: {}, directories: {} }), /verificationCodes is missing/],
    ['an unknown field', JSON.stringify({ ...valid, extra: 1 }), /unknown field "extra"/],
    ['a bad account id', JSON.stringify({ ...valid, accounts: { AK: { ...account, accountId: '12' } } }), /accounts\["AK"\]\.accountId/],
    ['a bad profile value', JSON.stringify({ ...valid, accounts: { AK: { ...account, profile: { site: 'mars' } } } }), /profile\.site: must be intl or china/],
    ['a dangling directory', JSON.stringify({ ...valid, accounts: { AK: { ...account, resourceDirectoryId: 'rd-abc123' } } }), /no directory rd-abc123/],
    ['a bad code', JSON.stringify({ ...valid, verificationCodes: [{ phone: '852-61234567', code: '12345', account: 'AK', sentAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-01T00:05:00.000Z', consumedAt: null, supersededAt: null }] }), /verificationCodes\[0\]\.code/],
  ];

  it.each(cases)('%s: createMockServer throws StateFileError naming the problem; the file is unchanged', (_what, content, message) => {
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
  });

  it('a file written by the emulator loads (the checker accepts what the writer writes)', async () => {
    const file = join(tmp(), 'state.json');
    const emu = await emulator({ stateful: { stateFile: file } });
    const sent = await emu.sendCode('AK', '852-61234567');
    await emu.call('EnableResourceDirectory', 'AK', newAccount('ok-admin', sent.phone, sent.code));
    await emu.sendCode('AK2', '852-61234567');
    await emu.sendCode('AK2', '852-61234567');
    await emu.profile('AK3', { site: 'intl', accountType: 'individual', enterpriseVerified: false, enterpriseName: '', inAnotherResourceDirectory: true, phone: '852-61234567', name: 'n' });
    expect(() => createMockServer({ port: 0, stateful: { stateFile: file } })).not.toThrow();
  });

  it('a directory that does not exist is refused at start', () => {
    const file = join(tmp(), 'missing', 'state.json');
    expect(() => createMockServer({ port: 0, stateful: { stateFile: file } })).toThrow(/its directory .* does not exist/);
  });

  it('a path that is a directory is refused', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'state.json'));
    expect(() => createMockServer({ port: 0, stateful: { stateFile: join(dir, 'state.json') } })).toThrow(StateFileError);
  });
});

describe('writes', () => {
  it('one at a time, coalesced, and each answer waits for a write that includes its change', async () => {
    const file = join(tmp(), 'state.json');
    let active = 0;
    let maxActive = 0;
    let writes = 0;
    let onDisk = '';
    const io: StateFileIo = {
      ...nodeIo,
      async writeFile(path, text) {
        active++;
        writes++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 15));
        await nodeIo.writeFile(path, text);
      },
      async rename(from, to) {
        await nodeIo.rename(from, to);
        onDisk = readFileSync(to, 'utf8');
        active--;
      },
    };
    const late: string[] = [];
    const emu = await emulator({
      stateful: { stateFile: file, io },
      onResponse: (e) => {
        if (e.status !== 200) return;
        const ak = new URL(e.url, 'http://x').searchParams.get('AccessKeyId')!;
        if (!JSON.parse(onDisk || '{"accounts":{}}').accounts[ak]) late.push(ak);
      },
    });
    const n = 40;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => emu.call('InitResourceDirectory', `AK-${i}`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(late).toEqual([]);
    expect(maxActive).toBe(1);
    expect(writes).toBeGreaterThan(1);
    expect(writes).toBeLessThan(n); // changes made while a write runs go into the next one
    expect(Object.keys(readState(file).accounts)).toHaveLength(n);
    expect(emu.problems).toEqual([]);
  });

  it('the file is whole at every moment of a burst of changes', async () => {
    const file = join(tmp(), 'state.json');
    const emu = await emulator({ stateful: { stateFile: file } });
    let reading = true;
    let reads = 0;
    const bad: string[] = [];
    const reader = (async () => {
      while (reading) {
        if (existsSync(file)) {
          const text = readFileSync(file, 'utf8');
          reads++;
          try {
            JSON.parse(text);
          } catch {
            bad.push(text.slice(0, 80));
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(Array.from({ length: 60 }, (_, i) => emu.call('SendVerificationCodeForEnableRD', `AK-${i % 7}`)));
    reading = false;
    await reader;
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(readState(file).verificationCodes).toHaveLength(60);
  });

  it('a failed write answers 500 InternalError, keeps the change in memory, and the next write saves it', async () => {
    const file = join(tmp(), 'state.json');
    let fail = true;
    const io: StateFileIo = { ...nodeIo, writeFile: (p, t) => (fail ? Promise.reject(new Error('disk full')) : nodeIo.writeFile(p, t)) };
    const errors: unknown[] = [];
    const emu = await emulator({ stateful: { stateFile: file, io }, onError: (e) => errors.push(e) });
    const r = await emu.call('InitResourceDirectory', 'AK-1');
    expect([r.status, r.code]).toEqual([500, 'InternalError']);
    expect(String(errors[0])).toMatch(/disk full/);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(join(file, '..'))).toEqual([]); // the temporary file is removed
    expect((await emu.call('GetResourceDirectory', 'AK-1')).status).toBe(200);
    fail = false;
    expect((await emu.call('InitResourceDirectory', 'AK-2')).status).toBe(200);
    expect(Object.keys(readState(file).accounts).sort()).toEqual(['AK-1', 'AK-2']);
    expect(emu.problems).toEqual([]);
  });
});

describe('50 requests at once, through HTTP', () => {
  it.each([['in memory', false], ['with a state file', true]] as const)('%s: one account enables once; 49 get EntityAlreadyExists', async (_what, withFile) => {
    const file = join(tmp(), 'state.json');
    const emu = await emulator(withFile ? { stateful: { stateFile: file } } : {});
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => emu.call(i % 2 ? 'EnableResourceDirectory' : 'InitResourceDirectory', 'AK-SAME', i % 2 ? { EnableMode: 'CurrentAccount' } : {})));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'EntityAlreadyExists.ResourceDirectory')).toHaveLength(49);
    const state = (await emu.control('GET', '/_emulator/state')).body;
    expect(Object.keys(state.directories)).toEqual([ok[0]!.body.ResourceDirectory.ResourceDirectoryId]);
    expect((await emu.call('GetResourceDirectory', 'AK-SAME')).body.ResourceDirectory.ResourceDirectoryId).toBe(ok[0]!.body.ResourceDirectory.ResourceDirectoryId);
    if (withFile) expect(Object.keys(readState(file).directories)).toEqual(Object.keys(state.directories));
    expect(emu.problems).toEqual([]);
  });

  it('50 accounts race for one management account name: one wins, 49 get AlreadyUsed', async () => {
    const emu = await emulator({ stateful: { stateFile: join(tmp(), 'state.json') } });
    const codes = [];
    for (let i = 0; i < 50; i++) codes.push(await emu.sendCode(`AK-${i}`, '852-61234567'));
    const answers = await Promise.all(codes.map((c, i) => emu.call('EnableResourceDirectory', `AK-${i}`, newAccount('contested', c.phone, c.code))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.code === 'InvalidParameter.ManagementAccountName.AlreadyUsed')).toHaveLength(49);
    expect(emu.problems).toEqual([]);
  });

  it('50 codes at once for one account are all counted', async () => {
    const emu = await emulator();
    const answers = await Promise.all(Array.from({ length: 50 }, () => emu.call('SendVerificationCodeForEnableRD', 'AK-Q')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await emu.control('GET', '/_emulator/accounts/AK-Q')).body.verificationCodesSentToday).toBe(50);
    const statuses = (await emu.control('GET', '/_emulator/verification-codes?account=AK-Q')).body.map((c: { status: string }) => c.status);
    expect(statuses.filter((s: string) => s === 'valid')).toHaveLength(1);
  });
});

// ----------------------------------------------------------------------------------------------- the CLI

const script = mockScript;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, scriptArgs(script, args), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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
const run = (args: string[]) => spawnSync(process.execPath, scriptArgs(script, args), { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
const rpc = (url: string, action: string, ak: string, extra = '') => fetch(`${url}/?Action=${action}&Version=2020-03-31&AccessKeyId=${ak}${extra}`, { method: 'POST' });

describe('npm run mock -- --stateful / --state-file', () => {
  it('--stateful: state in memory, control routes, anonymous refused', async () => {
    const { child, url, stderr } = await start(['--port', '0', '--stateful']);
    expect(stderr()).toMatch(/stateful \(0 accounts, 0 directories, in memory; control routes on http:\/\/127\.0\.0\.1:\d+\/_emulator\/\)/);
    expect((await rpc(url, 'GetResourceDirectory', 'AK')).status).toBe(404);
    expect((await rpc(url, 'InitResourceDirectory', 'AK')).status).toBe(200);
    expect((await rpc(url, 'GetResourceDirectory', 'AK')).status).toBe(200);
    expect((await (await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`)).json()).Code).toBe('IncompleteSignature');
    expect(Object.keys((await (await fetch(`${url}/_emulator/state`)).json()).directories)).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('--state-file: the state survives a restart of the process', async () => {
    const file = join(tmp(), 'state.json');
    const one = await start(['--port', '0', '--state-file', file]);
    const enabled = await (await rpc(one.url, 'EnableResourceDirectory', 'AK', '&EnableMode=CurrentAccount')).json();
    one.child.kill('SIGTERM');
    expect(await exited(one.child)).toBe(0);
    const two = await start(['--port', '0', '--state-file', file]);
    expect(two.stderr()).toMatch(/stateful \(1 account, 1 directory, file .*state\.json/);
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

  it('--state-file with an empty path is refused with exit code 2', () => {
    const r = run(['--state-file', '']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--state-file needs a path/);
  });

  it('--help lists the flags and the control routes', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const text of ['--stateful', '--state-file <path>', 'GET  /_emulator/state', 'POST /_emulator/reset', '/_emulator/verification-codes[?account=&phone=]', '/_emulator/accounts/<AccessKeyId>', 'a code lives 5 minutes']) {
      expect(r.stdout).toContain(text);
    }
  });
});
