/**
 * `tsx scripts/packages.ts [contract|client|mock ...]`: builds the workspace packages' dist/ folders, what `npm pack`
 * ships (each package's `prepack` runs it for itself). A package is built after the packages it depends on, because
 * TypeScript resolves `@rd-contract/*` through the workspace links to their dist/ types (packages/<name>/tsconfig.json
 * has no `paths`).
 *
 * - contract: generated/contract.ts and what it imports (the contract value, models, types), compiled; the compiled
 *   schema checks (generated/schema-checks.{js,d.ts}, already JavaScript) and every published description
 *   (generated/<Product>-<version>/openapi.{json,yaml} and actions/, and the mock's control routes',
 *   generated/control/openapi.{json,yaml}) copied beside them.
 * - client: packages/client/src, compiled.
 * - mock: packages/mock/src, compiled; the rendered docs (generated/docs) copied to dist/docs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generatedDir, repoRoot } from './paths.js';

/**
 * What a package's dist/ gets from generated/ (besides what tsc compiles), as `[path in the package, path in the
 * repository]`, given the repository's files under generated/: the contract's published descriptions and compiled
 * checks, the mock's rendered docs. scripts/diff.ts reads it too, to know what a package ships at a git ref.
 */
export function copiedFromGenerated(pkg: string, generatedFiles: readonly string[]): [string, string][] {
  const api = String.raw`[A-Za-z]+-\d{4}-\d{2}-\d{2}`;
  const description = String.raw`(${api})\/(openapi\.(json|yaml)|actions\/[A-Za-z0-9]+\.(json|yaml))`;
  const published = new RegExp(String.raw`^generated\/(${description}|control\/openapi\.(json|yaml))$`);
  if (pkg === 'contract') {
    return generatedFiles
      .filter((f) => published.test(f) || f === 'generated/schema-checks.js' || f === 'generated/schema-checks.d.ts')
      .map((f) => [`dist/${f.slice('generated/'.length)}`, f]);
  }
  if (pkg === 'mock')
    return generatedFiles
      .filter((f) => f.startsWith('generated/docs/'))
      .map((f) => [`dist/${f.slice('generated/'.length)}`, f]);
  return [];
}

/** Every file under generated/, relative to the repository root. */
function generatedFiles(dir = generatedDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? generatedFiles(join(dir, e.name)) : [relative(repoRoot, join(dir, e.name))],
  );
}

function copyFromGenerated(name: Name): void {
  for (const [inPackage, source] of copiedFromGenerated(name, generatedFiles()))
    cpSync(join(repoRoot, source), join(packageDir(name), inPackage));
}

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
    copyFromGenerated('contract');
  },
  client() {
    compile('client');
  },
  mock() {
    compile('mock');
    copyFromGenerated('mock');
    chmodSync(join(packageDir('mock'), 'dist', 'cli', 'main.js'), 0o755);
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const asked = process.argv.slice(2);
  for (const name of asked)
    if (!order.includes(name as Name)) throw new Error(`packages: unknown package ${name}; one of ${order.join(', ')}`);
  const wanted = new Set<Name>((asked.length ? asked : order) as Name[]);
  for (const name of [...wanted]) for (const dep of needs[name]) wanted.add(dep);
  for (const name of order) {
    if (!wanted.has(name)) continue;
    const started = performance.now();
    steps[name]();
    console.error(`packages: ${name} built (${Math.round(performance.now() - started)} ms)`);
  }
}
