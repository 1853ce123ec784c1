// Every link of the docs works when opened on its own, wherever the docs are served: by the mock under /docs/, by a
// plain static server, and from the files themselves (file://). The links are relative (`../index.html`) or point into
// the page (`#/<route>`), never at a site root, so the same files work in all three. Also: the switch links keep the
// reader's operation, Redoc 2 links open their place, and the mock lets the browser keep the shared renderer (ETag).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { docsDir, otherApis, otherLanguage, pagePath } from '../../scripts/docs/editions.js';
import { ASSETS_DIR, RENDERER_FILE } from '../../scripts/docs/renderer.js';
import { loadDocsSite } from '../../scripts/gen-30-docs.js';
import { chromiumMissing, launchChromium, serveDirectory, type StaticServer } from '../helpers/docs-browser.js';
import { collectLinks, resolveLinks, servedLinks, sitePages, waitForRedoc } from '../helpers/docs-links.js';
import { startMock, type TestMock } from '../helpers/mock.js';

const missing = chromiumMissing();
const inCi = process.env.CI === 'true';
if (missing && !inCi) console.warn(`tests/e2e/docs-links.test.ts skipped: ${missing}`);
const site = loadDocsSite();

describe('Chromium for the docs link test', () => {
  it.runIf(inCi)('is installed in CI', () => {
    expect(missing, 'CI must install Debian chromium (and fonts-noto-cjk) for the docs browser tests').toBeUndefined();
  });
});

