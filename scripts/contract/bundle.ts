/**
 * The published descriptions: Redocly bundles the split source into one document, then the build writes one
 * document per API (scripts/contract/apis.ts) and assembles each (scripts/contract/assemble.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { redoclyBin } from '../paths.js';
import { apisOf, documentFor, type ApiEntry } from './apis.js';
import { assemble } from './assemble.js';

export const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

import type { Json } from './json.js';

/** Redocly's bundle of the source whose root file is `root` (openapi/openapi.yaml, or a test's edited copy). */
export function bundleSource(root: string): Json {
  const scratch = mkdtempSync(join(tmpdir(), 'rd-bundle-'));
  try {
    const out = join(scratch, 'bundled.yaml');
    execFileSync(redoclyBin, ['bundle', root, '--output', out], { stdio: 'pipe', env: redoclyEnv });
    return parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every API's published document, in the order of `x-acs-apis` (the first is the client's and mock's default). */
export function bundleContract(root: string): { api: ApiEntry; doc: Json }[] {
  const source = bundleSource(root);
  return apisOf(source).map((api) => ({ api, doc: assemble(documentFor(source, api)) }));
}
