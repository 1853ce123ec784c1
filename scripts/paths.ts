/** Where things live, for the scripts and tests. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const contractRoot = join(repoRoot, 'openapi', 'openapi.yaml');
export const generatedDir = join(repoRoot, 'generated');
/** generated/apis.json: the APIs the build wrote, in the source's order (the first is the default). */
export const apiIndexFile = join(generatedDir, 'apis.json');

export interface ApiIndexEntry {
  /** `<Product>/<version>`. */
  readonly id: string;
  /** The folder under generated/ with the API's files: `<Product>-<version>`. */
  readonly folder: string;
}

/** The APIs of the last build (none before the first). */
export function apiIndex(): ApiIndexEntry[] {
  return existsSync(apiIndexFile) ? (JSON.parse(readFileSync(apiIndexFile, 'utf8')) as ApiIndexEntry[]) : [];
}

/** An API's generated file, e.g. `apiFile(api, 'openapi.json')`. */
export const apiFile = (api: ApiIndexEntry, name: string): string => join(generatedDir, api.folder, name);
export const redoclyBin = join(repoRoot, 'node_modules', '.bin', 'redocly');

/** Copies scripts/templates/<name> to generated/<name>, under a header saying where to edit it. */
export function copyTemplate(name: string): string {
  const text = readFileSync(join(repoRoot, 'scripts', 'templates', name), 'utf8');
  writeFileSync(
    join(generatedDir, name),
    `// Copied by npm run build from scripts/templates/${name}. Do not edit here.\n${text}`,
  );
  return `generated/${name}`;
}
