// The reference docs in a real browser: every API in both languages, every action, parameter, error code and RAM action
// of that API visible with its version and endpoint, JSON and XML examples rendered, nothing loaded from another
// origin; full-page screenshots in artifacts/. The links (the switches among them) are tests/e2e/docs-links.test.ts's,
// phones and dark mode tests/e2e/docs-layout.test.ts's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { docsDir } from '../../scripts/docs/editions.js';
import {
  assertDocsSite,
  chromiumMissing,
  launchChromium,
  serveDirectory,
  type StaticServer,
} from '../helpers/docs-browser.js';

const missing = chromiumMissing();
const inCi = process.env.CI === 'true';
if (missing && !inCi) console.warn(`tests/e2e/docs-browser.test.ts skipped: ${missing}`);

describe('Chromium for the docs browser test', () => {
  it.runIf(inCi)('is installed in CI', () => {
    expect(missing, 'CI must install Debian chromium (and fonts-noto-cjk) for the docs browser test').toBeUndefined();
  });
});

describe.skipIf(missing !== undefined)('reference docs in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), serveDirectory(docsDir)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'shows every action, parameter, error code and RAM action of each API in both languages, with its version and' +
      ' endpoint',
    async () => {
      await assertDocsSite(browser, server.url);
      // Four pages, every action opened in each: on this 2-core machine under other load it took 298 s before the
      // Source columns and Samples / Response fields tables (about 30 % more text per page) and 344 s after.
    },
    600_000,
  );
});
