/**
 * Writes the reference docs: for every API of the build (generated/apis.json) a Redoc page in English and in
 * Traditional Chinese, each rendered from a docs-only copy of the API's published description (openapi.json beside
 * the page) with generated reference sections, code samples and translated texts, all loading the renderer, styles
 * and script shared under generated/docs/assets/. The default API's pages are generated/docs/index.html and
 * generated/docs/zh-Hant/index.html, every other API's under generated/docs/<Product>-<version>/ (see
 * scripts/docs/editions.ts). Every page links to the same API in the other language and to the other APIs in the same
 * language, keeping the place the reader is at when the other page has it.
 * Fails when an English text has no translation in docs/i18n/zh-Hant.yaml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import type { ApiContract } from './docs/choice.js';
import { loadBundledContract, type Document } from './docs/contract.js';
import { docsDescription } from './docs/description.js';
import { writeComparePages } from './docs/compare-page.js';
import { controlDir } from './gen-05-control.js';
import {
  compareDir,
  descriptionFile,
  docsApis,
  docsDir,
  docsPages,
  htmlFile,
  otherApis,
  otherLanguage,
  relativeHref,
  relativePath,
  templateOptions,
  translatorFor,
  type DocsApi,
  type DocsPage,
} from './docs/editions.js';
import { CatalogTranslator, type Translator } from './docs/i18n.js';
import { redocOptions, renderHtml, type TemplateOptions } from './docs/render.js';
import { ASSETS_DIR, writeAssets } from './docs/renderer.js';
import { pageRoutes } from './docs/routes.js';
import type { PageLinks } from './docs/sections.js';
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

/** A page's links to the other versions' pages in its language and to the version comparison. */
export function pageLinks(page: DocsPage, pages: readonly DocsPage[]): PageLinks {
  return {
    versions: otherApis(page, pages).map((other) => ({
      id: other.api.id,
      label: other.api.label,
      href: relativeHref(page, other),
    })),
    compare: relativePath(page.dir, posix.join(compareDir(page.edition), 'index.html')),
  };
}

/**
 * The docs description of one page and its template options, with the given translator (missing texts are left to it).
 */
export function describeWith(site: DocsSite, page: DocsPage, tr: Translator): PageBuild {
  return {
    page,
    description: docsDescription(pageContract(site, page), site.apis, tr, pageLinks(page, site.pages)),
    template: templateOptions(page, site.pages, tr),
  };
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

/**
 * The data of each page's switches (assets/docs.js): its own routes, and the routes of the page behind each switch
 * link, so that a link keeps the reader's place when the other page has it.
 */
export function withPageData(builds: PageBuild[]): PageBuild[] {
  const routes = new Map(builds.map((build) => [build.page, pageRoutes(build.description)]));
  const pages = builds.map((build) => build.page);
  return builds.map((build) => {
    const { page } = build;
    const own = routes.get(page)!;
    const switches = [otherLanguage(page, pages), ...otherApis(page, pages)];
    const targets = Object.fromEntries(switches.map((other) => [relativeHref(page, other), routes.get(other)!.all]));
    return {
      ...build,
      template: {
        ...build.template,
        data: JSON.stringify({ operations: own.operations, tags: own.tags, headings: own.headings, targets }),
      },
    };
  });
}

/**
 * The page of the mock's control routes, generated/docs/control/index.html, rendered from their published description
 * (generated/control/openapi.json, written by gen-05-control) as it is: English only (no language switch), with the
 * default API's English page's switches, its API link pointing back to that page.
 */
async function renderControlPage(builds: readonly PageBuild[]): Promise<string> {
  const english = builds.find((b) => b.page.edition.lang === 'en' && b.page.api.isDefault)!;
  const dir = 'control';
  const html = join(docsDir, dir, 'index.html');
  const back = relativePath(dir, posix.join(english.page.dir, 'index.html'));
  const template: TemplateOptions = {
    ...english.template,
    otherHref: '',
    apiLabel: 'Mock control routes',
    apiLinks: `<a class="docs-api-link" href="${back}">${english.page.api.label}</a>`,
    compareHref: relativePath(dir, posix.join(compareDir(english.page.edition), 'index.html')),
    assets: `${relativePath(dir, ASSETS_DIR)}/`,
    data: '{}',
  };
  await renderHtml(
    join(controlDir, 'openapi.json'),
    html,
    template,
    redocOptions({ paths: {} } as unknown as Document),
  );
  return html;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export async function generate(): Promise<string[]> {
  const site = loadDocsSite();
  const builds = withPageData(site.pages.map((page) => describePage(site, page)));
  const assets = writeAssets(docsDir);
  for (const { page, description } of builds) writeJson(descriptionFile(page), description);
  await Promise.all(
    builds.map(({ page, description, template }) =>
      renderHtml(descriptionFile(page), htmlFile(page), template, redocOptions(description)),
    ),
  );
  const control = await renderControlPage(builds);
  const compare = writeComparePages(site);
  return [...assets, ...builds.flatMap(({ page }) => [descriptionFile(page), htmlFile(page)]), control, ...compare].map(
    (file) => relative(repoRoot, file),
  );
}
