// `npm run mock` (packages/mock/src/cli/mock.ts): flags and environment, the URL alone on one line of stdout, a clean
// stop on SIGINT / SIGTERM, and clear refusals of bad flags.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer } from '../../packages/mock/src/index.js';
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import {
  alibabaProblem,
  codeOf,
  httpExchange,
  parseResponses,
  rawExchange,
  type RawResponse,
  type RawResult,
} from '../helpers/wire.js';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the CLI; resolves with the first stdout line (the URL) once printed. */
function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandArgs('mock', args), {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, commandArgs('mock', args), {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

/**
 * Like `run`, without blocking: for the many refusals, run concurrently (so not killed by the afterEach of another).
 */
const runAsync = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, commandArgs('mock', args), {
      cwd: repoRoot,
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

  it(
    'the process the tests start is the mock itself: killing it (SIGKILL, the clean-up after a failure) leaves' +
      ' nothing serving',
    async () => {
      const { child, url } = await start(['--port', '0']);
      child.kill('SIGKILL');
      expect(await exited(child)).toEqual({ code: null, signal: 'SIGKILL' });
      const after = await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
        signal: AbortSignal.timeout(5_000),
      }).then(
        (r) => `answered ${r.status}`,
        (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.name,
      );
      expect(after).toBe('ECONNREFUSED');
    },
  );

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

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'started as a user does, `npm run mock`: %s to the npm process ends the mock and frees the port',
    async (signal) => {
      const npm = spawn('npm', ['run', 'mock', '--', '--port', '0'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(npm);
      // npm prints its banner first; the mock's first line is its URL
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        npm.stdout!.on('data', (d: Buffer) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith('http://'));
          if (line) resolve(line);
        });
        npm.on('exit', (code) => reject(new Error(`npm run mock exited ${code} before printing a URL:\n${out}`)));
      });
      expect((await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`)).status).toBe(200);
      npm.kill(signal);
      expect(await exited(npm)).toEqual({ code: 0, signal: null });
      // the node process npm started has stopped too: nothing answers on the port
      const after = await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
        signal: AbortSignal.timeout(5_000),
      }).then(
        (r) => `answered ${r.status}`,
        (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.name,
      );
      expect(after).toBe('ECONNREFUSED');
    },
  );

  it('--verify-signatures with MOCK_ACCESS_KEYS', async () => {
    const { child, url, stderr } = await start(['--port', '0', '--verify-signatures', '--site', 'china'], {
      MOCK_ACCESS_KEYS: 'id1:s1,id2:s2',
    });
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
    const rule = await fetch(
      `${url}/?Action=SendVerificationCodeForEnableRD&Version=2020-03-31&SecureMobilePhone=852-61234567`,
    );
    expect((await rule.json()).Code).toBe('InvalidParameter.MobileCountryCode');
    const message = await fetch(
      `${url}/?Action=EnableResourceDirectory&Version=2020-03-31` +
        '&__example=NotSupport.AccountInAnotherResourceDirectory',
    );
    expect((await message.json()).Message).toMatch(
      /^Your account is a management account for another resource directory/,
    );
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

describe('npm run mock: the limit flags', () => {
  const API = '/?Action=GetResourceDirectory&Version=2020-03-31';
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const portOf = (url: string) => Number(new URL(url).port);

  /** The documented answer past a limit (packages/mock/src/mock/server.ts, tests/unit/mock/frontend/limits.test.ts):
   * one Alibaba-shaped 400 InvalidParameter with `connection: close` and a message matching `message`, then the
   * connection closed. */
  function expectRefused(r: RawResult, message: RegExp): RawResponse {
    const { responses, rest, malformed } = parseResponses(r.data);
    expect(malformed, r.data.toString('latin1')).toBe(false);
    expect(responses, r.data.toString('latin1')).toHaveLength(1);
    expect(rest.length).toBe(0);
    expect(r.timedOut, 'the server did not answer and close in time').toBe(false);
    const a = responses[0]!;
    expect(alibabaProblem(a)).toBeUndefined();
    expect([a.status, codeOf(a.body), a.headers.connection?.toLowerCase()]).toEqual([400, 'InvalidParameter', 'close']);
    expect(JSON.parse(a.body.toString('utf8')).Message).toMatch(message);
    return a;
  }

  it(
    '--max-body-bytes 100: a form body of 100 bytes is read, one of 200 bytes is refused (400 InvalidParameter,' +
      ' connection closed)',
    async () => {
      const { child, url } = await start(['--port', '0', '--max-body-bytes', '100']);
      const base = 'Action=GetResourceDirectory&Version=2020-03-31&Pad=';
      const body = (n: number) => base + 'p'.repeat(n - base.length);
      const ok = await httpExchange(portOf(url), { method: 'POST', headers: FORM, body: body(100) });
      expect(ok.status, ok.body.toString()).toBe(200);
      const over = await rawExchange(
        portOf(url),
        `POST / HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length:` +
          ` 200\r\n\r\n${body(200)}`,
        { timeoutMs: 3_000 },
      );
      expectRefused(over, /The request body is larger than 100 bytes\./);
      child.kill('SIGTERM');
      expect((await exited(child)).code).toBe(0);
    },
  );

  it(
    '--max-header-bytes 1024: a 2 000-byte header is refused (400 InvalidParameter, connection closed), 500 bytes' +
      ' are fine',
    async () => {
      const { child, url } = await start(['--port', '0', '--max-header-bytes', '1024']);
      const over = await rawExchange(
        portOf(url),
        `GET ${API} HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(2_000)}\r\n\r\n`,
        { timeoutMs: 3_000 },
      );
      expectRefused(over, /The request line and headers are larger than 1024 bytes\./);
      expect((await httpExchange(portOf(url), { path: API, headers: { 'x-pad': 'a'.repeat(500) } })).status).toBe(200);
      child.kill('SIGTERM');
      expect((await exited(child)).code).toBe(0);
    },
  );

  it(
    '--headers-timeout-ms 300 --request-timeout-ms 800: a request stopped in its headers is cut off after ~300 ms,' +
      ' one stopped in its body after ~800 ms',
    async () => {
      const { child, url } = await start(['--port', '0', '--headers-timeout-ms', '300', '--request-timeout-ms', '800']);
      const [headers, body] = await Promise.all([
        rawExchange(portOf(url), `GET ${API} HTTP/1.1\r\nHost: x\r\n`, { timeoutMs: 3_000 }),
        rawExchange(
          portOf(url),
          `POST ${API} HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length:` +
            ` 10\r\n\r\nabc`,
          { timeoutMs: 3_000 },
        ),
      ]);
      // (the defaults, 10 s and 30 s, would leave both hanging past the 3 s deadline)
      for (const r of [headers, body])
        expectRefused(r, /not received in time \(headers within 300 ms, the whole request within 800 ms\)/);
      // below the 3 s deadline, with room for a loaded 2-core machine; each cut off after its own timeout
      // (lower bounds)
      expect(headers.elapsedMs).toBeGreaterThanOrEqual(250);
      expect(headers.elapsedMs).toBeLessThan(2_800);
      expect(body.elapsedMs).toBeGreaterThanOrEqual(750);
      expect(body.elapsedMs).toBeLessThan(2_900);
      child.kill('SIGTERM');
      expect((await exited(child)).code).toBe(0);
    },
  );

  it('--request-timeout-ms 400 alone lowers the headers timeout to it', async () => {
    const { child, url } = await start(['--port', '0', '--request-timeout-ms', '400']);
    const r = await rawExchange(portOf(url), `GET ${API} HTTP/1.1\r\nHost: x\r\n`, { timeoutMs: 3_000 });
    expectRefused(r, /not received in time \(headers within 400 ms, the whole request within 400 ms\)/);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(350);
    expect(r.elapsedMs).toBeLessThan(2_800); // below the 3 s deadline; the default 10 s would pass it
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
  });

  it('--headers-timeout-ms equal to --request-timeout-ms is accepted', async () => {
    const { child, url } = await start(['--port', '0', '--headers-timeout-ms', '500', '--request-timeout-ms', '500']);
    expect((await httpExchange(portOf(url), { path: API })).status).toBe(200);
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
  });

  const flags = ['--max-body-bytes', '--max-header-bytes', '--headers-timeout-ms', '--request-timeout-ms'];
  it.concurrent.each(flags.flatMap((flag) => ['0', '-1', 'abc', '1.5'].map((value) => [flag, value] as const)))(
    '%s "%s" is refused with exit code 2, naming the flag and the value',
    async (flag, value) => {
      const r = await runAsync([flag, value]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`mock: ${flag} must be a positive integer (decimal digits), got "${value}"`);
      expect(r.stderr).toMatch(/Usage: rd-mock \[mock\] \[options\]/);
      expect(r.stdout).toBe('');
    },
  );

  it.concurrent.each([
    [['--max-body-bytes=-5'], /--max-body-bytes must be a positive integer \(decimal digits\), got "-5"/],
    [['--max-header-bytes', '1e3'], /--max-header-bytes must be a positive integer \(decimal digits\), got "1e3"/],
    [['--request-timeout-ms', ''], /--request-timeout-ms must be a positive integer \(decimal digits\), got ""/],
    [
      ['--max-header-bytes', '99999999999999999999'],
      /--max-header-bytes must be at most 9007199254740991, got "99999999999999999999"/,
    ],
    [['--request-timeout-ms'], /'--request-timeout-ms <value>' argument missing/],
    [
      ['--headers-timeout-ms', '2000', '--request-timeout-ms', '1000'],
      /--headers-timeout-ms \(2000\) must not exceed --request-timeout-ms \(1000\)/,
    ],
    // against the default request timeout, 30 s
    [
      ['--headers-timeout-ms', '40000'],
      /--headers-timeout-ms \(40000\) must not exceed --request-timeout-ms \(30000, its default\)/,
    ],
  ] as const)('%j is refused with exit code 2', async (args, message) => {
    const r = await runAsync([...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/cannot load the contract/);
    expect(r.stdout).toBe('');
  });

  it("--help documents each limit flag with its default, and the defaults are the library's", () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    const defaultOf = (flag: string) =>
      Number(new RegExp(`^  ${flag} <n>[^\\n]*(?:\\n {29}[^\\n]*)*?\\(default (\\d+)`, 'm').exec(r.stdout)?.[1]);
    type Settings = { maxHeaderSize: number; headersTimeout: number; requestTimeout: number };
    const d = createMockServer({ port: 0 }).server as unknown as Settings;
    expect(flags.map(defaultOf)).toEqual([1024 * 1024, d.maxHeaderSize, d.headersTimeout, d.requestTimeout]);
  });

  it("every flag of --help is in docs/mock.md's table of the mock's flags", () => {
    const usage = run(['--help']).stdout;
    const listed = [...usage.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(listed).toEqual(expect.arrayContaining(['--port', '--state-file', '--seed', '--faults', ...flags]));
    const page = readFileSync(join(repoRoot, 'docs', 'mock.md'), 'utf8');
    const rows = page.split('\n').filter((line) => line.startsWith('| `-'));
    expect(listed.filter((flag) => !rows.some((row) => row.includes(`\`${flag}`)))).toEqual([]);
  });
});

