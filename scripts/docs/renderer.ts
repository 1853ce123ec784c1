/**
 * The files every docs page shares, written once under generated/docs/assets/ and referenced by each page with a
 * relative URL (so the docs work from the mock's /docs/, from any static server and from file://):
 *
 * - `redoc.standalone.js`: Redoc's standalone bundle, taken at build time from the @redocly/cli installed in
 *   node_modules (the file its `build-docs --inlineBundle` would inline into every page; nothing is fetched from a
 *   CDN).
 *   The bundle is an ES module; Chromium refuses module scripts from file:// URLs, so it is written as a classic
 *   script:
 *   its final `export{...}` is dropped (the top-level `const{RedocStandalone,hydrate,init}` stays a global binding the
 *   page's script calls) and `import.meta`, which a classic script may not name, becomes an object with the same
 *   `url` (the script's own URL, as `import.meta.url` would be) and an empty `dirname` (Node's, used only on Node).
 * - `docs.css` and `docs.js`: this project's styles and behaviour (scripts/docs/assets/), copied as they are.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../paths.js';

export const RENDERER_FILE = 'redoc.standalone.js';
export const STYLE_FILE = 'docs.css';
export const SCRIPT_FILE = 'docs.js';
/** The folder of the shared files under generated/docs. */
export const ASSETS_DIR = 'assets';

const cliDir = join(repoRoot, 'node_modules', '@redocly', 'cli');
/** Where @redocly/cli keeps the bundle it inlines (its chunks load it by a URL relative to their own file). */
export const vendorRenderer = join(cliDir, 'lib', 'chunks', RENDERER_FILE);
const ownAssets = join(import.meta.dirname, 'assets');

const EXPORT = /\n?export\{RedocStandalone,hydrate,init\};\s*$/;
const IMPORT_META = /\bimport\.meta\b/g;
const META_NAME = '__redocImportMeta';

/** The Redoc version the bundle's licence header names (`Version: 3.0.1`). */
export function rendererVersion(source: string = readFileSync(vendorRenderer, 'utf8')): string {
  const version = /^\* Version: (\S+)$/m.exec(source.slice(0, 400))?.[1];
  if (!version) throw new Error(`docs: ${vendorRenderer} names no Redoc version in its header`);
  return version;
}

/** The classic-script form of Redoc's module bundle (see the module comment); fails if the bundle changed shape. */
export function classicRenderer(source: string): string {
  if (!EXPORT.test(source))
    throw new Error(
      `docs: ${vendorRenderer} no longer ends with export{RedocStandalone,hydrate,init}; update` +
        ` scripts/docs/renderer.ts`,
    );
  if (!/^const\{RedocStandalone,hydrate,init\}=/m.test(source))
    throw new Error(`docs: ${vendorRenderer} no longer declares const{RedocStandalone,hydrate,init}`);
  if (source.includes(META_NAME)) throw new Error(`docs: ${vendorRenderer} already uses the name ${META_NAME}`);
  const cliVersion = (JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as { version: string }).version;
  const header = [
    `/* Redoc ${rendererVersion(source)} standalone, from @redocly/cli ${cliVersion} (lib/chunks/${RENDERER_FILE}),` +
      ` written by`,
    ' * scripts/docs/renderer.ts as a classic script: its export dropped, its module metadata replaced (see that' +
      ' file). */',
    `var ${META_NAME}={url:document.currentScript?document.currentScript.src:"",dirname:""};`,
  ].join('\n');
  return `${header}\n${source.replace(EXPORT, '\n').replace(IMPORT_META, META_NAME)}`;
}

/** Writes the shared files into `<docsDir>/assets/` and returns their paths. */
export function writeAssets(docsDir: string): string[] {
  const dir = join(docsDir, ASSETS_DIR);
  mkdirSync(dir, { recursive: true });
  const renderer = join(dir, RENDERER_FILE);
  writeFileSync(renderer, classicRenderer(readFileSync(vendorRenderer, 'utf8')));
  const own = [STYLE_FILE, SCRIPT_FILE].map((name) => {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(ownAssets, name), target);
    return target;
  });
  return [renderer, ...own];
}
