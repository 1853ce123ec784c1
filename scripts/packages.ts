/**
 * `tsx scripts/packages.ts [contract|client|mock ...]`: builds the workspace packages' dist/ folders, what `npm pack`
 * ships (each package's `prepack` runs it for itself). A package is built after the packages it depends on, because
 * TypeScript resolves `@rd-contract/*` through the workspace links to their dist/ types (packages/<name>/tsconfig.json
 * has no `paths`).
 *
 * - contract: generated/contract.ts and what it imports (the contract value, models, types), compiled; the compiled
 *   schema checks (generated/schema-checks.{js,d.ts}, already JavaScript) and every published description
 *   (generated/<Product>-<version>/openapi.{json,yaml} and actions/) copied beside them.
 * - client: packages/client/src, compiled.
 * - mock: packages/mock/src, compiled; the rendered docs (generated/docs) copied to dist/docs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiIndex, generatedDir, repoRoot } from './paths.js';

const order = ['contract', 'client', 'mock'] as const;
type Name = (typeof order)[number];
const needs: Record<Name, readonly Name[]> = { contract: [], client: ['contract'], mock: ['contract', 'client'] };

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const packageDir = (name: Name): string => join(repoRoot, 'packages', name);

function compile(name: Name): void {
  const dist = join(packageDir(name), 'dist');
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(packageDir(name), 'tsconfig.json')], { stdio: 'inherit' });
}

const steps: Record<Name, () => void> = {
  contract() {
    compile('contract');
    const dist = join(packageDir('contract'), 'dist');
    for (const file of ['schema-checks.js', 'schema-checks.d.ts']) cpSync(join(generatedDir, file), join(dist, file));
    for (const api of apiIndex()) {
      for (const file of ['openapi.json', 'openapi.yaml']) cpSync(join(generatedDir, api.folder, file), join(dist, api.folder, file));
      const actions = join(generatedDir, api.folder, 'actions');
      for (const file of readdirSync(actions)) cpSync(join(actions, file), join(dist, api.folder, 'actions', file));
    }
  },
  client() {
    compile('client');
  },
  mock() {
    compile('mock');
    const dist = join(packageDir('mock'), 'dist');
    cpSync(join(generatedDir, 'docs'), join(dist, 'docs'), { recursive: true });
    chmodSync(join(dist, 'cli', 'main.js'), 0o755);
  },
};

const asked = process.argv.slice(2);
for (const name of asked) if (!order.includes(name as Name)) throw new Error(`packages: unknown package ${name}; one of ${order.join(', ')}`);
const wanted = new Set<Name>((asked.length ? asked : order) as Name[]);
for (const name of [...wanted]) for (const dep of needs[name]) wanted.add(dep);
for (const name of order) {
  if (!wanted.has(name)) continue;
  const started = performance.now();
  steps[name]();
  console.error(`packages: ${name} built (${Math.round(performance.now() - started)} ms)`);
}
