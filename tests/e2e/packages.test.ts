// The three packages as a user gets them (scripts/pack.ts): `npm pack` of each workspace, checked by publint and
// @arethetypeswrong/cli; the client alone installed into an empty project (its footprint, its types under a consumer's
// `tsc --strict`, `import` and `require`, a signed call); and the README's "Use it in your project" run as written in
// another empty project: its install command, `npx rd-mock --stateful`, the vitest global setup and test, the CI job's
// steps. The one liberty: the packages are not on the registry, so the install command names their tarballs (and the
// contract's, which the others depend on) where the README names the packages.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  emptyProject,
  installedPackages,
  npmEnv,
  npmInstall,
  packWorkspaces,
  type Packed,
} from '../../scripts/pack.js';
import { verifyAcs3, verifyRpc } from '../../packages/client/src/protocol/signing.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { repoRoot } from '../helpers/contract.js';

const run = promisify(execFile);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'rd-packages-'));
const children: ChildProcess[] = [];
let packed: Packed[] = [];
const tarball = (name: string) => packed.find((p) => p.name === name)!.tarball;

beforeAll(async () => {
  packed = await packWorkspaces(scratch);
}, 600_000);
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command; resolves with its exit code and output instead of rejecting. */
async function attempt(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = npmEnv,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('npm pack of each workspace', () => {
  it('ships dist/, package.json and CHANGELOG.md only (nothing from tests or scripts), with a version', () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      '@rd-contract/client',
      '@rd-contract/contract',
      '@rd-contract/mock',
    ]);
    for (const p of packed) {
      expect(p.version, p.name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(p.files, p.name).toContain('CHANGELOG.md');
      expect(p.files, p.name).toContain('package.json');
      for (const f of p.files) expect(f, p.name).toMatch(/^(package\.json|CHANGELOG\.md|README\.md|dist\/.+)$/);
    }
    const mock = packed.find((p) => p.name === '@rd-contract/mock')!;
    expect(mock.files).toContain('dist/cli/main.js');
    expect(mock.files).toContain('dist/testing/index.js');
    expect(mock.files).toContain('dist/docs/index.html');
    expect(mock.files).toContain('dist/docs/control/index.html');
    const contract = packed.find((p) => p.name === '@rd-contract/contract')!;
    expect(contract.files).toEqual(expect.arrayContaining(['dist/control/openapi.yaml', 'dist/control/openapi.json']));
  });

  it(
    "every `exports` entry lists `types` first, and the client's only dependencies are openapi-fetch and the" +
      ' contract',
    () => {
      for (const name of ['contract', 'client', 'mock']) {
        const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'));
        for (const [key, target] of Object.entries<unknown>(pkg.exports)) {
          if (typeof target === 'object' && target) expect(Object.keys(target)[0], `${name} ${key}`).toBe('types');
        }
      }
      const client = JSON.parse(readFileSync(join(repoRoot, 'packages', 'client', 'package.json'), 'utf8'));
      expect(Object.keys(client.dependencies).sort()).toEqual(['@rd-contract/contract', 'openapi-fetch']);
    },
  );

  it.each(['@rd-contract/contract', '@rd-contract/client', '@rd-contract/mock'])(
    '%s: publint finds nothing',
    async (name) => {
      const { code, out } = await attempt(bin('publint'), [tarball(name), '--strict'], scratch);
      expect(out).toContain('All good!');
      expect(code).toBe(0);
    },
    120_000,
  );

  // ESM only, by choice: Node 20.19+ and 22.12+ require() an ES module, so the node10 and node16-from-CJS columns,
  // which assume require cannot load one, are left out (`--profile esm-only`); `require` is tested for real below.
  it.each(['@rd-contract/contract', '@rd-contract/client', '@rd-contract/mock'])(
    '%s: @arethetypeswrong/cli finds no problem (profile esm-only)',
    async (name) => {
      const { code, out } = await attempt(
        bin('attw'),
        [tarball(name), '--profile', 'esm-only', '--format', 'ascii'],
        scratch,
      );
      const rows = out.split('\n').filter((l) => /^(node16 \(from ESM\)|bundler):/.test(l));
      expect(rows.length).toBeGreaterThanOrEqual(4); // two entry points at least, each resolved both ways
      // (wildcard subpaths, the descriptions, are not resolved by attw: the import test below loads one)
      expect(rows.filter((l) => !l.includes('🟢') && !l.includes('(wildcard)'))).toEqual([]);
      expect(code).toBe(0);
    },
    120_000,
  );
});

