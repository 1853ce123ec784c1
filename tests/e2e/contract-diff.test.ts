// `npm run diff -- <git ref>` (scripts/diff.ts, @useoptic/optic): a new required parameter is a breaking change (exit 1,
// optic's rule named), a new optional one is not (exit 0). The descriptions checked are copies of HEAD's, modified in a
// temporary folder, diffed against HEAD through `git show`: no history is rewritten and the working tree does not matter.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main, publishedAt } from '../../scripts/diff.js';
import { repoRoot, type Json } from '../helpers/contract.js';

const PER_ACTION = 'generated/ResourceManager-2020-03-31/actions/EnableResourceDirectory.yaml';
const FULL = 'generated/ResourceDirectoryMaster-2022-04-19/openapi.yaml';

let root: string;
let published: string[];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rd-diff-test-'));
  published = publishedAt('HEAD');
  for (const path of published) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), execFileSync('git', ['show', `HEAD:${path}`], { cwd: repoRoot }));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Adds a query parameter to every operation of the copy of `path`. */
function addParameter(path: string, name: string, required: boolean): void {
  const file = join(root, path);
  const doc: Json = parse(readFileSync(file, 'utf8'));
  for (const item of Object.values<Json>(doc.paths)) {
    for (const method of ['get', 'post']) item[method]?.parameters.push({ name, in: 'query', required, description: 'A test parameter.', schema: { type: 'string' } });
  }
  writeFileSync(file, stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
}

async function diff(): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['HEAD'], root, (s) => void (out += s));
  return { code, out };
}

describe('npm run diff -- <git ref>', () => {
  it('every published description of both APIs (full and per action) is compared', () => {
    expect(published.filter((p) => p.endsWith('/openapi.yaml'))).toHaveLength(2);
    expect(published.filter((p) => p.includes('/actions/'))).toHaveLength(7);
  });

  it('a new optional parameter is not a breaking change: exit 0', async () => {
    addParameter(PER_ACTION, 'OptionalTestParameter', false);
    addParameter(FULL, 'OptionalTestParameter', false);
    const { code, out } = await diff();
    expect(out).toContain(`ok  ${PER_ACTION}: no breaking change`);
    expect(out).toContain(`ok  ${FULL}: no breaking change`);
    expect(out).toContain(`${published.length} descriptions compared with HEAD: no breaking change`);
    expect(code, out).toBe(0);
  }, 120_000);

  it('a new required parameter is a breaking change, per action and in the full description: exit 1', async () => {
    addParameter(PER_ACTION, 'RequiredTestParameter', true);
    addParameter(FULL, 'RequiredTestParameter', true);
    const { code, out } = await diff();
    expect(out).toContain(`BREAKING  ${PER_ACTION}: breaking change`);
    expect(out).toContain(`BREAKING  ${FULL}: breaking change`);
    expect(out).toContain('cannot add required query parameter RequiredTestParameter');
    expect(out).toContain(`${published.length} descriptions compared with HEAD: 2 with a breaking change`);
    expect(code, out).toBe(1);
  }, 120_000);

  it('a bad ref or no ref: exit 2 and a message', async () => {
    const lines: string[] = [];
    const stderr = process.stderr.write;
    process.stderr.write = ((s: string) => (lines.push(s), true)) as typeof process.stderr.write;
    try {
      expect(await main([], root, () => {})).toBe(2);
      expect(await main(['no-such-ref-at-all'], root, () => {})).toBe(2);
    } finally {
      process.stderr.write = stderr;
    }
    expect(lines.join('')).toMatch(/usage: npm run diff -- <git ref>[\s\S]*no-such-ref-at-all/);
  });
});
