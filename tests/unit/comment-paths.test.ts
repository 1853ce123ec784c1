// Comments name files that exist: a path of the repository named in a comment (`packages/...`, `scripts/...`,
// `tests/...`, `generated/...`, `openapi/...`, `docs/...`, or relative to the file, `./x.ts`) must be there, so that a
// moved or renamed file cannot leave a comment pointing at nothing. A name with a pattern in it (`<Action>`, `*`,
// `{js,d.ts}`, `gen-NN`) stands for many files and is not checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

function files(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? ['node_modules', 'dist'].includes(e.name)
        ? []
        : files(join(dir, e.name))
      : /\.(ts|js|mjs|cjs)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

/** The comment part of a line: after `//`, or a JSDoc / block comment line. */
const commentOf = (line: string): string | undefined => /(?:\/\/|\/\*|^\s*\*)(.*)$/.exec(line)?.[1];

/** The repository paths a comment names that do not exist (`file` is where the comment is). */
export function missingPaths(file: string, comment: string): string[] {
  const missing: string[] = [];
  const named = (path: string) => !/[<>*{}]|NN/.test(path);
  for (const m of comment.matchAll(
    /(?<![\w@/.-])((?:src|packages|scripts|tests|generated|docs|openapi)\/[\w./-]*\w)/g,
  )) {
    const path = m[1]!;
    const next = comment.slice(m.index! + m[0].length, m.index! + m[0].length + 2);
    if (named(path) && !/^\.?[{*]|^\*/.test(next) && !existsSync(join(repoRoot, path))) missing.push(path);
  }
  for (const [, path] of comment.matchAll(/(?<![\w/])(\.\.?\/[\w./-]+\.(?:ts|js))\b/g)) {
    const full = normalize(join(repoRoot, dirname(file), path!));
    if (named(path!) && !existsSync(full) && !existsSync(full.replace(/\.js$/, '.ts'))) missing.push(path!);
  }
  return missing;
}

describe('paths named in comments', () => {
  // (this file's own cases name missing files on purpose)
  const all = ['packages', 'scripts', 'tests']
    .flatMap(files)
    .filter((f) => f !== join('tests', 'unit', 'comment-paths.test.ts'));

  it('every one exists', () => {
    expect(all.length).toBeGreaterThan(150);
    const found = all.flatMap((f) =>
      readFileSync(join(repoRoot, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => missingPaths(f, commentOf(line) ?? '').map((p) => `${f}:${i + 1}: ${p}`)),
    );
    expect(found).toEqual([]);
  });

  it.each([
    ['// see src/mock/pipeline.ts', ['src/mock/pipeline.ts']],
    ['// tests/contract-provenance.test.ts has the facts', ['tests/contract-provenance.test.ts']],
    ['// (./nowhere.ts)', ['./nowhere.ts']],
    ['// packages/mock/src/mock/gateway.ts and ./index.ts', []],
    ['// generated/<Product>-<version>/openapi.json and scripts/gen-NN-*.ts', []],
    ['// generated/schema-checks.{js,d.ts} and tests/unit/mock/mock/fuzz*.test.ts', []],
  ])('reads %s as naming the missing %j', (comment, missing) => {
    expect(missingPaths('packages/mock/src/testing/index.ts', comment)).toEqual(missing);
  });
});
