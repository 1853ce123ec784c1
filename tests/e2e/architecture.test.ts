// The shape of the codebase, checked: imports point one way (openapi/ -> scripts/ -> generated/ -> packages/, no
// cycle, the client apart from the mock, the mock and the proxy apart, the contract value imported only where a
// default is defined, one node:http sender; by dependency-cruiser with .dependency-cruiser.cjs), nothing reads a
// contract file at run time (the runtime answers from the contract value), and every action has a stateful emulator
// handler.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';
import type { ActionName } from '../../generated/contract.js';

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
    /** A module of the fixture: its imports (what, from where), then its body. */
    const module = (imports: [string, string][], body: string) =>
      [...imports.map(([what, from]) => `import ${what} from '${from}';`), body, ''].join('\n');
    const files: Record<string, string> = {
      'generated/contract.ts': module([['{ a }', '../packages/client/src/a.js']], 'export const contract = a;'),
      'generated/ResourceManager-2020-03-31/model.ts': module([], 'export const model = 1;'),
      'packages/client/src/a.ts': module([['{ b }', './b.js']], 'export const a = b;'),
      'packages/client/src/b.ts': module(
        [
          ['{ a }', './a.js'],
          ['{ step }', '../../../scripts/gen-15-rules.js'],
          ['{ m }', '../../mock/src/mock/m.js'],
        ],
        'export const b = [a, step, m];',
      ),
      // The contract value outside an entry point, a model file of generated/, node:http outside the sender.
      'packages/client/src/c.ts': module(
        [
          ['{ contract }', '@rd-contract/contract'],
          ['{ model }', '../../../generated/ResourceManager-2020-03-31/model.js'],
          ['http', 'node:http'],
        ],
        'export const c = [contract, model, http];',
      ),
      // What is allowed: the value at an entry point, types anywhere, node:http in the sender.
      'packages/client/src/index.ts': module(
        [['{ contract }', '@rd-contract/contract']],
        'export const index = contract;',
      ),
      'packages/client/src/types.ts': module(
        [['type { Contract }', '@rd-contract/contract']],
        'export type T = Contract;',
      ),
      'packages/client/src/protocol/http-sender.ts': module(
        [
          ['https', 'node:https'],
          ['zlib', 'node:zlib'],
        ],
        'export const s = [https, zlib];',
      ),
      'scripts/gen-15-rules.ts': module([['{ a }', '../packages/client/src/a.js']], 'export const step = a;'),
      'packages/mock/src/frontend/f.ts': module([['{ m }', '../mock/m.js']], 'export const f = m;'),
      'packages/mock/src/mock/m.ts': module([['{ p }', '../proxy/p.js']], 'export const m = p;'),
      // A second sender: node:https and node:zlib outside the client's sender.
      'packages/mock/src/proxy/p.ts': module(
        [
          ['{ e }', '../emulator/e.js'],
          ['https', 'node:https'],
          ['zlib', 'node:zlib'],
        ],
        'export const p = [e, https, zlib];',
      ),
      'packages/mock/src/emulator/e.ts': module([], 'export const e = 1;'),
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    cpSync(join(repoRoot, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    const paths = { '@rd-contract/contract': ['./generated/contract.ts'] };
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', paths } }),
    );
    const { code, out } = await cruise(dir, ['packages', 'scripts', 'generated']);
    expect(code).not.toBe(0);
    const fired = (rule: string) => out.split('\n').filter((line) => line.includes(`error ${rule}:`));
    const expected: Record<string, string[]> = {
      'no-circular': ['packages/client/src/a.ts'],
      'generated-imports-only-generated': ['generated/contract.ts → packages/client/src/a.ts'],
      'runtime-does-not-import-build-or-tests': ['packages/client/src/b.ts → scripts/gen-15-rules.ts'],
      'contract-value-only-at-entry-points': ['packages/client/src/c.ts → generated/contract.ts'],
      'runtime-reads-only-the-contract-index': [
        'packages/client/src/c.ts → generated/ResourceManager-2020-03-31/model.ts',
      ],
      'one-http-sender': ['packages/mock/src/proxy/p.ts → https', 'packages/mock/src/proxy/p.ts → zlib'],
      'client-sends-through-the-sender': ['packages/client/src/c.ts → http'],
      'client-imports-nothing-of-the-mock': ['packages/client/src/b.ts → packages/mock/src/mock/m.ts'],
      'front-end-is-shared': ['packages/mock/src/frontend/f.ts → packages/mock/src/mock/m.ts'],
      'mock-and-proxy-apart': ['packages/mock/src/mock/m.ts → packages/mock/src/proxy/p.ts'],
      'proxy-apart-from-mock': ['packages/mock/src/proxy/p.ts → packages/mock/src/emulator/e.ts'],
      'build-uses-only-runtime-leaves': ['scripts/gen-15-rules.ts → packages/client/src/a.ts'],
    };
    for (const [rule, where] of Object.entries(expected)) {
      for (const w of where)
        expect(
          fired(rule).some((line) => line.includes(w)),
          `${rule} at ${w}\n${out}`,
        ).toBe(true);
    }
    // The allowed imports fire nothing: the entry point's value, a type import, the sender's own modules.
    for (const file of [
      'packages/client/src/index.ts →',
      'packages/client/src/types.ts →',
      'packages/client/src/protocol/http-sender.ts →',
    ]) {
      expect(
        out.split('\n').filter((line) => line.includes(file)),
        out,
      ).toEqual([]);
    }
  });
});

