/**
 * Writes each API's published description, generated/<Product>-<version>/openapi.yaml and .json (scripts/contract/).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiFolder } from './contract/apis.js';
import { bundleContract } from './contract/bundle.js';
import { publishedYaml } from './contract/yaml.js';
import { apiIndex, apiIndexFile, contractRoot, generatedDir, type ApiIndexEntry } from './paths.js';

export async function generate(): Promise<string[]> {
  mkdirSync(generatedDir, { recursive: true });
  // An API taken out of the source leaves no folder behind.
  for (const api of apiIndex()) rmSync(join(generatedDir, api.folder), { recursive: true, force: true });
  const written: string[] = [];
  const index: ApiIndexEntry[] = [];
  for (const { api, doc } of bundleContract(contractRoot)) {
    const dir = join(generatedDir, apiFolder(api));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.yaml'), publishedYaml(doc));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2) + '\n');
    written.push(`generated/${apiFolder(api)}/openapi.yaml`, `generated/${apiFolder(api)}/openapi.json`);
    index.push({ id: api.id, folder: apiFolder(api) });
  }
  writeFileSync(apiIndexFile, JSON.stringify(index, null, 2) + '\n');
  written.push('generated/apis.json');
  return written;
}