describe('npm run mock: the contract-test flags', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rd-mock-cli-'));
  const file = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };

  it.concurrent.each([
    [['--seed', '-1'], /--seed must be an integer from 0 to 4294967295, got "-1"/],
    [['--seed', '4294967296'], /--seed must be an integer from 0 to 4294967295, got "4294967296"/],
    [['--seed', 'abc'], /--seed must be an integer/],
    [['--journal-size', 'many'], /--journal-size must be an integer from 0/],
    [
      ['--clock', 'yesterday'],
      /--clock must be an ISO 8601 time with its offset, e.g. 2024-01-02T03:04:05Z, got "yesterday"/,
    ],
    [['--clock', '2024-01-02T03:04:05'], /--clock must be an ISO 8601 time with its offset/],
    [['--faults', '/nonexistent/faults.yaml'], /--faults \/nonexistent\/faults\.yaml: cannot be read \(ENOENT\)/],
    [['--coverage-report', ''], /--coverage-report needs a path/],
  ] as const)('%j is refused with exit code 2, naming the flag', async (args, message) => {
    const r = await runAsync([...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.concurrent.each([
    ['bad.json', '[{"action": ', /--faults .*bad\.json: not JSON/],
    ['bad.yaml', '- action: [unclosed', /--faults .*bad\.yaml: not YAML/],
    [
      'undocumented.yaml',
      '- action: GetResourceDirectory\n  error: EntityAlreadyExists.ResourceDirectory\n',
      new RegExp(
        [
          /--faults .*undocumented\.yaml: rule 0: /.source,
          /EntityAlreadyExists\.ResourceDirectory is not an error code GetResourceDirectory documents; /.source,
          /documented: .*ResourceDirectoryNotInUse/.source,
        ].join(''),
      ),
    ],
    [
      'object.json',
      '{"action": "GetResourceDirectory"}',
      /--faults .*object\.json: the fault rules must be a JSON array of rules/,
    ],
  ] as const)('a bad --faults file (%s) exits 2 naming the file and what is wrong', async (name, text, message) => {
    const r = await runAsync(['--faults', file(name, text)]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it(
    '--faults (YAML) applies from the start;' + ' --coverage-report is written on SIGTERM with the share exercised',
    async () => {
      const faults = file(
        'faults.yaml',
        '# throttle the first Get\n- action: GetResourceDirectory\n  error: Throttling.User\n  times: 1\n',
      );
      const report = join(scratch, 'coverage.json');
      const { child, url, stderr } = await start(['--port', '0', '--faults', faults, '--coverage-report', report]);
      const first = await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`);
      expect(first.status).toBe(400);
      expect(first.headers.get('x-acs-retry-after')).toBe('1000');
      expect((await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31`)).status).toBe(200);
      child.kill('SIGTERM');
      expect((await exited(child)).code).toBe(0);
      const written = JSON.parse(readFileSync(report, 'utf8'));
      expect(written).toMatchObject({ exercised: 2, documented: expect.any(Number), share: expect.any(Number) });
      expect(written.share).toBeCloseTo(2 / written.documented, 4);
      expect(stderr()).toMatch(
        new RegExp(`coverage 2/${written.documented} documented answers \\(\\d+\\.\\d %\\) written to`),
      );
    },
  );

  it(
    'two mocks started with the same --seed and --clock' + ' answer the same requests with byte-identical bodies',
    async () => {
      const bodies = async () => {
        const { child, url } = await start([
          '--port',
          '0',
          '--stateful',
          '--seed',
          '2024',
          '--clock',
          '2024-01-02T03:04:05Z',
          '--journal-size',
          '0',
        ]);
        const out: string[] = [];
        for (const q of [
          'Action=SendVerificationCodeForEnableRD',
          'Action=EnableResourceDirectory&EnableMode=CurrentAccount',
          'Action=GetResourceDirectory',
        ]) {
          out.push(
            await (await fetch(`${url}/?${q}&Version=2022-04-19&AccessKeyId=AK-CLI`, { method: 'POST' })).text(),
          );
        }
        out.push(JSON.stringify(await (await fetch(`${url}/_emulator/verification-codes`)).json()));
        child.kill('SIGTERM');
        await exited(child);
        return out;
      };
      const [a, b] = await Promise.all([bodies(), bodies()]);
      expect(a).toEqual(b);
      expect(a[2]).toContain('"CreateTime":"2024-01-02T03:04:05.000Z"');
    },
  );
});
