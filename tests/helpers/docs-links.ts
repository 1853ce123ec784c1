/**
 * Every link of the docs, followed as a reader would follow it: the pages of every API and language and the version
 * comparison pages are loaded in Chromium, every operation is opened, every `href` is collected (collectLinks), and
 * each is resolved (resolveLinks):
 *
 * - another origin: recorded (not followed: the tests run without network);
 * - a file of the site: fetched, it must answer 200;
 * - a place in a Redoc page (`#/<route>` and `#/<route>#<anchor>`): the page is loaded, then taken to each route as
 *   Redoc's router takes a reader there; it must not show Redoc's "No page at this address", the route's section must
 *   come on screen, and every anchor used with that route must be an element of it (a field of a response schema that
 *   Redoc shows folded: the field it is folded in). One link of each kind (a section, a tag, an operation, an error
 *   code, the error-code index, a heading, a schema field) is also loaded afresh, as a new tab opens it, and must bring
 *   its place onto the screen;
 * - a place in a comparison page (`#<Action>`): an element with that id.
 *
 * The links are relative, so the same links resolve against any server; servedLinks checks that another server (a
 * plain static one) serves every file they name, and that every page renders there.
 */
import type { Browser, Page } from 'playwright-core';
import { compareDir, EDITIONS, pagePath, type DocsPage } from '../../scripts/docs/editions.js';
import type { DocsSite } from '../../scripts/gen-30-docs.js';

export interface SitePage {
  name: string;
  /** For file names: `<Product>-<version>-<lang>`, `compare-<lang>`. */
  slug: string;
  /** Relative to the docs folder. */
  path: string;
  redoc: boolean;
}

/** Every HTML page of the docs: each API in each language, and the version comparison in each language. */
export function sitePages(site: DocsSite): SitePage[] {
  return [
    ...site.pages.map((page: DocsPage) => ({
      name: `${page.api.id} ${page.edition.lang}`,
      slug: `${page.api.folder}-${page.edition.lang}`,
      path: pagePath(page, 'index.html'),
      redoc: true,
    })),
    ...EDITIONS.map((edition) => ({
      name: `comparison ${edition.lang}`,
      slug: `compare-${edition.lang}`,
      path: `${compareDir(edition)}/index.html`,
      redoc: false,
    })),
  ];
}

/** Waits until Redoc has taken over the page (its sections are there, nothing says Loading...). */
export async function waitForRedoc(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !!document.querySelector('[data-section-id]') && !document.body.innerText.includes('Loading...'),
    null,
    { timeout: 30_000, polling: 100 },
  );
}

const NOT_FOUND = 'No page at this address';
const VIEWPORT = { width: 1400, height: 900 };

/** Loads `url` afresh (not a same-document navigation). */
async function freshLoad(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
}

async function hrefsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href));
}

/** Every link of every page under `docsUrl` (a folder URL with a trailing slash), with the page it is on. */
export async function collectLinks(browser: Browser, docsUrl: string, site: DocsSite): Promise<Map<string, string>> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const links = new Map<string, string>();
  try {
    for (const sitePage of sitePages(site)) {
      const add = async () => {
        for (const href of await hrefsOf(page)) if (!links.has(href)) links.set(href, sitePage.name);
      };
      await freshLoad(page, new URL(sitePage.path, docsUrl).href);
      if (!sitePage.redoc) {
        await add();
        continue;
      }
      await waitForRedoc(page);
      await add();
      // Redoc renders the operation that is open: open each, as the sidebar does.
      const routes = await page.evaluate(() =>
        [
          ...new Set(
            [...document.querySelectorAll('a[href^="#/"]')].map(
              (a) => (a.getAttribute('href') ?? '').slice(1).split('#')[0],
            ),
          ),
        ].filter((r) => r.split('/').length === 3),
      );
      for (const route of routes) {
        await page.evaluate((hash) => (location.hash = hash), `#${route}`);
        await page.locator(`[data-section-id="${route}"]`).first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(300);
        await add();
      }
    }
  } finally {
    await context.close();
  }
  return links;
}

