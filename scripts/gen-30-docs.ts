/**
 * Writes the reference docs: for every API of the build (generated/apis.json) a self-contained Redoc page in English
 * and in Traditional Chinese, each rendered from a docs-only copy of the API's published description
 * (openapi.json beside the page) with generated reference sections, code samples and translated texts. The default
 * API's pages are generated/docs/index.html and generated/docs/zh-Hant/index.html, every other API's under
 * generated/docs/<Product>-<version>/ (see scripts/docs/editions.ts). Every page links to the same API in the other
 * language and to the other APIs in the same language.
 * Fails when an English text has no translation in docs/i18n/zh-Hant.yaml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { ApiContract } from './docs/choice.js';
import { loadBundledContract, type Document } from './docs/contract.js';
import { docsDescription } from './docs/description.js';
import { descriptionFile, docsApis, docsDir, docsPages, htmlFile, templateOptions, translatorFor, type DocsApi, type DocsPage } from './docs/editions.js';
import { controlDir } from './gen-05-control.js';
import { CatalogTranslator, type Translator } from './docs/i18n.js';
import { redocOptions, renderHtml, type TemplateOptions } from './docs/render.js';
import { repoRoot } from './paths.js';

/** Every API of the build with its published description, and every page of the docs. */
export interface DocsSite {
  apis: (DocsApi & ApiContract)[];
  pages: DocsPage[];
}

export function loadDocsSite(apis: readonly DocsApi[] = docsApis()): DocsSite {
  const loaded = apis.map((api) => ({ ...api, contract: loadBundledContract(api) }));
  return { apis: loaded, pages: docsPages(apis) };
}

/** The published description of a page's API. */
export function pageContract(site: DocsSite, page: DocsPage): DocsApi & ApiContract {
  const found = site.apis.find((api) => api.id === page.api.id);
  if (!found) throw new Error(`docs: no description of ${page.api.id}`);
  return found;
}

export interface PageBuild {
  page: DocsPage;
  description: Document;
  template: TemplateOptions;
}

/** The docs description of one page and its template options, with the given translator (missing texts are left to it). */
export function describeWith(site: DocsSite, page: DocsPage, tr: Translator): PageBuild {
  return { page, description: docsDescription(pageContract(site, page), site.apis, tr), template: templateOptions(page, site.pages, tr) };
}

/**
 * The docs description of one page (with `catalog`, a translation file other than docs/i18n/<lang>.yaml);
 * throws, listing them, when texts have no translation.
 */
export function describePage(site: DocsSite, page: DocsPage, catalog?: string): PageBuild {
  const tr = translatorFor(page.edition.lang, catalog);
  const build = describeWith(site, page, tr);
  if (tr instanceof CatalogTranslator) tr.assertComplete();
  return build;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * The page of the mock's control routes, generated/docs/control/index.html, rendered from their published description
 * (generated/control/openapi.json, written by gen-05-control) as it is: English only (no language switch), linked to
 * the default API's English page.
 */
async function renderControlPage(site: DocsSite): Promise<string[]> {
  const english = site.pages.find((p) => p.edition.lang === 'en' && p.api.isDefault)!;
  const html = join(docsDir, 'control', 'index.html');
  const back = posix.relative('control', posix.join(english.dir || '.', 'index.html'));
  const template: TemplateOptions = {
    lang: 'en',
    label: 'English',
    otherLang: 'en',
    otherLabel: '',
    otherHref: '',
    switchLabel: 'Language',
    apiLabel: 'Mock control routes',
    apiLinks: `<a class="docs-api-link" href="${back}">${english.api.label}</a>`,
    apiSwitchLabel: 'API',
  };
  await renderHtml(join(controlDir, 'openapi.json'), html, template, redocOptions({ paths: {} } as unknown as Document));
  return [relative(repoRoot, html)];
}

export async function generate(): Promise<string[]> {
  const site = loadDocsSite();
  const builds = site.pages.map((page) => describePage(site, page));
  for (const { page, description } of builds) writeJson(descriptionFile(page), description);
  const [control] = await Promise.all([
    renderControlPage(site),
    ...builds.map(({ page, description, template }) => renderHtml(descriptionFile(page), htmlFile(page), template, redocOptions(description))),
  ]);
  return [...builds.flatMap(({ page }) => [descriptionFile(page), htmlFile(page)]).map((file) => relative(repoRoot, file)), ...control!];
}
