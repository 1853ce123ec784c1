// Type-level tests: tests/types/*.ts must compile with `tsc --noEmit` (each `@ts-expect-error` used), and with the
// directives blanked out exactly the marked lines must fail, so each directive catches the error it names.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const typesDir = join(repo, 'tests', 'types');
const scratch = mkdtempSync(join(tmpdir(), 'rd-types-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function compile(project: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', project], {
      cwd: repo,
    });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const files = readdirSync(typesDir).filter((f) => f.endsWith('.ts'));

describe('client types', () => {
  it('tests/types compiles, every @ts-expect-error being needed', async () => {
    expect(files.length).toBeGreaterThan(0);
    const { code, out } = await compile(join(typesDir, 'tsconfig.json'));
    expect(out).toBe('');
    expect(code).toBe(0);
  }, 120_000);

  it.each(files)(
    '%s: without the directives, exactly the marked lines fail',
    async (file) => {
      const source = readFileSync(join(typesDir, file), 'utf8');
      const lines = source.split('\n');
      // the 1-based number of the line after each marker
      const marked = lines.flatMap((l, i) => (/^\s*\/\/ @ts-expect-error\b/.test(l) ? [i + 2] : []));
      expect(marked.length).toBeGreaterThanOrEqual(4);
      // same line numbers: the directive becomes a plain comment; imports point at the repository
      const stripped = lines
        .map((l) => l.replace(/\/\/ @ts-expect-error\b/, '// (expected error)'))
        .join('\n')
        .replaceAll("'../../packages/", `'${join(repo, 'packages')}/`);
      const target = join(scratch, file);
      writeFileSync(target, stripped);
      const base = JSON.parse(readFileSync(join(repo, 'tsconfig.json'), 'utf8'));
      // the workspace packages' sources, as tsconfig.json maps them, from the scratch folder
      const paths = Object.fromEntries(
        Object.entries<string[]>(base.compilerOptions.paths).map(([k, v]) => [k, v.map((p) => join(repo, p))]),
      );
      const project = join(scratch, `tsconfig.${file}.json`);
      writeFileSync(
        project,
        JSON.stringify({
          compilerOptions: {
            ...base.compilerOptions,
            paths,
            noEmit: true,
            rootDir: '/',
            typeRoots: [join(repo, 'node_modules', '@types')],
            types: ['node'],
          },
          files: [target],
        }),
      );
      const { code, out } = await compile(project);
      expect(code).not.toBe(0);
      const errorLines = [...out.matchAll(new RegExp(`${file.replace('.', '\\.')}\\((\\d+),\\d+\\): error`, 'g'))].map(
        (m) => Number(m[1]),
      );
      expect(
        out.split('\n').filter((l) => /error TS/.test(l) && !l.includes(file)),
        'errors outside the test file',
      ).toEqual([]);
      expect([...new Set(errorLines)].sort((a, b) => a - b)).toEqual(marked);
    },
    120_000,
  );
});
