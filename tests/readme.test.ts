// The README is the newcomer's entry point: the two commands, and every x- extension the contract uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doc, repoRoot, type Json } from './helpers/contract.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

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

describe('README', () => {
  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
  it('documents every x- extension the contract uses', () => {
    const keys = [...extensionKeys(doc)];
    expect(keys.length).toBeGreaterThan(5);
    const undocumented = keys.filter((k) => !readme.includes(`| \`${k}\` |`));
    expect(undocumented).toEqual([]);
  });
});
