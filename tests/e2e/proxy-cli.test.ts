// `npm run proxy` (packages/mock/src/cli/proxy.ts): the URL on the first stdout line, then one JSON line per violation;
// credentials from flags or the ALIBABA_CLOUD_* environment (re-signing for an in-process mock that verifies
// signatures); the report written on SIGTERM / SIGINT; bad flags refused with exit 2 naming the flag; the secret
// nowhere in its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../packages/client/src/index.js';
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import { startMock, type TestMock } from '../helpers/mock.js';

const UP_ID = 'LTAI5tCliUpstream';
const UP_SECRET = 'CliUpstreamSecret-0123456789';
const children: ChildProcess[] = [];
let mock: TestMock;
let scratch: string;
beforeAll(async () => {
  mock = await startMock({ verifySignatures: true, accessKeys: { [UP_ID]: UP_SECRET } });
  scratch = mkdtempSync(join(tmpdir(), 'rd-proxy-cli-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await mock.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Without the ALIBABA_CLOUD_* variables a developer may have set.
const cleanEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('ALIBABA_CLOUD_') && k !== 'HOST' && k !== 'PORT'),
  );

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandArgs('proxy', args), {
      cwd: repoRoot,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    let resolved = false;
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      // the start line on stderr follows the URL: wait for it too
      if (nl >= 0 && !resolved) {
        const wait = () =>
          err.includes('proxy: http')
            ? ((resolved = true), resolve({ child, url: out.slice(0, nl), stdout: () => out, stderr: () => err }))
            : setTimeout(wait, 10);
        wait();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing a URL:\n${out}\n${err}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

const run = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, commandArgs('proxy', args), {
      cwd: repoRoot,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('npm run proxy', () => {
  it(
    "re-signs with the environment's key, prints violations as JSON lines, and writes the report on" + ' SIGTERM',
    async () => {
      const report = join(scratch, 'report.json');
      const p = await start(['--upstream', mock.url, '--port', '0', '--report', report], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: UP_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: UP_SECRET,
      });
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(p.stderr()).toContain(`re-signing every request as ${UP_ID}`);
      for (const signatureAlgorithm of ['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const) {
        const client = createClient({
          endpoint: p.url,
          accessKeyId: 'caller',
          accessKeySecret: 'caller-secret',
          signatureAlgorithm,
        });
        const { error, response } = await client.GetResourceDirectory({});
        expect(error).toBeUndefined();
        expect(response.status).toBe(200);
      }
      const bad = await fetch(`${p.url}/?Action=EnableResourceDirectory&Version=2020-03-31&EnableMode=Bogus`, {
        method: 'POST',
      });
      const requestId = bad.headers.get('x-acs-request-id');
      p.child.kill('SIGTERM');
      expect(await exited(p.child)).toBe(0);
      const lines = p
        .stdout()
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.rule).sort()).toEqual(['request.parameter', 'request.signature']);
      for (const l of lines) {
        expect(Object.keys(l)).toEqual(
          expect.arrayContaining(['time', 'RequestId', 'action', 'direction', 'rule', 'where', 'expected']),
        );
        expect(l.RequestId).toBe(requestId);
        expect(l.action).toBe('EnableResourceDirectory');
      }
      const summary = JSON.parse(readFileSync(report, 'utf8'));
      expect(summary).toMatchObject({
        requests: 3,
        answered: 3,
        conforming: 2,
        violations: { total: 2, byRule: { 'request.parameter': 1, 'request.signature': 1 } },
      });
      expect(summary.violations.byAction.EnableResourceDirectory).toEqual({
        'request.parameter': 1,
        'request.signature': 1,
      });
      expect(summary.violations.examples['request.parameter'][0].where).toBe('query.EnableMode');
      const everything = p.stdout() + p.stderr() + readFileSync(report, 'utf8');
      expect(everything).not.toContain(UP_SECRET);
    },
  );

  it('takes the key from flags; SIGINT stops it too', async () => {
    const p = await start([
      '--upstream',
      mock.url,
      '--port',
      '0',
      '--access-key-id',
      UP_ID,
      '--access-key-secret',
      UP_SECRET,
      '--errors',
      '--strict-fields',
      '--site',
      'intl',
      '--cors',
      '--upstream-timeout-ms',
      '5000',
    ]);
    expect(p.stderr()).toMatch(/violations answered as errors/);
    expect(p.stderr()).toMatch(/undocumented response fields: errors; CORS for \*/);
    const client = createClient({ endpoint: p.url, accessKeyId: 'caller', accessKeySecret: 'caller-secret' });
    expect((await client.GetResourceDirectory({})).response.status).toBe(200);
    p.child.kill('SIGINT');
    expect(await exited(p.child)).toBe(0);
    expect(p.stdout() + p.stderr()).not.toContain(UP_SECRET);
  });

  it('without credentials says it forwards unchanged', async () => {
    const p = await start(['--upstream', mock.url, '--port', '0']);
    expect(p.stderr()).toContain('no credentials: forwarding requests unchanged');
    const client = createClient({
      endpoint: p.url,
      accessKeyId: UP_ID,
      accessKeySecret: UP_SECRET,
      signatureAlgorithm: 'HMAC-SHA1',
    });
    expect((await client.GetResourceDirectory({})).response.status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await exited(p.child)).toBe(0);
  });

  it('--help', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    for (const flag of [
      '--upstream',
      '--host',
      '--port',
      '--access-key-id',
      '--access-key-secret',
      '--security-token',
      '--site',
      '--errors',
      '--strict-fields',
      '--report',
      '--cors',
      '--upstream-timeout-ms',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it("every flag of --help is in docs/proxy.md's table of the proxy's flags", async () => {
    const usage = (await run(['--help'])).stdout;
    const listed = [...usage.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(10);
    const page = readFileSync(join(repoRoot, 'docs', 'proxy.md'), 'utf8');
    const section = page.slice(0, page.indexOf('## A contract check against Alibaba Cloud'));
    const rows = section.split('\n').filter((line) => line.startsWith('| `-'));
    expect(listed.filter((flag) => !rows.some((row) => row.includes(`\`${flag}`)))).toEqual([]);
  });

  it.each([
    [[], '--upstream is required'],
    [['--upstream', 'not a url'], '--upstream must be a URL'],
    [['--upstream', 'ftp://example.com'], '--upstream must be an http(s) origin'],
    [['--upstream', 'https://example.com/path'], '--upstream must be an http(s) origin'],
    [['--upstream', 'http://127.0.0.1:1', '--port', 'x'], '--port must be a number'],
    [['--upstream', 'http://127.0.0.1:1', '--port', '-1'], '--port must be a number'],
    [['--upstream', 'http://127.0.0.1:1', '--site', 'mars'], '--site must be intl or china'],
    [
      ['--upstream', 'http://127.0.0.1:1', '--upstream-timeout-ms', '0'],
      '--upstream-timeout-ms must be a positive integer',
    ],
    [['--upstream', 'http://127.0.0.1:1', '--cors', 'ftp://x'], '--cors takes * or an origin'],
    [['--upstream', 'http://127.0.0.1:1', '--report', ' '], '--report needs a file'],
    [['--upstream', 'http://127.0.0.1:1', '--access-key-id', 'id'], '--access-key-id needs --access-key-secret'],
    [
      ['--upstream', 'http://127.0.0.1:1', '--access-key-secret', 'sssecret'],
      '--access-key-secret needs --access-key-id',
    ],
    [['--upstream', 'http://127.0.0.1:1', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with exit 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('sssecret');
  });
});
