// The client package as a consumer gets it: `npm pack` of the contract and client workspaces (each prepack compiles
// its dist/), installed into an empty folder, imported from plain Node (compiled JavaScript, no tsx) and type-checked
// by the consumer's own `tsc --strict`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAcs3, verifyRpc } from '../../packages/client/src/protocol/signing.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'rd-pack-'));
const consumer = join(scratch, 'consumer');
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
let server: CaptureServer;
let files: string[] = [];
let contractFiles: string[] = [];

beforeAll(async () => {
  server = await startCaptureServer();
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch, '-w', 'packages/contract', '-w', 'packages/client'], { cwd: repo, env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
  const byName = (name: string) => packed.find((p) => p.name === name)!;
  files = byName('@rd-contract/client').files.map((f) => f.path);
  contractFiles = byName('@rd-contract/contract').files.map((f) => f.path);
  await run('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  const tarballs = packed.map((p) => join(scratch, p.filename));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs], { cwd: consumer, env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
}, 300_000);
afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships compiled JavaScript and declarations (the client) and the descriptions with the model (the contract), nothing else', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(contractFiles).toContain('dist/contract.js');
    expect(contractFiles).toContain('dist/contract.d.ts');
    for (const api of ['ResourceManager-2020-03-31', 'ResourceDirectoryMaster-2022-04-19']) {
      expect(contractFiles).toContain(`dist/${api}/openapi.json`);
      expect(contractFiles).toContain(`dist/${api}/openapi.yaml`);
    }
    expect(files).toContain('package.json');
    for (const f of [...files, ...contractFiles]) expect(f).toMatch(/^(package\.json|CHANGELOG\.md|README\.md|dist\/.*\.(js|d\.ts|json|yaml))$/);
  });

  it('imports from plain Node and sends signed requests (both algorithms)', async () => {
    const script = `
      import { createClient, ResourceDirectoryValidationError } from '@rd-contract/client';
      import { contract as value } from '@rd-contract/contract';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const contract = require('@rd-contract/contract/ResourceManager-2020-03-31/openapi.json');
      const rdm = require('@rd-contract/contract/ResourceDirectoryMaster-2022-04-19/openapi.json');
      const rm = value.apis['ResourceManager/2020-03-31'];
      const out = { actions: Object.keys(rm.actions), apiVersion: rm.version, contractVersion: contract.info.version, rdmVersion: rdm.info.version, results: [] };
      for (const signatureAlgorithm of ['ACS3-HMAC-SHA256', 'HMAC-SHA1']) {
        const c = createClient({ api: 'ResourceDirectoryMaster/2022-04-19', endpoint: process.argv[2], accessKeyId: 'PackId', accessKeySecret: 'PackSecret0123', signatureAlgorithm });
        const { data, error } = await c.EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: true });
        out.results.push({ id: data?.ResourceDirectory?.ResourceDirectoryId, error });
      }
      try {
        await createClient({ accessKeyId: 'a', accessKeySecret: 'b' }).EnableResourceDirectory({ EnableMode: 'Nope' });
      } catch (e) {
        out.validation = { isValidationError: e instanceof ResourceDirectoryValidationError, code: e.code, parameter: e.parameter };
      }
      console.log(JSON.stringify(out));
    `;
    writeFileSync(join(consumer, 'use.mjs'), script);
    const { stdout } = await run(process.execPath, ['use.mjs', server.origin], { cwd: consumer });
    const out = JSON.parse(stdout);
    expect(out.actions).toEqual(['EnableResourceDirectory', 'InitResourceDirectory', 'SendVerificationCodeForEnableRD', 'GetResourceDirectory']);
    expect(out.apiVersion).toBe('2020-03-31');
    expect(out.contractVersion).toBe('2020-03-31');
    expect(out.rdmVersion).toBe('2022-04-19');
    expect(out.results).toEqual([{ id: 'rd-54****' }, { id: 'rd-54****' }]);
    expect(out.validation).toEqual({ isValidationError: true, code: 'InvalidParameter', parameter: 'EnableMode' });
    expect(server.requests).toHaveLength(2);
    const [acs3, v1] = server.requests;
    expect(acs3!.url).toBe('/?EnableMode=CurrentAccount&DryRun=true');
    expect(verifyAcs3({ method: acs3!.method, pathname: acs3!.path, query: acs3!.query, headers: acs3!.headers, body: acs3!.body }, 'PackSecret0123').ok).toBe(true);
    expect(verifyRpc(v1!.method, v1!.query, 'PackSecret0123').ok).toBe(true);
    expect([acs3!.headers['x-acs-version'], Object.fromEntries(v1!.query).Version]).toEqual(['2022-04-19', '2022-04-19']);
  }, 60_000);

  it('type-checks in a consumer\'s tsc --strict (NodeNext, no skipLibCheck)', async () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ['consumer.ts'],
    }));
    writeFileSync(join(consumer, 'consumer.ts'), `
      import { createClient, ResourceDirectoryClientError, type EnableResourceDirectoryError } from '@rd-contract/client';
      const client = createClient({ signatureAlgorithm: 'HMAC-SHA1', retry: true, timeoutMs: 5000, site: 'intl' });
      export async function enable(): Promise<string> {
        try {
          const { data, error } = await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
          if (error) return explain(error);
          return data.ResourceDirectory.ResourceDirectoryId;
        } catch (e) {
          if (e instanceof ResourceDirectoryClientError) return e.code;
          throw e;
        }
      }
      function explain(error: EnableResourceDirectoryError): string {
        switch (error.Code) {
          case 'EntityAlreadyExists.ResourceDirectory': return 'already enabled';
          default: return error.Message;
        }
      }
      // @ts-expect-error unknown action
      client.DisableResourceDirectory();
      // @ts-expect-error wrong enum value
      client.EnableResourceDirectory({ EnableMode: 'Everything' });
    `);
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: consumer }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, out: e.stdout ?? '' }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
    // it resolved the installed package, not the repository
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', '@rd-contract', 'client', 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
  }, 120_000);
});
