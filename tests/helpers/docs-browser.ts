/**
 * Checks the reference docs in a real browser: headless Chromium (Debian's `chromium`) driven by playwright-core.
 *
 * - `serveDirectory(root)`: a tiny static file server on a free loopback port.
 * - `assertDocsSite(browser, docsUrl)`: loads every page under `docsUrl` (the folder holding the default API's
 *   index.html and zh-Hant/index.html and every other API's <Product>-<version>/..., e.g. `http://127.0.0.1:1234/`
 *   or a mock's `http://127.0.0.1:1234/docs/`), opens every action and checks that every action, parameter, error
 *   code and RAM action of THAT API's description is visible with the API's version and endpoint, that JSON and XML
 *   response examples render, that nothing is loaded from another origin, and saves a full-page screenshot of each
 *   page. (Links, including the switches between the pages, layout and colours: docs-links.ts and docs-layout.ts.)
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  actionFacts,
  apiIdentity,
  deref,
  listOperations,
  type ActionFacts,
  type Document,
  type Example,
  type Response,
} from '../../scripts/docs/contract.js';
import { descriptionFile, pagePath, type DocsPage } from '../../scripts/docs/editions.js';
import { loadDocsSite, pageContract, type DocsSite } from '../../scripts/gen-30-docs.js';
import { repoRoot } from '../../scripts/paths.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const artifactsDir = join(repoRoot, 'artifacts');

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} not found (apt-get install -y chromium fonts-noto-cjk)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

// --- Static server -------------------------------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  /** The root URL, with a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** The file a URL path names under `root` (a folder gives its index.html), or undefined outside `root` or missing. */
function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = resolve(root, `.${normalize(decoded)}`);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const target = existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
  return existsSync(target) && statSync(target).isFile() ? target : undefined;
}

/** Serves `root` read-only on 127.0.0.1 at a free port. */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const file =
      req.method === 'GET' || req.method === 'HEAD'
        ? fileFor(base, new URL(req.url ?? '/', 'http://x').pathname)
        : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}

// --- Page checks ---------------------------------------------------------------------------------------------

export interface DocsSiteOptions {
  /** Where the full-page screenshots go (docs-<Product>-<version>-<lang>-1400-light-full.png); default artifacts/. */
  screenshotDir?: string;
  /** The APIs (with their descriptions, whose actions must be shown) and pages; default those of the last build. */
  site?: DocsSite;
}

interface OperationView {
  action: string;
  tag?: string;
  summary: string;
  facts: ActionFacts;
  xmlFirstLine: string;
  jsonFirstKey: string;
}

/** What each operation of a page must show: facts from the API's description, its sidebar label from the page. */
function operationViews(contract: Document, page: DocsPage): OperationView[] {
  const described = JSON.parse(readFileSync(descriptionFile(page), 'utf8')) as Document;
  const summaries = new Map(
    listOperations(described).map(({ operation }) => [
      operation.operationId,
      operation.summary ?? operation.operationId,
    ]),
  );
  const facts = new Map(actionFacts(contract).map((f) => [f.action, f]));
  return listOperations(contract).map(({ operation }) => {
    const ok = deref<Response>(contract, operation.responses['200']);
    const firstExample = (mediaType: string) =>
      deref<Example>(contract, Object.values(ok.content?.[mediaType]?.examples ?? {})[0] ?? {}).value;
    const xml = String(firstExample('text/xml') ?? '');
    const json = (firstExample('application/json') ?? {}) as Record<string, unknown>;
    return {
      action: operation.operationId,
      tag: operation.tags?.[0],
      summary: summaries.get(operation.operationId) ?? operation.operationId,
      facts: facts.get(operation.operationId)!,
      xmlFirstLine: xml.split('\n')[0].trim(),
      jsonFirstKey: `"${Object.keys(json)[0]}"`,
    };
  });
}

/** The whitespace-normalised texts of every visible element on the page (short ones: names, codes, labels). */
async function visibleTexts(page: Page): Promise<Set<string>> {
  const texts = await page.evaluate(() => {
    const found: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (!text || text.length > 200 || !element.checkVisibility()) continue;
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) found.push(text);
    }
    return found;
  });
  return new Set(texts);
}

/** Clicks an action in Redoc's sidebar, expanding its tag group first when needed. */
async function openAction(page: Page, view: OperationView): Promise<void> {
  const sidebar = page.locator('[data-component-name="Menu/Menu"]').first();
  const item = sidebar.getByText(view.summary, { exact: true }).first();
  if (!(await item.isVisible()) && view.tag) await sidebar.getByText(view.tag, { exact: true }).first().click();
  await item.click();
}

