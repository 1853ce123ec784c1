// Vitest only strips types; this compiles the packages' sources, generated/, scripts/ and tests/ with tsc --strict
// (tsconfig.json).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

describe('type check', () => {
  it('every TypeScript file of the project compiles under strict mode', async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.json')], {
      cwd: repoRoot,
    }).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
