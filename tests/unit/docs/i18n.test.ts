// The Traditional Chinese pages are complete: every English text of the docs of every API and of the version
// comparison has an entry in docs/i18n/zh-Hant.yaml or a further zh-Hant.<part>.yaml, no entry is left over (across
// all APIs and files), and the build fails when one is missing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { comparePage } from '../../../scripts/docs/compare-page.js';
import { listOperations } from '../../../scripts/docs/contract.js';
import { catalogFile, EDITIONS, extraCatalogFiles } from '../../../scripts/docs/editions.js';
import {
  CatalogTranslator,
  EnglishTranslator,
  loadCatalogs,
  parseCatalog,
  type Translator,
} from '../../../scripts/docs/i18n.js';
import { describePage, describeWith, loadDocsSite } from '../../../scripts/gen-30-docs.js';

const site = loadDocsSite();
/** The Traditional Chinese page of every API; the default API's first. */
const zhPages = site.pages.filter((page) => page.edition.lang === 'zh-Hant');
const zh = zhPages[0];
const file = catalogFile('zh-Hant');
const catalog = loadCatalogs([file, ...extraCatalogFiles('zh-Hant')], 'zh-Hant');
const scratch = mkdtempSync(join(tmpdir(), 'rd-docs-i18n-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const zhEdition = EDITIONS.find((edition) => edition.lang === 'zh-Hant')!;

/** Describes every API's zh-Hant page and the zh-Hant version comparison with one translator. */
function describeAll(tr: Translator): void {
  for (const page of zhPages) describeWith(site, page, tr);
  comparePage(site, zhEdition, tr);
}

/** Every text the zh-Hant pages ask a translation for. */
function textsToTranslate(): Set<string> {
  const english = new EnglishTranslator();
  describeAll(english);
  return english.seen;
}

describe('docs/i18n/zh-Hant.yaml', () => {
  it.each(zhPages.map((page) => [page.api.id, page] as const))(
    'translates every English text of the %s docs',
    (_id, page) => {
      const tr = new CatalogTranslator('zh-Hant', catalog);
      describeWith(site, page, tr);
      expect([...tr.missing], 'English texts without a zh-Hant entry').toEqual([]);
    },
  );

  it('translates every English text of the version comparison', () => {
    const tr = new CatalogTranslator('zh-Hant', catalog);
    comparePage(site, zhEdition, tr);
    expect([...tr.missing], 'English texts without a zh-Hant entry').toEqual([]);
  });

  it('has no entry that no text of any API’s docs asks for (a stale translation)', () => {
    const tr = new CatalogTranslator('zh-Hant', catalog);
    describeAll(tr);
    expect(tr.unused(), 'entries no English text of the docs uses').toEqual([]);
  });

  it('has entries only one API asks for (each API’s own texts), so both APIs are needed to find the stale ones', () => {
    const used = zhPages.map((page) => {
      const tr = new CatalogTranslator('zh-Hant', catalog);
      describeWith(site, page, tr);
      return tr.used;
    });
    for (const [i, own] of used.entries()) {
      const others = used.filter((_, j) => j !== i);
      expect(
        [...own].filter((key) => others.every((other) => !other.has(key))).length,
        zhPages[i].api.id,
      ).toBeGreaterThan(0);
    }
  });

  it('is needed entry by entry: removing any one leaves its text untranslated', () => {
    const needed = textsToTranslate();
    expect([...catalog.keys()].filter((key) => !needed.has(key))).toEqual([]);
    expect(needed.size).toBe(catalog.size);
  });

  it('makes the build fail, naming the text, when an entry is removed', () => {
    const entries = parse(readFileSync(file, 'utf8')) as Record<string, string>[];
    const removed = entries.find((entry) => entry.en === 'Error codes')!;
    const partial = join(scratch, 'zh-Hant.yaml');
    writeFileSync(partial, stringify(entries.filter((entry) => entry !== removed)));
    for (const page of zhPages) {
      expect(() => describePage(site, page, partial)).toThrow(
        /1 English text\(s\) have no zh-Hant translation[\s\S]*"Error codes"/,
      );
      expect(() => describePage(site, page)).not.toThrow();
    }
  });

  it('reads its further files with it, and refuses a text with an entry in two files', () => {
    expect(extraCatalogFiles('zh-Hant').length).toBeGreaterThan(0);
    const twice = join(scratch, 'zh-Hant.twice.yaml');
    writeFileSync(twice, stringify([{ en: 'Error codes', 'zh-Hant': '錯誤碼' }]));
    expect(() => loadCatalogs([file, twice], 'zh-Hant')).toThrow(
      /"Error codes" has an entry in another catalogue file/,
    );
  });

  it('rejects duplicate entries and placeholders that differ between the languages', () => {
    expect(() =>
      parseCatalog('- {en: A text, zh-Hant: 一}\n- {en: " A text ", zh-Hant: 二}\n', 'zh-Hant', 'x'),
    ).toThrow(/duplicate/);
    expect(() => parseCatalog('- {en: "seed {source}", zh-Hant: "來源文件 {id}"}\n', 'zh-Hant', 'x')).toThrow(
      /placeholders/,
    );
    expect(
      parseCatalog('- {en: "seed {source}", zh-Hant: "來源文件 {source}"}\n', 'zh-Hant', 'x').get('seed {source}'),
    ).toBe('來源文件 {source}');
  });

  it('gives EnableResourceDirectory the China site page’s own wording (seed 002)', () => {
    const { description } = describePage(site, zh);
    const enable = listOperations(description).find(
      ({ operation }) => operation.operationId === 'EnableResourceDirectory',
    )!.operation;
    const text = JSON.stringify(description);
    expect(enable.summary).toBe('開通資源目錄。');
    for (const official of [
      '開通方式。取值:',
      'CurrentAccount:使用當前登錄賬號開通資源目錄。',
      '新管理賬號名稱。',
      '新創建管理賬號的安全手機號碼。',
      '您可以調用SendVerificationCodeForEnableRD獲取驗證碼。',
      '資源目錄開通時間。',
      'Root資源夾ID。',
      '賬號已開通資源目錄,請勿重復開通。',
      '管理賬號名稱已被占用,請更換其他名稱。',
      '當前賬號未經過企業實名認證。請您先完成企業實名認證。',
    ]) {
      expect(text, official).toContain(official);
    }
  });
});

describe('the zh-Hant pages’ own generated texts', () => {
  it.each(zhPages.map((page) => [page.api.id, page] as const))(
    '%s: the version line, the choice sentence and both switches are in Traditional Chinese',
    (_id, page) => {
      const { description, template } = describePage(site, page);
      const enable = listOperations(description).find(
        ({ operation }) => operation.operationId === 'EnableResourceDirectory',
      )!.operation;
      expect(enable.description).toMatch(new RegExp(`^版本與接入地址：\\*\\*${page.api.label}\\*\\* · \``));
      expect(description.info.description).toContain('**選擇哪個 API：**');
      expect(description.info.description).toContain('`NotSupport.Account.Site`和`Invalid.AccountType`');
      expect(template.switchLabel).toBe('語言');
      expect(template.apiSwitchLabel).toBe('API 版本');
    },
  );
});
