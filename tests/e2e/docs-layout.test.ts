// The docs on a phone and in dark mode, in Chromium: every page (each API in each language, and the version
// comparison) at 420 px and 1400 px, light and dark. Nothing overflows the page sideways, the switches cover nothing
// and their labels keep to one line, tables scroll inside their own box without squeezing a cell or breaking a code,
// and in dark mode every text on screen has a contrast of at least 4.5:1. Screenshots of each page, width and scheme
// (the top, and for the API pages EnableResourceDirectory's tables) go to artifacts/.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { docsDir } from '../../scripts/docs/editions.js';
import { loadDocsSite } from '../../scripts/gen-30-docs.js';
import {
  artifactsDir,
  chromiumMissing,
  launchChromium,
  serveDirectory,
  type StaticServer,
} from '../helpers/docs-browser.js';
import {
  barProblems,
  contrastProblems,
  horizontalOverflow,
  SCHEMES,
  tableProblems,
  WIDTHS,
  type Scheme,
} from '../helpers/docs-layout.js';
import { sitePages, waitForRedoc, type SitePage } from '../helpers/docs-links.js';

const missing = chromiumMissing();
const inCi = process.env.CI === 'true';
if (missing && !inCi) console.warn(`tests/e2e/docs-layout.test.ts skipped: ${missing}`);
const site = loadDocsSite();
const ENABLE = '/resourcedirectory/enableresourcedirectory';

describe('Chromium for the docs layout test', () => {
  it.runIf(inCi)('is installed in CI', () => {
    expect(missing, 'CI must install Debian chromium (and fonts-noto-cjk) for the docs browser tests').toBeUndefined();
  });
});

/** artifacts/docs-<Product>-<version>-<lang>-<width>-<scheme>[-<place>].png (compare-<lang> for the comparison). */
function screenshotFile(sitePage: SitePage, width: number, scheme: Scheme, place?: string): string {
  return join(artifactsDir, `docs-${sitePage.slug}-${width}-${scheme}${place ? `-${place}` : ''}.png`);
}

async function check(page: Page, where: string, scheme: Scheme, tables: boolean): Promise<string[]> {
  const problems = [...(await horizontalOverflow(page)), ...(await barProblems(page))];
  if (tables) problems.push(...(await tableProblems(page)));
  if (scheme === 'dark') problems.push(...(await contrastProblems(page)));
  return problems.map((p) => `${where}: ${p}`);
}

describe.skipIf(missing !== undefined)('the docs on a phone and in dark mode', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), serveDirectory(docsDir)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const cases = sitePages(site).flatMap((sitePage) =>
    SCHEMES.map(
      (scheme) => [`${sitePage.name}, ${scheme}, at ${WIDTHS.join(' px and ')} px`, sitePage, scheme] as const,
    ),
  );

  it.each(cases)(
    '%s',
    async (name, sitePage, scheme) => {
      const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      const problems: string[] = [];
      try {
        await page.goto(new URL(sitePage.path, server.url).href);
        if (sitePage.redoc) await waitForRedoc(page);
        expect(await page.evaluate(() => document.documentElement.className)).toContain(scheme);
        // One load per page and scheme; the window is resized to each width (the layout follows the width alone).
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.evaluate(() => window.scrollTo(0, 0));
          if (sitePage.redoc) await page.evaluate(() => (location.hash = '#/'));
          await page.waitForTimeout(400);
          problems.push(...(await check(page, `${name}: ${width} px, top`, scheme, !sitePage.redoc)));
          await page.screenshot({ path: screenshotFile(sitePage, width, scheme) });
          if (!sitePage.redoc) continue;
          // EnableResourceDirectory, scrolled to its parameter table, then to its error table.
          await page.evaluate((hash) => (location.hash = hash), `#${ENABLE}`);
          await page.locator(`[data-section-id="${ENABLE}"]`).first().waitFor();
          for (const heading of ['parameter-constraints', 'error-codes']) {
            const target = page.locator(`[id="${ENABLE}/request/${heading}"]`);
            await target.waitFor();
            await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
            await page.waitForTimeout(300);
            problems.push(...(await check(page, `${name}: ${width} px, ${heading}`, scheme, true)));
            await page.screenshot({ path: screenshotFile(sitePage, width, scheme, heading) });
          }
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it(
    'the checks find what the review found: switches off the window and over the title, a label on several lines,' +
      ' squeezed cells, a code broken mid-word, a page wider than the phone, pale labels in dark mode',
    async () => {
      const context = await browser.newContext({ viewport: { width: 420, height: 900 }, colorScheme: 'dark' });
      const page = await context.newPage();
      try {
        await page.goto(new URL(`index.html#${ENABLE}`, server.url).href);
        await waitForRedoc(page);
        const target = page.locator(`[id="${ENABLE}/request/error-codes"]`);
        await target.waitFor();
        await target.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(300);
        expect(await check(page, 'as built', 'dark', true)).toEqual([]);
        // The old page's faults, put back: fixed pills pushed left over the content, labels allowed to wrap, table
        // cells that may break anywhere, a light bar in dark mode, something wider than the window.
        await page.addStyleTag({
          content:
            '.docs-bar { position: fixed !important; left: -120px; top: 0; background: #fafafa !important;' +
            ` z-index: 5000 }
          .docs-bar * { color: #f4f4f5 !important }
          .docs-switch > * { white-space: normal !important; width: 2.5em; display: inline-block }
          table.md td, table.md td.docs-wrap { min-width: 0 !important; overflow-wrap: anywhere !important }
          table.md code { white-space: normal !important; overflow-wrap: anywhere !important }
          .md-table-wrapper { overflow-x: visible !important }
          body::after { content: ''; display: block; width: 2000px; height: 1px }`,
        });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(300);
        const found = [...(await check(page, 'top', 'dark', false)), ...(await tableProblems(page))].join('\n');
        for (const fault of [
          /runs off the window/,
          /breaks over lines/,
          /has contrast \d/,
          /is \d+ px wide in a 420 px window/,
          /a cell is \d+ px wide|breaks over lines/,
        ])
          expect(found).toMatch(fault);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