describe('the client, installed alone into an empty project', () => {
  const project = join(scratch, 'client-only');
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
    mkdirSync(project);
    emptyProject(project);
    await npmInstall(project, [tarball('@rd-contract/contract'), tarball('@rd-contract/client')]);
  }, 300_000);
  afterAll(() => server?.close());

  it('adds at most 5 third-party packages and 1.5 MB, runs no install script, builds no native code', () => {
    const installed = installedPackages(project);
    const ours = installed.filter((p) => p.name.startsWith('@rd-contract/'));
    const theirs = installed.filter((p) => !p.name.startsWith('@rd-contract/'));
    expect(ours.map((p) => p.name).sort()).toEqual(['@rd-contract/client', '@rd-contract/contract']);
    expect(theirs.length).toBeLessThanOrEqual(5);
    expect(theirs.reduce((n, p) => n + p.bytes, 0)).toBeLessThanOrEqual(1.5 * 1024 * 1024);
    expect(installed.filter((p) => p.hasInstallScript || p.nativeFiles > 0)).toEqual([]);
  });

  it.each(['import', 'require'])(
    'loads with %s and sends signed requests (both algorithms)',
    async (how) => {
      const load =
        how === 'import'
          ? "const { createClient, ResourceDirectoryValidationError } = await import('@rd-contract/client'); const {" +
            " contract } = await import('@rd-contract/contract');"
          : "const { createClient, ResourceDirectoryValidationError } = require('@rd-contract/client'); const {" +
            " contract } = require('@rd-contract/contract');";
      const preamble =
        how === 'import'
          ? "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
          : '';
      const file = join(project, `use-${how}.${how === 'import' ? 'mjs' : 'cjs'}`);
      writeFileSync(
        file,
        `
      ${preamble}
      (async () => {
        ${load}
        const rdm = require('@rd-contract/contract/ResourceDirectoryMaster-2022-04-19/openapi.json');
        const out = { actions: Object.keys(contract.apis['ResourceManager/2020-03-31'].actions),` +
          ` rdmVersion: rdm.info.version, results: [] };
        for (const signatureAlgorithm of ['ACS3-HMAC-SHA256', 'HMAC-SHA1']) {
          const c = createClient({ api: 'ResourceDirectoryMaster/2022-04-19', endpoint: process.argv[2],` +
          ` accessKeyId: 'PackId', accessKeySecret: 'PackSecret0123', signatureAlgorithm });
          const { data, error } = await c.EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: true });
          out.results.push({ id: data?.ResourceDirectory?.ResourceDirectoryId, error });
        }
        try {
          await createClient({ accessKeyId: 'a', accessKeySecret: 'b' })` +
          `.EnableResourceDirectory({ EnableMode: 'Nope' });
        } catch (e) {
          out.validation = { isValidationError: e instanceof ResourceDirectoryValidationError,` +
          ` code: e.code, parameter: e.parameter };
        }
        console.log(JSON.stringify(out));
      })();
    `,
      );
      const before = server.requests.length;
      const { stdout } = await run(process.execPath, [file, server.origin], { cwd: project });
      const out = JSON.parse(stdout);
      expect(out.actions).toEqual([
        'EnableResourceDirectory',
        'InitResourceDirectory',
        'SendVerificationCodeForEnableRD',
        'GetResourceDirectory',
      ]);
      expect(out.rdmVersion).toBe('2022-04-19');
      expect(out.results).toEqual([{ id: 'rd-54****' }, { id: 'rd-54****' }]);
      expect(out.validation).toEqual({ isValidationError: true, code: 'InvalidParameter', parameter: 'EnableMode' });
      const [acs3, v1] = server.requests.slice(before);
      expect(acs3!.url).toBe('/?EnableMode=CurrentAccount&DryRun=true');
      expect(
        verifyAcs3(
          { method: acs3!.method, pathname: acs3!.path, query: acs3!.query, headers: acs3!.headers, body: acs3!.body },
          'PackSecret0123',
        ).ok,
      ).toBe(true);
      expect(verifyRpc(v1!.method, v1!.query, 'PackSecret0123').ok).toBe(true);
    },
    60_000,
  );

  it.each(['NodeNext', 'Bundler'])(
    "type-checks in a consumer's tsc --strict, moduleResolution %s, no skipLibCheck",
    async (resolution) => {
      const dir = join(project, `ts-${resolution}`);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: resolution === 'Bundler' ? 'ESNext' : 'NodeNext',
            moduleResolution: resolution,
            lib: ['ES2022', 'DOM'],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      writeFileSync(
        join(dir, 'consumer.ts'),
        `
      import { createClient, ResourceDirectoryClientError, ResourceDirectoryValidationError,` +
          ` type EnableResourceDirectoryError } from '@rd-contract/client';
      import { contract } from '@rd-contract/contract';
      export const apis: string[] = Object.keys(contract.apis);
      const client = createClient({ signatureAlgorithm: 'HMAC-SHA1', retry: true, timeoutMs: 5000, site: 'intl' });
      export async function enable(): Promise<string> {
        try {
          const { data, error } = await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' },` +
          ` { headers: { Prefer: 'code=200' } });
          if (error) return explain(error);
          return data.ResourceDirectory.ResourceDirectoryId;
        } catch (e) {
          if (e instanceof ResourceDirectoryValidationError && e.action === 'EnableResourceDirectory') return e.code;
          if (e instanceof ResourceDirectoryClientError) return e.code;
          throw e;
        }
      }
      function explain(error: EnableResourceDirectoryError): string {
        return error.Code === 'EntityAlreadyExists.ResourceDirectory' ? 'already enabled' : error.Message;
      }
      // @ts-expect-error NewManagementAccount needs MAName, MASecureMobilePhone and VerificationCode
      client.EnableResourceDirectory({ EnableMode: 'NewManagementAccount' });
      // @ts-expect-error unknown action
      client.DisableResourceDirectory();
    `,
      );
      const { code, out } = await attempt(
        process.execPath,
        [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--pretty', 'false'],
        dir,
      );
      expect(out).toBe('');
      expect(code).toBe(0);
    },
    120_000,
  );
});

