/** Writes the published description, generated/openapi.yaml and generated/openapi.json (scripts/contract/bundle.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { bundleContract } from './contract/bundle.js';
import { bundledJson, bundledYaml, contractRoot, generatedDir } from './paths.js';

export async function generate(): Promise<string[]> {
  mkdirSync(generatedDir, { recursive: true });
  const doc = bundleContract(contractRoot);
  writeFileSync(bundledYaml, stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
  writeFileSync(bundledJson, JSON.stringify(doc, null, 2) + '\n');
  return ['generated/openapi.yaml', 'generated/openapi.json'];
}