describe('the runtime reads no contract file', () => {
  it(
    'the client, the mock, the stateful emulator and the contract proxy answer every action without opening anything' +
      ' under generated/',
    async () => {
      const opened: string[] = [];
      const watch = <F extends (...args: never[]) => unknown>(name: string, original: F): F =>
        ((...args: never[]) => {
          const target = String(args[0]);
          if (target.includes(`${join(repoRoot, 'generated')}`) || target.includes('/generated/'))
            opened.push(`${name} ${target}`);
          return original(...args);
        }) as F;
      const saved = {
        readFileSync: fs.readFileSync,
        readFile: fs.readFile,
        openSync: fs.openSync,
        createReadStream: fs.createReadStream,
      };
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
        const { contract } = await import('../../generated/contract.js');
        const actionNames = [...new Set(Object.values(contract.apis).flatMap((api) => Object.keys(api.actions)))];
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
            for (const action of actionNames)
              expect((await calls[action]!()).response.status, `${action} stateful=${stateful}`).toBeLessThan(500);
            expect(
              (await fetch(`${url}/?Action=GetResourceDirectory&Version=2020-03-31&Format=XML`)).status,
            ).toBeLessThan(500);
            const proxy = createProxyServer({ upstream: url, port: 0 });
            const proxied = await proxy.listen();
            try {
              const through = createClient({
                api: 'ResourceDirectoryMaster/2022-04-19',
                endpoint: proxied,
                accessKeyId: 'AK',
                accessKeySecret: 'secret',
                signatureAlgorithm: 'HMAC-SHA1',
              });
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
    },
  );
});

describe('the stateful emulator covers every action', () => {
  it('has a handler for each action of the contract model, so none silently answers its static example', async () => {
    const { createEmulator } = await import('../../packages/mock/src/emulator/index.js');
    const { contract } = await import('../../generated/contract.js');
    const actionNames = [
      ...new Set(Object.values(contract.apis).flatMap((api) => Object.keys(api.actions))),
    ] as ActionName[];
    const emulator = createEmulator({}, { contract });
    expect(Object.keys(emulator.handlers).sort()).toEqual([...actionNames].sort());
    for (const action of actionNames) expect(typeof emulator.handlers[action], action).toBe('function');
  });
});
