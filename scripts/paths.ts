/** Where things live, for the scripts and tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const contractRoot = join(repoRoot, 'openapi', 'openapi.yaml');
export const generatedDir = join(repoRoot, 'generated');
export const bundledYaml = join(generatedDir, 'openapi.yaml');
export const bundledJson = join(generatedDir, 'openapi.json');
export const typesFile = join(generatedDir, 'types.ts');
export const redoclyBin = join(repoRoot, 'node_modules', '.bin', 'redocly');

/** Copies scripts/templates/<name> to generated/<name>, under a header saying where to edit it. */
export function copyTemplate(name: string): string {
  const text = readFileSync(join(repoRoot, 'scripts', 'templates', name), 'utf8');
  writeFileSync(join(generatedDir, name), `// Copied by npm run build from scripts/templates/${name}. Do not edit here.\n${text}`);
  return `generated/${name}`;
}
