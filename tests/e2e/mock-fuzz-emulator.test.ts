// What the fuzzing found in the stateful emulator, pinned with fixed inputs: an AccessKeyId that is an Object.prototype
// name (`__proto__`, `constructor`, `toString`, ...) used to read Object.prototype as the account (500s) and, with
// `__proto__`, to write onto Object.prototype of the whole process. The store now keeps accounts and directories in
// null-prototype records (packages/mock/src/emulator/model.ts `dictionary`), also for a loaded state file. The mock
// runs in a child process here (`npm run mock -- --stateful`), so that a regression cannot pollute this one.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import { VERSION } from '../helpers/mock.js';
import { PROTOTYPE_NAMES } from '../helpers/fuzz.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startChild(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandArgs('mock', ['--stateful', '--port', '0']), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.stderr!.resume(); // the mock logs each InternalError there
    child.on('exit', (code) => reject(new Error(`the mock exited (${code}) before printing its URL`)));
  });
}

const call = async (url: string, query: string): Promise<number> =>
  (await fetch(`${url}/?Version=${VERSION}&${query}`, { method: 'POST', signal: AbortSignal.timeout(5_000) })).status;

describe('stateful emulator: AccessKeyIds that are Object.prototype names', () => {
  it('the names the fuzzers keep away from the stateful servers', () => {
    expect([...PROTOTYPE_NAMES]).toEqual(
      expect.arrayContaining(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']),
    );
  });

  it('such an AccessKeyId is an account like any other (no 5xx, and the server stays healthy)', async () => {
    const url = await startChild();
    const problems: string[] = [];
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      for (const q of [
        'Action=GetResourceDirectory',
        'Action=SendVerificationCodeForEnableRD',
        'Action=InitResourceDirectory',
        'Action=EnableResourceDirectory&EnableMode=CurrentAccount',
      ]) {
        const status = await call(url, `${q}&AccessKeyId=${key}`);
        if (status >= 500) problems.push(`${q} AccessKeyId=${key}: ${status}`);
      }
      const control = await fetch(`${url}/_emulator/accounts/${key}`, {
        method: 'POST',
        body: '{"site":"intl"}',
        signal: AbortSignal.timeout(5_000),
      });
      if (control.status >= 500) problems.push(`POST /_emulator/accounts/${key}: ${control.status}`);
    }
    // an ordinary account afterwards
    const status = await call(url, 'Action=InitResourceDirectory&AccessKeyId=an-ordinary-account');
    if (status !== 200) problems.push(`InitResourceDirectory for an ordinary account afterwards: ${status}`);
    expect(problems).toEqual([]);
  });
});
