/** The published description: Redocly bundles the split source into one document, then the build assembles it. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { redoclyBin } from '../paths.js';
import { assemble } from './assemble.js';

export const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/** Bundles and assembles the contract whose root file is `root` (openapi/openapi.yaml, or a test's edited copy). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bundleContract(root: string): any {
  const scratch = mkdtempSync(join(tmpdir(), 'rd-bundle-'));
  try {
    const out = join(scratch, 'bundled.yaml');
    execFileSync(redoclyBin, ['bundle', root, '--output', out], { stdio: 'pipe', env: redoclyEnv });
    return assemble(parse(readFileSync(out, 'utf8')));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