export interface LinkReport {
  /** Links to other origins, not followed. */
  external: string[];
  /** Links that do not resolve, with why. */
  broken: string[];
  /** How many distinct links of the site were resolved. */
  checked: number;
  /** The links loaded afresh, one of each kind. */
  fresh: string[];
}

type Kind = 'section' | 'tag' | 'operation' | 'error' | 'index' | 'heading' | 'field' | 'redoc';

function kindOf(route: string, anchor: string | undefined): Kind {
  if (!anchor) return route.startsWith('/section/') ? 'section' : route.split('/').length === 2 ? 'tag' : 'operation';
  if (anchor.startsWith('error-')) return 'index';
  if (/\/request\/[a-z0-9-]+$/.test(anchor) && !/\/request\/(query|header)$/.test(anchor)) return 'heading';
  if (/^[a-z]+-[a-z0-9.]+$/.test(anchor)) return 'error';
  if (/&path=[^&]+\/[^&]+$/.test(anchor)) return 'field';
  return 'redoc';
}

/**
 * Where an anchor's element is, as Redoc looks it up (lower case) or as assets/docs.js corrects a heading link
 * (leading slash); with `folded`, a schema field Redoc shows folded counts as found when the field it is in is.
 */
async function anchorTop(page: Page, anchor: string, folded: boolean): Promise<number | undefined> {
  return page.evaluate(
    ([id, foldedToo]) => {
      let candidate: string | undefined = id;
      let el: HTMLElement | null = null;
      while (candidate && !el) {
        el = document.getElementById(candidate) ?? document.getElementById(`/${candidate}`);
        candidate =
          foldedToo && /&path=[^&]+\/[^&/]+$/.test(candidate) ? candidate.replace(/\/[^&/]+$/, '') : undefined;
      }
      return el ? el.getBoundingClientRect().top : undefined;
    },
    [anchor.toLowerCase(), folded] as const,
  );
}

const onScreen = (top: number | undefined) => top !== undefined && top >= -5 && top < VIEWPORT.height - 20;

/** Polls until `top()` is on screen (Redoc scrolls smoothly, and late on a busy machine); its last value. */
async function settle(page: Page, top: () => Promise<number | undefined>): Promise<number | undefined> {
  let value: number | undefined;
  for (let i = 0; i < 40; i++) {
    value = await top();
    if (onScreen(value)) return value;
    await page.waitForTimeout(150);
  }
  return value;
}

const sectionTop = (page: Page, route: string) => () =>
  page.evaluate((r) => document.querySelector(`[data-section-id="${r}"]`)?.getBoundingClientRect().top, route);

