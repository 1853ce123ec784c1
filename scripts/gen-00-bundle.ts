/** Bundles the split contract into generated/openapi.yaml and generated/openapi.json with Redocly. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { bundledJson, bundledYaml, contractRoot, generatedDir, redoclyBin } from './paths.js';

export async function generate(): Promise<string[]> {
  mkdirSync(generatedDir, { recursive: true });
  execFileSync(redoclyBin, ['bundle', contractRoot, '--output', bundledYaml], { stdio: 'pipe', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  const doc = parse(readFileSync(bundledYaml, 'utf8'));
  writeFileSync(bundledJson, JSON.stringify(doc, null, 2) + '\n');
  return ['generated/openapi.yaml', 'generated/openapi.json'];
}
