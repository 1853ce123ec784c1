// `npm run diff -- <git ref>` (scripts/diff.ts, @useoptic/optic): a new required parameter is a breaking change (exit
// 1, optic's rule named), a new optional one is not (exit 0). The descriptions checked are copies of HEAD's, modified
// in a temporary folder, diffed against HEAD through `git show`: no history is rewritten and the working tree does not
// matter.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../scripts/diff.js';
import { repoRoot, type Json } from '../helpers/contract.js';

const PER_ACTION = 'generated/ResourceManager-2020-03-31/actions/EnableResourceDirectory.yaml';
const FULL = 'generated/ResourceDirectoryMaster-2022-04-19/openapi.yaml';

let root: string;
let published: string[];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rd-diff-test-'));
  published = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', 'generated'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((p) => /^generated\/[A-Za-z]+-\d{4}-\d{2}-\d{2}\/(openapi|actions\/[A-Za-z]+)\.yaml$/.test(p));
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
    for (const method of ['get', 'post'])
      item[method]?.parameters.push({
        name,
        in: 'query',
        required,
        description: 'A test parameter.',
        schema: { type: 'string' },
      });
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
    expect(out).toContain(`ok  ${PER_ACTION} [ResourceManager/2020-03-31 EnableResourceDirectory]: no breaking change`);
    expect(out).toContain(`ok  ${FULL} [ResourceDirectoryMaster/2022-04-19]: no breaking change`);
    expect(out).toContain(`${published.length} descriptions compared with HEAD: no breaking change`);
    expect(code, out).toBe(0);
  }, 300_000);

  it('a new required parameter is a breaking change, per action and in the full description: exit 1', async () => {
    addParameter(PER_ACTION, 'RequiredTestParameter', true);
    addParameter(FULL, 'RequiredTestParameter', true);
    const { code, out } = await diff();
    expect(out).toContain(
      `BREAKING  ${PER_ACTION} [ResourceManager/2020-03-31 EnableResourceDirectory]: breaking change`,
    );
    expect(out).toContain(`BREAKING  ${FULL} [ResourceDirectoryMaster/2022-04-19]: breaking change`);
    expect(out).toContain('cannot add required query parameter RequiredTestParameter');
    expect(out).toContain(`${published.length} descriptions compared with HEAD: 2 with a breaking change`);
    expect(code, out).toBe(1);
  }, 300_000);

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

  it(
    'follows a description by what it describes, not its path; a moved or removed published file or exports path is' +
      ' breaking',
    async () => {
      // HEAD's generated/ and packages (as git has them: manifests and changelogs), then one per-action description
      // moved and another removed
      const tree = mkdtempSync(join(tmpdir(), 'rd-diff-moved-'));
      try {
        const manifests = [
          'package.json',
          ...['contract', 'client', 'mock'].flatMap((p) => [
            `packages/${p}/package.json`,
            `packages/${p}/CHANGELOG.md`,
          ]),
        ];
        execFileSync('sh', ['-c', `git archive HEAD generated ${manifests.join(' ')} | tar -x -C "${tree}"`], {
          cwd: repoRoot,
        });
        const moved = 'generated/ResourceManager-2020-03-31/actions/GetResourceDirectory.yaml';
        // A folder the build never writes: the description is moved there in the copy only.
        const movedTo = moved.replace('/actions/', '/get/');
        mkdirSync(dirname(join(tree, movedTo)), { recursive: true });
        renameSync(join(tree, moved), join(tree, movedTo));
        const gone = 'generated/ResourceDirectoryMaster-2022-04-19/actions/SendVerificationCodeForEnableRD';
        for (const ext of ['yaml', 'json']) rmSync(join(tree, `${gone}.${ext}`));
        let out = '';
        const code = await main(['HEAD'], tree, (s) => void (out += s));
        // the moved one is compared with its predecessor where it lived
        expect(out).toContain(
          `ok  ${movedTo} [ResourceManager/2020-03-31 GetResourceDirectory]: no breaking change (was ${moved})`,
        );
        // the removed one, by what it described
        expect(out).toContain(
          `BREAKING  ${gone}.yaml [ResourceDirectoryMaster/2022-04-19 SendVerificationCodeForEnableRD]: published at` +
            ` HEAD, gone now`,
        );
        // and the package paths both leave behind
        for (const path of [
          moved.replace('generated/', ''),
          `${gone.replace('generated/', '')}.yaml`,
          `${gone.replace('generated/', '')}.json`,
        ]) {
          expect(out).toContain(`BREAKING  exports path @rd-contract/contract/${path}: published at HEAD, gone now`);
        }
        expect(out).toMatch(/published files and exports paths compared with HEAD: 3 removed\n$/);
        expect(code, out).toBe(1);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
