/**
 * `npm run build`: regenerates everything under generated/ from openapi/.
 * Every step is a `scripts/gen-NN-*.ts` module exporting `generate()`; they run in file-name order,
 * so a later step may read what an earlier one wrote (the bundle first, then types, client, docs).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const steps = readdirSync(here)
  .filter((f) => /^gen-\d\d-.*\.ts$/.test(f))
  .sort();
for (const file of steps) {
  const started = performance.now();
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { generate: () => Promise<string[]> };
  const written = await mod.generate();
  console.log(`${file.replace(/\.ts$/, '')}: ${written.join(', ')} (${Math.round(performance.now() - started)} ms)`);
}