/** Resolves every link (see the module comment) against the server at `docsUrl`. */
export async function resolveLinks(
  browser: Browser,
  docsUrl: string,
  site: DocsSite,
  links: Map<string, string>,
): Promise<LinkReport> {
  const origin = new URL(docsUrl).origin;
  const redocPages = new Set(
    sitePages(site)
      .filter((p) => p.redoc)
      .map((p) => new URL(p.path, docsUrl).href),
  );
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const report: LinkReport = { external: [], broken: [], checked: 0, fresh: [] };
  try {
    const status = new Map<string, number>();
    const routes = new Map<string, Set<string>>(); // `${file}#${route}` -> anchors
    const places = new Set<string>(); // `${file}#${id}` in comparison pages
    const samples = new Map<Kind, string>();
    for (const [href, foundOn] of links) {
      const url = new URL(href);
      if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
      if (url.origin !== origin) {
        if (url.protocol !== 'https:') report.broken.push(`${foundOn}: ${href} is not https`);
        report.external.push(href);
        continue;
      }
      report.checked += 1;
      const file = `${url.origin}${url.pathname}`;
      if (!status.has(file)) status.set(file, (await page.request.get(file)).status());
      if (status.get(file) !== 200) {
        report.broken.push(`${foundOn}: ${href}: ${file} answers ${status.get(file)}`);
        continue;
      }
      const hash = decodeURIComponent(url.hash);
      if (!hash) continue;
      if (!redocPages.has(file)) {
        places.add(`${file}${hash}`);
        continue;
      }
      if (!hash.startsWith('#/')) {
        report.broken.push(`${foundOn}: ${href}: not a Redoc route`);
        continue;
      }
      const [route, anchor] = hash.slice(1).split('#');
      const anchors = routes.get(`${file}#${route}`) ?? new Set<string>();
      if (anchor) anchors.add(anchor);
      routes.set(`${file}#${route}`, anchors);
      const kind = kindOf(route, anchor);
      if (!samples.has(kind)) samples.set(kind, href);
    }
    for (const place of places) {
      await freshLoad(page, place);
      const id = place.slice(place.indexOf('#') + 1);
      if (!(await page.evaluate((i) => !!document.getElementById(i), id)))
        report.broken.push(`${place}: no element ${id}`);
    }
    let loaded = '';
    for (const [key, anchors] of routes) {
      const file = key.slice(0, key.indexOf('#'));
      const route = key.slice(key.indexOf('#') + 1);
      if (loaded !== file) {
        await freshLoad(page, `${file}#${route}`);
        await waitForRedoc(page);
        loaded = file;
      } else {
        await page.evaluate((hash) => (location.hash = hash), `#${route}`);
      }
      if (route !== '/') {
        const top = await settle(page, sectionTop(page, route));
        if (!onScreen(top)) report.broken.push(`${file}#${route}: the section does not come on screen (top ${top})`);
      }
      if (await page.evaluate((text) => document.body.innerText.includes(text), NOT_FOUND))
        report.broken.push(`${file}#${route}: Redoc says "${NOT_FOUND}"`);
      for (const anchor of anchors) {
        if ((await anchorTop(page, anchor, true)) === undefined)
          report.broken.push(`${file}#${route}#${anchor}: no element ${anchor}`);
      }
    }
    // One link of each kind, opened on its own, must bring its place onto the screen.
    for (const href of samples.values()) {
      report.fresh.push(href);
      await freshLoad(page, href);
      await waitForRedoc(page);
      const [route, anchor] = decodeURIComponent(new URL(href).hash).slice(1).split('#');
      const top = await settle(page, anchor ? () => anchorTop(page, anchor, false) : sectionTop(page, route));
      if (!onScreen(top)) report.broken.push(`${href}: opened on its own, its place is not on screen (top ${top})`);
      if (await page.evaluate((text) => document.body.innerText.includes(text), NOT_FOUND))
        report.broken.push(`${href}: Redoc says "${NOT_FOUND}"`);
    }
  } finally {
    await context.close();
  }
  report.external = [...new Set(report.external)].sort();
  return report;
}

/**
 * The same links served by another server (`docsUrl`): every file they name answers 200 with its type, and every
 * page renders there (Redoc takes over; the comparison shows its title).
 */
export async function servedLinks(
  browser: Browser,
  docsUrl: string,
  site: DocsSite,
  links: Map<string, string>,
  from: string,
): Promise<string[]> {
  const problems: string[] = [];
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  try {
    const files = new Set(
      [...links.keys()].filter((href) => href.startsWith(from)).map((href) => href.slice(from.length).split('#')[0]),
    );
    for (const file of files) {
      const answer = await page.request.get(new URL(file, docsUrl).href);
      const type = answer.headers()['content-type'] ?? '';
      if (answer.status() !== 200) problems.push(`${file}: ${answer.status()}`);
      else if (/\.html$|\/$/.test(file) && !type.startsWith('text/html')) problems.push(`${file}: served as ${type}`);
    }
    for (const sitePage of sitePages(site)) {
      await freshLoad(page, new URL(sitePage.path, docsUrl).href);
      if (sitePage.redoc)
        await waitForRedoc(page).catch(() => problems.push(`${sitePage.name}: Redoc does not render`));
      else if (!(await page.locator('main h1').count())) problems.push(`${sitePage.name}: no title`);
    }
  } finally {
    await context.close();
  }
  return problems;
}
