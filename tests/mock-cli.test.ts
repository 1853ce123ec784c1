// `npm run mock` (scripts/mock.ts): flags and environment, the URL alone on one line of stdout, a clean stop on
// SIGINT / SIGTERM, and clear refusals of bad flags.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/contract.js';

const tsxCli = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const script = join(repoRoot, 'scripts', 'mock.ts');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the CLI; resolves with the first stdout line (the URL) once printed. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, script, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: out.slice(0, nl), stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing a URL:\n${out}\n${err}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [tsxCli, script, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });

describe('npm run mock', () => {
  it('prints only the URL on stdout, serves, and stops cleanly on SIGTERM', async () => {
    const { child, url } = await start(['--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`);
    expect(res.status).toBe(200);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });

  it('HOST and PORT from the environment; SIGINT stops it too', async () => {
    const probe = await start(['--port', '0']);
    const port = new URL(probe.url).port;
    probe.child.kill('SIGTERM');
    await exited(probe.child);
    const { child, url } = await start([], { HOST: '127.0.0.1', PORT: port });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    child.kill('SIGINT');
    expect(await exited(child)).toEqual({ code: 0, signal: null });
  });

  it('--verify-signatures with MOCK_ACCESS_KEYS', async () => {
    const { child, url, stderr } = await start(['--port', '0', '--verify-signatures', '--site', 'china'], { MOCK_ACCESS_KEYS: 'id1:s1,id2:s2' });
    const unsigned = await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`);
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json()).Code).toBe('IncompleteSignature');
    expect(stderr()).toMatch(/verified \(2 keys\)/);
    expect(stderr()).toMatch(/site china/);
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
  });

  it('--site china applies the China site rules and messages', async () => {
    const { child, url } = await start(['--port', '0', '--site', 'china']);
    const rule = await fetch(`${url}/?Action=SendVerificationCodeForEnableRD&Version=2020-03-31&SecureMobilePhone=852-61234567`);
    expect((await rule.json()).Code).toBe('InvalidParameter.MobileCountryCode');
    const message = await fetch(`${url}/?Action=EnableResourceDirectory&Version=2020-03-31&__example=NotSupport.AccountInAnotherResourceDirectory`);
    expect((await message.json()).Message).toMatch(/^Your account is a management account for another resource directory/);
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
  });

  it('--help prints the usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--verify-signatures/);
    expect(r.stdout).toMatch(/--site <intl\|china>/);
  });

  it.each([
    [['--site', 'mars'], {}, /--site must be intl or china/],
    [['--port', 'abc'], {}, /--port must be a number/],
    [['--frobnicate'], {}, /Unknown option/],
    [['--verify-signatures'], { MOCK_ACCESS_KEYS: '' }, /needs keys in MOCK_ACCESS_KEYS/],
    [['--verify-signatures'], { MOCK_ACCESS_KEYS: 'nocolon' }, /id:secret/],
  ] as const)('%j is refused with exit code 2', (args, env, message) => {
    const r = run([...args], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a port in use is a clear error, exit code 1', async () => {
    const { child, url } = await start(['--port', '0']);
    const r = run(['--port', new URL(url).port]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot listen/);
    child.kill('SIGTERM');
    await exited(child);
  });
});
