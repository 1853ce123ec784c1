/**
 * Writes the published description of the mock's control routes, generated/control/openapi.yaml and .json, from
 * openapi/control/openapi.yaml (one self-contained document: its references are local). It is not an API of the
 * contract: generated/apis.json does not list it, and nothing of the RD build reads it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { publishedYaml } from './contract/yaml.js';
import { generatedDir, repoRoot } from './paths.js';

export const controlSource = join(repoRoot, 'openapi', 'control', 'openapi.yaml');
export const controlDir = join(generatedDir, 'control');

export async function generate(): Promise<string[]> {
  const doc: unknown = parse(readFileSync(controlSource, 'utf8'));
  mkdirSync(controlDir, { recursive: true });
  writeFileSync(join(controlDir, 'openapi.yaml'), publishedYaml(doc));
  writeFileSync(join(controlDir, 'openapi.json'), JSON.stringify(doc, null, 2) + '\n');
  return ['generated/control/openapi.yaml', 'generated/control/openapi.json'];
}