/** Opens an action and returns the texts of it that are not visible (`apiTexts`: the API's label and request line). */
async function invisibleFacts(page: Page, view: OperationView, apiTexts: string[]): Promise<string[]> {
  await openAction(page, view);
  await page
    .getByText(view.facts.ramAction, { exact: true })
    .filter({ visible: true })
    .first()
    .waitFor({ timeout: 15_000 });
  const visible = await visibleTexts(page);
  return [view.action, ...view.facts.parameters, ...view.facts.errorCodes, view.facts.ramAction, ...apiTexts].filter(
    (text) => !visible.has(text),
  );
}

async function chooseResponseMediaType(page: Page, mediaType: string): Promise<void> {
  await page.getByRole('button', { name: 'Response media type' }).filter({ visible: true }).first().click();
  await page.getByRole('menuitem', { name: mediaType, exact: true }).click();
}

async function waitForSample(page: Page, text: string, failure: string): Promise<void> {
  await page
    .locator('pre')
    .filter({ visible: true, hasText: text })
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => {
      throw new Error(failure);
    });
}

/**
 * Checks that the open action's response sample renders as JSON, then as XML (text/xml), and switches back.
 * Redoc keeps one media-type choice for the whole page.
 */
async function assertResponseExamples(page: Page, view: OperationView, where: string): Promise<void> {
  await waitForSample(
    page,
    view.jsonFirstKey,
    `${where}: the JSON response example (${view.jsonFirstKey}) is not shown`,
  );
  await chooseResponseMediaType(page, 'text/xml');
  await waitForSample(
    page,
    view.xmlFirstLine,
    `${where}: the XML response example (${view.xmlFirstLine}) is not shown`,
  );
  await chooseResponseMediaType(page, 'application/json');
}

function pageUrl(docsUrl: string, docsPage: DocsPage): string {
  return new URL(pagePath(docsPage, 'index.html'), docsUrl).href;
}

const pageName = (docsPage: DocsPage) => `${docsPage.api.id} ${docsPage.edition.lang}`;

/** Fails on uncaught page errors and on anything fetched from another origin but images Redoc's CSP blocks. */
function watchPage(page: Page, origin: string): () => string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  void page.route('**/*', (route) => {
    const request = route.request();
    const url = request.url();
    if (url.startsWith(origin) || /^(data|blob):/.test(url)) return route.continue();
    if (request.resourceType() !== 'image') problems.push(`external ${request.resourceType()}: ${url}`);
    return route.abort('blockedbyclient');
  });
  return () => problems;
}

/**
 * Redoc renders only the sections near the viewport, so a plain full-page screenshot shows blanks: the viewport is
 * grown to the page's height (until that stops changing) so that every section renders, then captured.
 */
async function fullPageScreenshot(page: Page, file: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 1440;
  let height = 0;
  for (let round = 0; round < 5; round++) {
    const scrollHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    if (Math.abs(scrollHeight - height) < 100) break;
    height = scrollHeight;
    await page.setViewportSize({ width, height: Math.min(height, 60_000) });
    await page.waitForTimeout(500);
  }
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true, timeout: 120_000 });
}

async function assertPage(
  browser: Browser,
  docsUrl: string,
  site: DocsSite,
  docsPage: DocsPage,
  screenshotDir: string,
): Promise<void> {
  const name = pageName(docsPage);
  const { contract } = pageContract(site, docsPage);
  const api = apiIdentity(contract);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const problems = watchPage(page, new URL(docsUrl).origin);
  try {
    await page.goto(pageUrl(docsUrl, docsPage));
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== docsPage.edition.lang) throw new Error(`${name}: <html lang="${lang}">`);
    const views = operationViews(contract, docsPage);
    const shown = new Set(views.map((view) => view.action));
    const others = site.apis
      .flatMap((other) => listOperations(other.contract).map(({ operation }) => operation.operationId))
      .filter((action) => !shown.has(action));
    const failures: string[] = [];
    for (const action of new Set(others)) {
      if (await page.locator('[data-component-name="Menu/Menu"]').getByText(action, { exact: true }).count())
        failures.push(`${name}: shows ${action}, which ${api.label} does not have`);
    }
    for (const view of views) {
      const missing = await invisibleFacts(page, view, [api.label, `POST ${api.url}`]);
      if (missing.length) failures.push(`${name} ${view.action}: not visible: ${missing.join(', ')}`);
      await assertResponseExamples(page, view, `${name} ${view.action}`);
    }
    if (failures.length) throw new Error(failures.join('\n'));
    await fullPageScreenshot(
      page,
      join(screenshotDir, `docs-${docsPage.api.folder}-${docsPage.edition.lang}-1400-light-full.png`),
    );
    if (problems().length) throw new Error(`${name}:\n${problems().join('\n')}`);
  } finally {
    await page.close();
  }
}

/** Checks every page of the docs served under `docsUrl` (see the module comment). */
export async function assertDocsSite(browser: Browser, docsUrl: string, options: DocsSiteOptions = {}): Promise<void> {
  const site = options.site ?? loadDocsSite();
  for (const docsPage of site.pages)
    await assertPage(browser, docsUrl, site, docsPage, options.screenshotDir ?? artifactsDir);
}
