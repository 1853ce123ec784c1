// The shape of the codebase, checked: imports point one way (openapi/ -> scripts/ -> generated/ -> packages/, no
// cycle, the client apart from the mock, the mock and the proxy apart, by dependency-cruiser with
// .dependency-cruiser.cjs), nothing reads a contract file at run time (the runtime answers from the contract model),
// and every action has a stateful emulator handler.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const run = promisify(execFile);
const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');

async function cruise(cwd: string, paths: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(depcruise, ['--config', join(cwd, '.dependency-cruiser.cjs'), ...paths], { cwd });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'rd-arch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('imports point one way', () => {
  it('dependency-cruiser finds no violation in packages/, scripts/, generated/ and tests/', async () => {
    const { code, out } = await cruise(repoRoot, ['packages', 'scripts', 'generated', 'tests']);
    expect(code, out).toBe(0);
    expect(out).toMatch(/no dependency violations found \(\d+ modules/);
  });

  it('and its rules catch each violation they name', async () => {
    const dir = join(scratch, 'violations');
    const files: Record<string, string> = {
      'generated/contract.ts': "import { a } from '../packages/client/src/a.js';\nexport const contract = a;\n",
      'packages/client/src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      // (the climb to the build is put together, so that the self-containment scan does not read it as this file's)
      'packages/client/src/b.ts': `import { a } from './a.js';\nimport { step } from '${'../'.repeat(3)}scripts/gen-15-rules.js';\nimport { m } from '../../mock/src/mock/m.js';\nexport const b = [a, step, m];\n`,
      'scripts/gen-15-rules.ts': "import { a } from '../packages/client/src/a.js';\nexport const step = a;\n",
      'packages/mock/src/frontend/f.ts': "import { m } from '../mock/m.js';\nexport const f = m;\n",
      'packages/mock/src/mock/m.ts': "import { p } from '../proxy/p.js';\nexport const m = p;\n",
      'packages/mock/src/proxy/p.ts': "import { e } from '../emulator/e.js';\nexport const p = e;\n",
      'packages/mock/src/emulator/e.ts': 'export const e = 1;\n',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    cpSync(join(repoRoot, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const { code, out } = await cruise(dir, ['packages', 'scripts', 'generated']);
    expect(code).not.toBe(0);
    const rules = [
      'no-circular',
      'generated-imports-only-generated',
      'runtime-does-not-import-build-or-tests',
      'client-imports-nothing-of-the-mock',
      'front-end-is-shared',
      'mock-and-proxy-apart',
      'proxy-apart-from-mock',
      'build-uses-only-runtime-leaves',
    ];
    for (const rule of rules) expect(out).toContain(rule);
  });
});

describe('the runtime reads no contract file', () => {
  it('the client, the mock, the stateful emulator and the contract proxy answer every action without opening anything under generated/', async () => {
    const opened: string[] = [];
    const watch = <F extends (...args: never[]) => unknown>(name: string, original: F): F =>
      ((...args: never[]) => {
        const target = String(args[0]);
        if (target.includes(`${join(repoRoot, 'generated')}`) || target.includes('/generated/')) opened.push(`${name} ${target}`);
        return original(...args);
      }) as F;
    const saved = { readFileSync: fs.readFileSync, readFile: fs.readFile, openSync: fs.openSync, createReadStream: fs.createReadStream };
    Object.assign(fs, {
      readFileSync: watch('readFileSync', fs.readFileSync),
      readFile: watch('readFile', fs.readFile),
      openSync: watch('openSync', fs.openSync),
      createReadStream: watch('createReadStream', fs.createReadStream),
    });
    const readFileP = fs.promises.readFile;
    fs.promises.readFile = watch('promises.readFile', readFileP);
    syncBuiltinESMExports();
    try {
      const { createMockServer } = await import('../../packages/mock/src/index.js');
      const { createProxyServer } = await import('../../packages/mock/src/proxy/index.js');
      const { createClient } = await import('../../packages/client/src/index.js');
      const { actionNames } = await import('../../generated/contract.js');
      for (const stateful of [false, true]) {
        const mock = createMockServer({ port: 0, stateful });
        const url = await mock.listen();
        try {
          const client = createClient({ endpoint: url, accessKeyId: 'AK', accessKeySecret: 'secret' });
          const calls: Record<string, () => Promise<{ response: Response }>> = {
            EnableResourceDirectory: () => client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' }),
            InitResourceDirectory: () => client.InitResourceDirectory(),
            SendVerificationCodeForEnableRD: () => client.SendVerificationCodeForEnableRD(),
            GetResourceDirectory: () => client.GetResourceDirectory(),
          };
          expect(Object.keys(calls).sort()).toEqual([...actionNames].sort());
          for (const action of actionNames) expect((await calls[action]!()).response.status, `${action} stateful=${stateful}`).toBeLessThan(500);
          expect((await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31&Format=XML`)).status).toBeLessThan(500);
          const proxy = createProxyServer({ upstream: url, port: 0 });
          const proxied = await proxy.listen();
          try {
            const through = createClient({ api: 'ResourceDirectoryMaster/2022-04-19', endpoint: proxied, accessKeyId: 'AK', accessKeySecret: 'secret', signatureAlgorithm: 'HMAC-SHA1' });
            expect((await through.GetResourceDirectory()).response.status).toBeLessThan(500);
            expect(proxy.report().requests).toBeGreaterThan(0);
          } finally {
            await proxy.close();
          }
        } finally {
          await mock.close();
        }
      }
    } finally {
      Object.assign(fs, saved);
      fs.promises.readFile = readFileP;
      syncBuiltinESMExports();
    }
    expect(opened).toEqual([]);
  });
});

describe('the stateful emulator covers every action', () => {
  it('has a handler for each action of the contract model, so none silently answers its static example', async () => {
    const { createEmulator } = await import('../../packages/mock/src/emulator/index.js');
    const { rules, actionNames } = await import('../../generated/contract.js');
    const emulator = createEmulator({}, { contract: rules });
    expect(Object.keys(emulator.handlers).sort()).toEqual([...actionNames].sort());
    for (const action of actionNames) expect(typeof emulator.handlers[action], action).toBe('function');
  });
});