describe('the mock serving the docs', () => {
  let mock: TestMock;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('serves the shared renderer with an ETag and answers a browser that has it with 304 and no body', async () => {
    const url = `${mock.url}/docs/${ASSETS_DIR}/${RENDERER_FILE}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    const again = await fetch(url, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect((await fetch(url, { headers: { 'if-none-match': 'W/"0-0"' } })).status).toBe(200);
  });
});

describe.skipIf(missing !== undefined)('docs links in Chromium', () => {
  let browser: Browser;
  let mock: TestMock;
  let server: StaticServer;

  beforeAll(async () => {
    [browser, mock, server] = await Promise.all([launchChromium(), startMock(), serveDirectory(docsDir)]);
  });
  afterAll(async () => {
    await browser?.close();
    await mock?.close();
    await server?.close();
  });

  let links: Map<string, string>;

  it(
    'every href of every page resolves under the mock’s /docs/: files answer 200, routes bring their section on' +
      ' screen, anchors exist, and opened on its own each kind of link lands on its place',
    async () => {
      links = await collectLinks(browser, `${mock.url}/docs/`, site);
      const report = await resolveLinks(browser, `${mock.url}/docs/`, site, links);
      expect(report.broken).toEqual([]);
      expect(report.checked).toBeGreaterThan(300);
      expect(report.fresh.length).toBeGreaterThanOrEqual(7);
      // Only the sources' pages and Redoc's credit leave the site; nothing is fetched from them.
      for (const href of report.external) expect(href).toMatch(/^https:\/\/(www\.alibabacloud\.com|redocly\.com)\//);
    },
    600_000,
  );

  it(
    'the same links are served by a plain static server: every file they name answers 200, every page' + ' renders',
    async () => {
      expect(links?.size, 'the links collected under the mock').toBeGreaterThan(300);
      expect(await servedLinks(browser, server.url, site, links, `${mock.url}/docs/`)).toEqual([]);
    },
    300_000,
  );

  it(
    'every page works from file://: Redoc renders, an operation opens by its address, and every link to another page' +
      ' names an existing file',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        for (const sitePage of sitePages(site)) {
          const fileUrl = pathToFileURL(`${docsDir}/${sitePage.path}`).href;
          await page.goto('about:blank');
          await page.goto(sitePage.redoc ? `${fileUrl}#/resourcedirectory/getresourcedirectory` : fileUrl);
          if (sitePage.redoc) {
            await waitForRedoc(page);
            const top = await page.evaluate(
              () =>
                document
                  .querySelector('[data-section-id="/resourcedirectory/getresourcedirectory"]')
                  ?.getBoundingClientRect().top,
            );
            expect(top, `${sitePage.name}: GetResourceDirectory on screen`).toBeGreaterThanOrEqual(-5);
            expect(top!, sitePage.name).toBeLessThan(880);
          }
          const files = await page.evaluate(() =>
            [...document.querySelectorAll('a[href]')]
              .map((a) => (a as HTMLAnchorElement).href)
              .filter((href) => href.startsWith('file:')),
          );
          expect(files.length, sitePage.name).toBeGreaterThan(sitePage.redoc ? 10 : 5);
          for (const href of files)
            expect(existsSync(fileURLToPath(href.split('#')[0])), `${sitePage.name}: ${href}`).toBe(true);
        }
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
    240_000,
  );

  describe('the switches', () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    });
    afterAll(async () => {
      await page?.close();
    });

    async function follow(fromUrl: string, linkText: string): Promise<string> {
      await page.goto('about:blank');
      await page.goto(fromUrl);
      await waitForRedoc(page);
      await page.locator('.docs-bar').getByRole('link', { name: linkText, exact: true }).click();
      await page.waitForLoadState('load');
      await waitForRedoc(page);
      return page.url();
    }

    // From the default API in English and from the other API in Traditional Chinese: every direction (en to zh-Hant and
    // back, 2020-03-31 to 2022-04-19 and back) of both switches.
    const froms = [site.pages[0], site.pages.find((p) => !p.api.isDefault && p.edition.lang === 'zh-Hant')!];
    it.each(froms.map((p) => [`${p.api.id} ${p.edition.lang}`, p] as const))(
      'from %s keep the operation in the other version and language, or go to the top when it has none',
      async (_name, from) => {
        const url = (p: typeof from, hash = '') => `${server.url}${pagePath(p, 'index.html')}${hash}`;
        const get = '#/resourcedirectory/getresourcedirectory';
        const other = otherLanguage(from, site.pages);
        expect(await follow(url(from, get), other.edition.label)).toBe(url(other, get));
        expect(
          await page
            .locator(`[data-section-id="${get.slice(1)}"]`)
            .first()
            .boundingBox()
            .then((b) => b?.y),
        ).toBeLessThan(200);
        for (const api of otherApis(from, site.pages)) {
          expect(await follow(url(from, get), api.api.label)).toBe(url(api, get));
          // InitResourceDirectory exists in 2020-03-31 only: from there the other version opens at its top.
          if (from.api.id === 'ResourceManager/2020-03-31')
            expect(await follow(url(from, '#/resourcedirectory/initresourcedirectory'), api.api.label)).toBe(url(api));
        }
      },
      120_000,
    );

    it('the search finds an error code: in the operation that answers it and in the error-code index', async () => {
      await page.goto('about:blank');
      await page.goto(`${server.url}zh-Hant/index.html`);
      await waitForRedoc(page);
      await page.locator('[data-testid="search-trigger"]').click();
      await page.keyboard.type('ManagementAccountName.AlreadyUsed');
      // Results: the operation's 409 example, and excerpts of the operation's error table and of the intro's index.
      await page
        .getByText('examples → InvalidParameter.ManagementAccountName.AlreadyUsed')
        .first()
        .waitFor({ timeout: 15_000 });
      const excerpts = (await page.evaluate(() => document.body.innerText))
        .split('\n')
        .filter((line) => line.startsWith('...') && line.includes('ManagementAccountName.AlreadyUsed'));
      expect(excerpts.length).toBeGreaterThanOrEqual(2);
    }, 60_000);

    it(
      'Redoc 2 addresses (#tag/…/operation/…, #operation/…) open their operation, with no "No page at this address"' +
        ' on the way',
      async () => {
        await page.addInitScript(() => {
          const seen: string[] = [];
          (window as unknown as { notFoundSeen: string[] }).notFoundSeen = seen;
          new MutationObserver(() => {
            if (document.body?.innerText.includes('No page at this address')) seen.push(location.hash);
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
        for (const legacy of [
          '#tag/ResourceDirectory/operation/EnableResourceDirectory',
          '#operation/GetResourceDirectory',
        ]) {
          await page.goto('about:blank');
          await page.goto(`${server.url}zh-Hant/index.html${legacy}`);
          await waitForRedoc(page);
          await page.waitForTimeout(1000);
          expect(await page.evaluate(() => (window as unknown as { notFoundSeen: string[] }).notFoundSeen)).toEqual([]);
          expect(page.url()).toMatch(/#\/resourcedirectory\/(enable|get)resourcedirectory$/);
        }
      },
      60_000,
    );
  });
});
