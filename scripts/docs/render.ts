/**
 * Renders a docs-only description to one HTML page with `redocly build-docs`: Redoc's prerendered markup and the
 * description, with the renderer, styles and script loaded from the shared files under assets/
 * (scripts/docs/renderer.ts) instead of a CDN or a copy inlined into every page.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redoclyBin } from '../paths.js';
import { listOperations, type Document } from './contract.js';

const run = promisify(execFile);

export const templateFile = join(import.meta.dirname, 'template.hbs');

/**
 * Redoc CE 3 options. The stacked layout gives the generated tables the full width; schemas and JSON samples start
 * expanded so that response fields are visible without clicking; extensions (`x-acs-*`) stay hidden because the
 * generated sections put them in words. Redoc shows an `x-codeSamples` entry only when its label is one of
 * `codeSamples.languages`, so the languages are the samples' own labels.
 */
export function redocOptions(description: Document): Record<string, unknown> {
  const samples = listOperations(description).flatMap(({ operation }) => operation['x-codeSamples'] ?? []);
  const languages = [...new Map(samples.map(({ lang, label }) => [label, { lang, label }])).values()];
  return {
    layout: 'stacked',
    schemasExpansionLevel: 'all',
    jsonSamplesExpandLevel: 'all',
    showExtensions: false,
    hideDownloadButtons: false,
    codeSamples: { languages },
  };
}

/**
 * Values for the page template (scripts/docs/template.hbs): this page's language and the link to the same API in the
 * other language; this page's API and the links to the other APIs in the same language (`apiLinks`, HTML).
 */
export interface TemplateOptions {
  lang: string;
  label: string;
  otherLang: string;
  otherLabel: string;
  otherHref: string;
  switchLabel: string;
  apiLabel: string;
  apiLinks: string;
  apiSwitchLabel: string;
  /** The link to the version comparison in the page's language. */
  compareHref: string;
  compareLabel: string;
  /** The relative URL of the shared assets/ folder, with a trailing slash. */
  assets: string;
  /** The page's data for assets/docs.js, JSON (see that file). */
  data: string;
}

export function buildDocsArgs(
  input: string,
  output: string,
  options: TemplateOptions,
  redoc: Record<string, unknown>,
): string[] {
  return [
    'build-docs',
    input,
    '--output',
    output,
    '--template',
    templateFile,
    ...Object.entries(options).map(([key, value]) => `--templateOptions.${key}=${value}`),
    '--openapi',
    JSON.stringify(redoc),
  ];
}

/**
 * build-docs without --inlineBundle preloads and imports Redoc from Redocly's CDN; the page loads the shared copy
 * instead.
 */
const CDN_PRELOAD =
  /<link rel="modulepreload" href="https:\/\/cdn\.redocly\.com\/[^"]+\/redoc\.standalone\.js"[^>]*\/>/g;
const CDN_IMPORT = /^\s*import \{ hydrate \} from "https:\/\/cdn\.redocly\.com\/[^"]+\/redoc\.standalone\.js";\n/gm;
/** Redoc prerenders its router links for a site root (`href="/section/signing"`); the page routes in the fragment. */
const ROOT_LINK = /href="\/([^"]*)"( data-discover="true")/g;

/**
 * Turns build-docs' output into a page of this site: no reference to Redocly's CDN (the template loads the shared
 * renderer), and Redoc's prerendered links pointing into the page (`#/section/signing`), as Redoc's own hash routing
 * makes them once it runs, so that they work when opened on their own or copied before it has.
 */
export function sitePage(html: string): string {
  const preloads = html.match(CDN_PRELOAD) ?? [];
  const imports = html.match(CDN_IMPORT) ?? [];
  if (preloads.length !== 1 || imports.length !== 1) {
    throw new Error(
      `docs: build-docs' page has ${preloads.length} CDN preload(s) and ${imports.length} CDN import(s), not one of` +
        ` each; update scripts/docs/render.ts`,
    );
  }
  return html.replace(CDN_PRELOAD, '').replace(CDN_IMPORT, '').replace(ROOT_LINK, 'href="#/$1"$2');
}

/** Fails when the page would load anything from another origin (Redoc's CDN script in particular). */
export function assertSelfContained(html: string, file: string): void {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
  const external = markup.match(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?\/\/[^>]*>/gi) ?? [];
  if (external.length) throw new Error(`docs: ${file} is not self-contained: ${external.join(' ')}`);
}

export async function renderHtml(
  input: string,
  output: string,
  options: TemplateOptions,
  redoc: Record<string, unknown>,
): Promise<void> {
  await run(redoclyBin, buildDocsArgs(input, output, options, redoc), {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const html = sitePage(readFileSync(output, 'utf8'));
  assertSelfContained(html, output);
  writeFileSync(output, html);
}
