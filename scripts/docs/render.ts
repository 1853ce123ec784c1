/** Renders a docs-only description to one self-contained HTML page with `redocly build-docs`. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
}

export function buildDocsArgs(input: string, output: string, options: TemplateOptions, redoc: Record<string, unknown>): string[] {
  return [
    'build-docs',
    input,
    '--output',
    output,
    '--inlineBundle',
    '--template',
    templateFile,
    ...Object.entries(options).map(([key, value]) => `--templateOptions.${key}=${value}`),
    '--openapi',
    JSON.stringify(redoc),
  ];
}

/** Fails when the page would load anything from another origin (Redoc's CDN script in particular). */
export function assertSelfContained(html: string, file: string): void {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
  const external = markup.match(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?\/\/[^>]*>/gi) ?? [];
  if (external.length) throw new Error(`docs: ${file} is not self-contained: ${external.join(' ')}`);
}

export async function renderHtml(input: string, output: string, options: TemplateOptions, redoc: Record<string, unknown>): Promise<void> {
  await run(redoclyBin, buildDocsArgs(input, output, options, redoc), {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  assertSelfContained(readFileSync(output, 'utf8'), output);
}
