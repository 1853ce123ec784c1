/**
 * The docs pages: one per API of the build (generated/apis.json) and language, where each is written and how each
 * links to the others.
 *
 * Layout: the default API (the first of generated/apis.json) keeps the root, `index.html` (English) and
 * `zh-Hant/index.html`, where the mock serves `/docs/` and existing links point; every other API has a folder named
 * like its generated files, `<Product>-<version>/index.html` and `<Product>-<version>/zh-Hant/index.html`. The version
 * comparison is `compare/index.html` and `compare/zh-Hant/index.html`; the files every page shares are in `assets/`.
 * Every link between them is relative, so the docs work from the mock's /docs/, any static server and file://.
 */
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { apiIndex, generatedDir, repoRoot, type ApiIndexEntry } from '../paths.js';
import {
  CatalogTranslator,
  EnglishTranslator,
  loadCatalogs,
  type Lang,
  type TranslatedLang,
  type Translator,
} from './i18n.js';
import type { TemplateOptions } from './render.js';
import { ASSETS_DIR } from './renderer.js';

export const docsDir = join(generatedDir, 'docs');
export const i18nDir = join(repoRoot, 'docs', 'i18n');

export interface Edition {
  lang: Lang;
  /** Folder of the language under an API's folder ('' for English). */
  dir: string;
  /** The language's own name, shown in the switch. */
  label: string;
}

export const EDITIONS: readonly Edition[] = [
  { lang: 'en', dir: '', label: 'English' },
  { lang: 'zh-Hant', dir: 'zh-Hant', label: '繁體中文' },
];

export interface DocsApi {
  /** `<Product>/<version>`, as in generated/apis.json. */
  id: string;
  /** The folder of the API's generated files, `<Product>-<version>`. */
  folder: string;
  /** `<Product> <version>`, as the pages name the API. */
  label: string;
  /** Folder of the API's pages under generated/docs ('' for the default API). */
  dir: string;
  isDefault: boolean;
}

/** One page: an API in a language. */
export interface DocsPage {
  api: DocsApi;
  edition: Edition;
  /** Folder of the page under generated/docs (POSIX separators, '' for the root). */
  dir: string;
}

export function docsApis(index: readonly ApiIndexEntry[] = apiIndex()): DocsApi[] {
  if (index.length === 0) throw new Error('docs: generated/apis.json lists no API (run the bundle step first)');
  return index.map((entry, i) => ({
    id: entry.id,
    folder: entry.folder,
    label: entry.id.replace('/', ' '),
    dir: i === 0 ? '' : entry.folder,
    isDefault: i === 0,
  }));
}

/** Every page, API by API (the default first), each in every language. */
export function docsPages(apis: readonly DocsApi[] = docsApis()): DocsPage[] {
  return apis.flatMap((api) =>
    EDITIONS.map((edition) => ({ api, edition, dir: posix.join(api.dir, edition.dir).replace(/^\.$/, '') })),
  );
}

export const catalogFile = (lang: TranslatedLang): string => join(i18nDir, `${lang}.yaml`);

/** A language's further catalogue files, `docs/i18n/<lang>.<part>.yaml`: texts kept apart from the main file. */
export function extraCatalogFiles(lang: TranslatedLang): string[] {
  return readdirSync(i18nDir)
    .filter((f) => f.startsWith(`${lang}.`) && f.endsWith('.yaml') && f !== `${lang}.yaml`)
    .sort()
    .map((f) => join(i18nDir, f));
}

/**
 * English passes texts through; another language looks them up in its catalogue: docs/i18n/<lang>.yaml (or `file`)
 * with the language's further files.
 */
export function translatorFor(lang: Lang, file?: string): EnglishTranslator | CatalogTranslator {
  return lang === 'en'
    ? new EnglishTranslator()
    : new CatalogTranslator(lang, loadCatalogs([file ?? catalogFile(lang), ...extraCatalogFiles(lang)], lang));
}

/** Path of a page's file, relative to generated/docs (POSIX separators, as in a URL). */
export function pagePath(page: DocsPage, file: string): string {
  return posix.join(page.dir, file);
}

export function htmlFile(page: DocsPage): string {
  return join(docsDir, pagePath(page, 'index.html'));
}

export function descriptionFile(page: DocsPage): string {
  return join(docsDir, pagePath(page, 'openapi.json'));
}

/** The relative link from one page to another (`zh-Hant/index.html`, `../index.html`, `../../zh-Hant/index.html`). */
export function relativeHref(from: DocsPage, to: DocsPage): string {
  return relativePath(from.dir, pagePath(to, 'index.html'));
}

/** A relative link from a folder under generated/docs to a file under it (both POSIX, relative to generated/docs). */
export function relativePath(fromDir: string, file: string): string {
  return posix.relative(fromDir || '.', file);
}

/** The folder of the version comparison in a language, under generated/docs (`compare`, `compare/zh-Hant`). */
export const compareDir = (edition: Edition): string => posix.join('compare', edition.dir);
export const compareFile = (edition: Edition): string => join(docsDir, compareDir(edition), 'index.html');

/** The same API in the other language. */
export function otherLanguage(page: DocsPage, pages: readonly DocsPage[]): DocsPage {
  const found = pages.find((p) => p.api.id === page.api.id && p.edition !== page.edition);
  if (!found) throw new Error(`docs: ${page.api.id} has no page in another language`);
  return found;
}

/** The other APIs, in the same language. */
export function otherApis(page: DocsPage, pages: readonly DocsPage[]): DocsPage[] {
  return pages.filter((p) => p.edition === page.edition && p.api.id !== page.api.id);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The API switch's links (to the same language of every other API), as HTML for the template. */
function apiLinks(page: DocsPage, pages: readonly DocsPage[]): string {
  return otherApis(page, pages)
    .map(
      (other) =>
        `<a class="docs-api-link" href="${escapeHtml(relativeHref(page, other))}"` +
        ` data-keep-route>${escapeHtml(other.api.label)}</a>`,
    )
    .join('');
}

export function templateOptions(page: DocsPage, pages: readonly DocsPage[], tr: Translator): TemplateOptions {
  const other = otherLanguage(page, pages);
  return {
    lang: page.edition.lang,
    label: page.edition.label,
    otherLang: other.edition.lang,
    otherLabel: other.edition.label,
    otherHref: relativeHref(page, other),
    switchLabel: tr.t('Language'),
    apiLabel: page.api.label,
    apiLinks: apiLinks(page, pages),
    apiSwitchLabel: tr.t('API version'),
    compareHref: relativePath(page.dir, posix.join(compareDir(page.edition), 'index.html')),
    compareLabel: tr.t('What differs between the versions'),
    assets: `${relativePath(page.dir, ASSETS_DIR)}/`,
    data: '{}',
  };
}
