// The repository is complete in itself: nothing under packages/, scripts/ or tests/ reads a path outside the checkout,
// and nothing sends a reader to the source documents beside it, except the one optional cross-check
// (tests/unit/contract/seeds-crosscheck.test.ts), which reports itself skipped where they are absent.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const allowed = new Set(['tests/unit/contract/seeds-crosscheck.test.ts']);
/** This file, whose scanner cases below are written to be flagged. */
const self = 'tests/unit/repo-self-contained.test.ts';
const scanned = ['packages', 'scripts', 'tests'];

function filesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === 'node_modules' || e.name === 'dist'
        ? []
        : filesUnder(join(dir, e.name))
      : /\.(ts|js|mjs|cjs|json|ya?ml|hbs)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

const inside = (path: string) => {
  const rel = relative(repoRoot, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

/**
 * What a file says that reaches outside the repository: a mention of the source documents' folder, or a path built
 * from the file's own location or the repository root (join/resolve/new URL with literal segments, a relative import)
 * that climbs above the root. A file under packages/<name>/src/ is also compiled to packages/<name>/dist/, so a path is
 * inside if it is inside from either place.
 */
export function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\.\.\/shared\b|['"]\.\.['"]\s*,\s*['"]shared['"]|\bshared\/(seeds|research)\b/g))
    found.push(m[0]);
  const compiled = /^packages\/[^/]+\/src\//.test(file)
    ? [dirname(join(repoRoot, file.replace('/src/', '/dist/')))]
    : [];
  const dirs = [dirname(join(repoRoot, file)), ...compiled];
  const check = (segments: string[], bases: string[], what: string) => {
    if (!bases.some((b) => inside(resolve(b, ...segments)))) found.push(what);
  };
  const literals = (args: string) => [...args.matchAll(/['"`]([^'"`$]*)['"`]/g)].map((a) => a[1]!);
  const callee = /\b(?:join|resolve)\(\s*(import\.meta\.dirname|__dirname|repoRoot|repo|root)\s*/.source;
  const segments = /((?:,\s*(?:'[^']*'|"[^"]*"|`[^`$]*`)\s*)+)\)/.source;
  for (const m of text.matchAll(new RegExp(callee + segments, 'g'))) {
    check(literals(m[2]!), m[1] === 'repoRoot' || m[1] === 'repo' || m[1] === 'root' ? [repoRoot] : dirs, m[0]);
  }
  for (const m of text.matchAll(/new URL\(\s*(['"`])([^'"`]*)\1\s*,\s*import\.meta\.url\s*\)/g)) {
    check([m[2]!.replace(/\$\{[^}]*\}/g, 'x')], dirs, m[0]);
  }
  for (const m of text.matchAll(/(?:from\s+|import\(\s*)(['"])(\.\.?\/[^'"]*)\1/g)) check([m[2]!], dirs, m[0]);
  return found;
}

describe('the repository is self-contained', () => {
  const files = scanned.flatMap(filesUnder).map((f) => f.split(sep).join('/'));

  it('scans the code it means to', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'packages/client/src/index.ts',
        'packages/mock/src/index.ts',
        'scripts/build.ts',
        'tests/helpers/contract.ts',
        ...allowed,
      ]),
    );
  });

  it('no file under packages/, scripts/ or tests/ reaches outside the checkout (but the optional cross-check)', () => {
    const offenders = files
      .filter((f) => !allowed.has(f) && f !== self)
      .flatMap((f) => outsideReferences(f, readFileSync(join(repoRoot, f), 'utf8')).map((what) => `${f}: ${what}`));
    expect(offenders).toEqual([]);
  });

  it('the cross-check is the one that does, and says so', () => {
    for (const f of allowed) {
      const text = readFileSync(join(repoRoot, f), 'utf8');
      expect(outsideReferences(f, text).length, f).toBeGreaterThan(0);
      expect(text).toMatch(/skipIf\(/);
    }
  });

  const docs = 'shared'; // spelt apart, so that a plain grep for the folder finds only the cross-check
  it.each([
    [`join(repoRoot, '..', '${docs}', 'seeds')`, true],
    [`readFileSync('../${docs}/research/wire-protocol.md')`, true],
    ["join(import.meta.dirname, '..', '..', '..', 'x')", true],
    ["new URL('../../../../x.json', import.meta.url)", true],
    ["import { x } from '../../../elsewhere.js'", true],
    [`see ${docs}/research/tooling.md`, true],
    ["join(repoRoot, 'generated', 'openapi.json')", false],
    ["join(import.meta.dirname, '..', 'fixtures')", false],
    ["new URL('./fixtures/tls-test-cert.pem', import.meta.url)", false],
    ["import { doc } from '../helpers/contract.js'", false],
  ])('the scanner flags %s: %s', (text, flagged) => {
    expect(outsideReferences('tests/helpers/example.ts', text).length > 0).toBe(flagged);
  });
});
