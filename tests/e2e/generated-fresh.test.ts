// generated/ is what `npm run build` writes from the contract, byte for byte, and building twice gives the same bytes.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const run = promisify(execFile);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((f) => [relative(dir, f), readFileSync(f)]));
}
function diff(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => !a.has(n) || !b.has(n) || !a.get(n)!.equals(b.get(n)!)).sort();
}

const scratch = mkdtempSync(join(tmpdir(), 'rd-fresh-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generated/', () => {
  it('is fresh: a clean build from openapi/ gives exactly the committed files, twice', async () => {
    const skip = new Set(['node_modules', '.git', 'generated', 'dist', 'artifacts']);
    for (const name of readdirSync(repoRoot))
      if (!skip.has(name)) cpSync(join(repoRoot, name), join(scratch, name), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    const build = () =>
      run(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build.ts'], {
        cwd: scratch,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
      });
    const committed = snapshot(join(repoRoot, 'generated'));
    await build();
    const first = snapshot(join(scratch, 'generated'));
    expect(diff(committed, first), 'generated/ is stale: run npm run build and commit').toEqual([]);
    await build();
    expect(diff(first, snapshot(join(scratch, 'generated'))), 'the build is not reproducible').toEqual([]);
  }, 240_000);
});
