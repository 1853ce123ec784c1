// The habits of the hand-written code, each checked by its tool with the repository's own configuration: ESLint
// (eslint.config.js: typescript-eslint's recommended rules), Prettier (.prettierrc.json, .prettierignore), jscpd
// (.jscpd.json: no block of six or more lines repeated under packages/ or scripts/), and no line over 120
// characters. Each tool is also shown a planted fault, so that a configuration that checks nothing fails here.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const bin = (pkg: string, path: string) => join(repoRoot, 'node_modules', pkg, path);
const ESLINT = bin('eslint', 'bin/eslint.js');
const PRETTIER = bin('prettier', 'bin/prettier.cjs');
const JSCPD = bin('jscpd', 'bin/jscpd');

async function run(args: string[], cwd = repoRoot): Promise<{ code: number; out: string }> {
  return promisify(execFile)(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'code-style-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('code style', () => {
  it('ESLint finds nothing', async () => {
    const { code, out } = await run([ESLINT, '--max-warnings', '0', '.']);
    expect(out.trim()).toBe('');
    expect(code).toBe(0);
  }, 300_000);

  it('ESLint reports an unused variable and an eslint-disable that disables nothing', async () => {
    const file = 'packages/client/src/planted.ts';
    const text = '// eslint-disable-next-line no-console\nconst unused = 1;\nexport {};\n';
    const args = [ESLINT, '--stdin', '--stdin-filename', file];
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = execFile(process.execPath, args, { cwd: repoRoot }, (e, stdout) =>
        resolve({ code: e ? Number(e.code) : 0, out: stdout }),
      );
      child.stdin!.end(text);
    });
    expect(result.out).toContain('@typescript-eslint/no-unused-vars');
    expect(result.out).toContain('Unused eslint-disable directive');
    expect(result.code).toBe(1);
  }, 120_000);

  it('Prettier finds every file formatted', async () => {
    const { code, out } = await run([PRETTIER, '--check', '.']);
    expect(code, out).toBe(0);
  }, 300_000);

  it('Prettier reports a file it would reformat', async () => {
    const dir = mkdtempSync(join(scratch, 'prettier-'));
    writeFileSync(join(dir, 'a.ts'), 'export const a = {b:1}\n');
    const { code, out } = await run([PRETTIER, '--config', join(repoRoot, '.prettierrc.json'), '--check', 'a.ts'], dir);
    expect(out).toContain('a.ts');
    expect(code).toBe(1);
  }, 120_000);

  it('jscpd finds no block of six or more lines repeated under packages/ or scripts/', async () => {
    const { code, out } = await run([JSCPD, '--config', join(repoRoot, '.jscpd.json')]);
    expect(out).toMatch(/Found 0 clones/);
    expect(code).toBe(0);
  }, 300_000);

  it('jscpd with the same configuration reports a repeated block', async () => {
    const dir = mkdtempSync(join(scratch, 'jscpd-'));
    const block = (name: string) =>
      [
        `export function ${name}(values: Record<string, string>, fail: (m: string) => void): string | undefined {`,
        '  let cors: string | undefined;',
        '  try {',
        "    cors = values.cors === undefined ? undefined : String(new URL(values.cors ?? '').origin);",
        '  } catch (e) {',
        '    fail((e as Error).message);',
        '  }',
        "  return cors === 'null' ? undefined : cors;",
        '}',
      ].join('\n');
    const config = JSON.parse(readFileSync(join(repoRoot, '.jscpd.json'), 'utf8'));
    writeFileSync(join(dir, '.jscpd.json'), JSON.stringify({ ...config, path: ['.'], gitignore: false }));
    writeFileSync(join(dir, 'a.ts'), `${block('a')}\n`);
    writeFileSync(join(dir, 'b.ts'), `${block('b')}\n`);
    const { code, out } = await run([JSCPD, '--config', join(dir, '.jscpd.json')], dir);
    expect(out).toMatch(/Found 1 clones/);
    expect(code).toBe(1);
  }, 120_000);

  it('no line of the hand-written code is longer than 120 characters', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? ['node_modules', 'dist', 'fixtures'].includes(e.name)
            ? []
            : files(join(dir, e.name))
          : /\.(ts|js|mjs|cjs)$/.test(e.name)
            ? [join(dir, e.name)]
            : [],
      );
    const all = ['packages', 'scripts', 'tests'].flatMap(files);
    expect(all.length).toBeGreaterThan(100);
    const long = all.flatMap((f) =>
      readFileSync(join(repoRoot, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > 120 ? [`${f}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
