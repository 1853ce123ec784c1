/**
 * Writes the reference docs: generated/docs/index.html (English) and generated/docs/zh-Hant/index.html
 * (Traditional Chinese), each a self-contained Redoc page rendered from a docs-only copy of the bundled contract
 * (generated/docs/[zh-Hant/]openapi.json) with generated reference sections, code samples and translated texts.
 * Fails when an English text has no translation in docs/i18n/zh-Hant.yaml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { loadBundledContract, type Document } from './docs/contract.js';
import { docsDescription } from './docs/description.js';
import { descriptionFile, EDITIONS, htmlFile, templateOptions, translatorFor, type Edition } from './docs/editions.js';
import { CatalogTranslator, type Translator } from './docs/i18n.js';
import { redocOptions, renderHtml, type TemplateOptions } from './docs/render.js';
import { repoRoot } from './paths.js';

export interface EditionBuild {
  edition: Edition;
  description: Document;
  template: TemplateOptions;
}

/** The docs description of one edition and its page options, with the given translator (missing texts are left to it). */
export function describeWith(contract: Document, edition: Edition, tr: Translator): EditionBuild {
  const other = EDITIONS.find((e) => e !== edition);
  if (!other) throw new Error('docs: expected two editions');
  return { edition, description: docsDescription(contract, tr), template: templateOptions(edition, other, tr) };
}

/**
 * The docs description of one edition (with `catalog`, a translation file other than docs/i18n/<lang>.yaml);
 * throws, listing them, when texts have no translation.
 */
export function describeEdition(contract: Document, edition: Edition, catalog?: string): EditionBuild {
  const tr = translatorFor(edition.lang, catalog);
  const build = describeWith(contract, edition, tr);
  if (tr instanceof CatalogTranslator) tr.assertComplete();
  return build;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export async function generate(): Promise<string[]> {
  const contract = loadBundledContract();
  const builds = EDITIONS.map((edition) => describeEdition(contract, edition));
  for (const { edition, description } of builds) writeJson(descriptionFile(edition), description);
  await Promise.all(
    builds.map(({ edition, description, template }) => renderHtml(descriptionFile(edition), htmlFile(edition), template, redocOptions(description))),
  );
  return builds.flatMap(({ edition }) => [descriptionFile(edition), htmlFile(edition)]).map((file) => relative(repoRoot, file));
}
