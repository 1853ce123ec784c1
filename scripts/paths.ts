/** Where things live, for the scripts and tests. */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const contractRoot = join(repoRoot, 'openapi', 'openapi.yaml');
export const generatedDir = join(repoRoot, 'generated');
export const bundledYaml = join(generatedDir, 'openapi.yaml');
export const bundledJson = join(generatedDir, 'openapi.json');
export const typesFile = join(generatedDir, 'types.ts');
export const redoclyBin = join(repoRoot, 'node_modules', '.bin', 'redocly');
