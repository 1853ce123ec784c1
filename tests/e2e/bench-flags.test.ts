// scripts/bench.ts reads its flags strictly: an unknown flag, `--versus` without a checkout and `--versus-flags`
// without `--versus` exit 2 naming what is wrong, before anything is started.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'bench.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run bench, bad flags', () => {
  it.each([
    [['--bogus'], /--bogus/],
    [['--versus'], /--versus/],
    [['--versus', join(repoRoot, 'no-such-checkout')], /--versus .*no-such-checkout: no package\.json there/],
    [['--versus-flags=--journal-size 0'], /--versus-flags needs --versus/],
  ])('%j exits 2 naming it', (args, message) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/^bench:/m); // nothing measured
  });
});