/**
 * The README's example of a contract test with the journal and a fault (its path "Testing your code"): file and code.
 */
function readmeMockExample(): { file: string; code: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((c) => c.startsWith('// journal-and-faults.test.ts\n'))!;
  return { file: /^\/\/ (\S+\.test\.ts)$/m.exec(code)![1]!, code };
}

/** The README's "Use it in your project" section: its code blocks, by language and first-line comment. */
function readmeSection(): { sh: string; setup: string; config: string; testFile: string; test: string; ci: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your project');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
  const ts = blocks.filter((b) => b.lang === 'ts');
  const setup = ts.find((b) => b.code.startsWith('// vitest.setup.ts'))!.code;
  const config = /^\/\/ vitest\.setup\.ts \(vitest\.config\.ts: (.+)\)$/m.exec(setup)![1]!;
  const test = ts.find((b) => !b.code.startsWith('// vitest.setup.ts'))!.code;
  return {
    sh: blocks.find((b) => b.lang === 'sh')!.code,
    setup,
    config: `export default { ${config} };\n`,
    testFile: /^\/\/ (\S+\.test\.ts)$/m.exec(test)![1]!,
    test,
    ci: blocks.find((b) => b.lang === 'yaml')!.code,
  };
}

describe("the README's newcomer path, in an empty project", () => {
  const project = join(scratch, 'readme');
  const section = readmeSection();
  const commands = section.sh
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);

  beforeAll(async () => {
    mkdirSync(project);
    emptyProject(project);
    // `npm i -D @rd-contract/mock @rd-contract/client vitest`, with tarballs for our packages
    const install = commands[0]!.split(/\s+/);
    expect(install.slice(0, 3)).toEqual(['npm', 'i', '-D']);
    const specs = install.slice(3).map((s) => (s.startsWith('@rd-contract/') ? tarball(s) : s));
    await npmInstall(project, ['-D', ...specs, tarball('@rd-contract/contract')]);
  }, 600_000);

  it('names the two packages and vitest in its install command', () => {
    expect(commands[0]).toBe('npm i -D @rd-contract/mock @rd-contract/client vitest');
    expect(commands[1]).toBe('npx rd-mock --stateful');
  });

  it("installs JavaScript that names no closure at run time (tsx's keepNames, see docs/performance.md)", () => {
    let files = 0;
    for (const pkg of ['mock', 'client', 'contract']) {
      const dist = join(project, 'node_modules', '@rd-contract', pkg, 'dist');
      for (const f of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.js'))) {
        expect(readFileSync(join(dist, f), 'utf8'), `${pkg}/dist/${f}`).not.toMatch(/__name\(/);
        files++;
      }
    }
    expect(files).toBeGreaterThan(50);
  });

  it(
    '`npx rd-mock --stateful`: the URL first on stdout, a stateful mock, and a signal to the npx process frees the' +
      ' port',
    async () => {
      const [npx, ...args] = commands[1]!.split(/\s+/);
      // PORT=0: a free port (4010, the default, may be taken on a shared machine)
      const child = spawn(npx!, args, {
        cwd: project,
        env: { ...npmEnv, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        child.on('exit', (code) => reject(new Error(`npx rd-mock exited ${code} before printing its URL`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const codes = await fetch(`${url}/_emulator/verification-codes`);
      expect([codes.status, await codes.json()]).toEqual([200, []]);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 1_000)); // the node process notices its npm is gone within 250 ms
      const after = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) }).then(
        () => 'answered',
        (e: Error & { cause?: { code?: string } }) => e.cause?.code,
      );
      expect(after).toBe('ECONNREFUSED');
    },
    60_000,
  );

  it('a flag whose optional peer is not installed exits 2 with the install command', async () => {
    const sqlite = await attempt('npx', ['rd-mock', '--state-file', join(project, 'state.db'), '--port', '0'], project);
    expect(sqlite.code).toBe(2);
    expect(sqlite.out).toContain(
      '--state-file needs better-sqlite3, an optional peer dependency of @rd-contract/mock that is not installed',
    );
    expect(sqlite.out).toContain('npm install --save-dev "better-sqlite3@^12.0.0"');
    const redis = await attempt('npx', ['rd-mock', '--state', 'redis://127.0.0.1:1/0', '--port', '0'], project);
    expect(redis.code).toBe(2);
    expect(redis.out).toContain('npm install --save-dev "ioredis@^6.0.0"');
    writeFileSync(join(project, 'faults.yaml'), '- action: GetResourceDirectory\n  error: Throttling\n');
    const yaml = await attempt('npx', ['rd-mock', '--faults', join(project, 'faults.yaml'), '--port', '0'], project);
    expect(yaml.code).toBe(2);
    expect(yaml.out).toContain(
      '--faults with a YAML file needs yaml, an optional peer dependency of @rd-contract/mock',
    );
    expect(yaml.out).toContain('npm install --save-dev "yaml@^2.0.0"');
  }, 60_000);

  it(
    "the vitest global setup and test, the README's journal-and-faults test, and the CI job's steps, pass under the" +
      " project's own vitest",
    async () => {
      writeFileSync(join(project, 'vitest.setup.ts'), section.setup);
      writeFileSync(join(project, 'vitest.config.ts'), section.config);
      writeFileSync(join(project, section.testFile), section.test);
      const example = readmeMockExample();
      writeFileSync(join(project, example.file), example.code);
      const job = Object.values<{ steps: { run?: string; uses?: string }[] }>(parse(section.ci).jobs)[0]!;
      const steps = job.steps.flatMap((s) => (s.run ? [s.run] : []));
      expect(steps).toEqual(['npm ci', 'npx vitest run']);
      for (const step of steps) {
        const [file, ...args] = step.split(/\s+/);
        const { code, out } = await attempt(file!, args, project);
        expect(code, `${step}\n${out}`).toBe(0);
        if (step === 'npx vitest run') expect(out).toMatch(/2 passed/);
      }
    },
    300_000,
  );
});
