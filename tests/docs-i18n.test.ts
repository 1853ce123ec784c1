// The Traditional Chinese edition is complete: every English text of the docs has an entry in docs/i18n/zh-Hant.yaml,
// no entry is left over, and the build fails when one is missing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { listOperations, loadBundledContract } from '../scripts/docs/contract.js';
import { catalogFile, EDITIONS } from '../scripts/docs/editions.js';
import { CatalogTranslator, EnglishTranslator, loadCatalog, parseCatalog } from '../scripts/docs/i18n.js';
import { describeEdition, describeWith } from '../scripts/gen-30-docs.js';

const contract = loadBundledContract();
const zh = EDITIONS.find((e) => e.lang === 'zh-Hant')!;
const file = catalogFile('zh-Hant');
const catalog = loadCatalog(file, 'zh-Hant');
const scratch = mkdtempSync(join(tmpdir(), 'rd-docs-i18n-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every text the zh-Hant edition asks a translation for. */
function textsToTranslate(): Set<string> {
  const english = new EnglishTranslator();
  describeWith(contract, zh, english);
  return english.seen;
}

describe('docs/i18n/zh-Hant.yaml', () => {
  it('translates every English text of the docs', () => {
    const tr = new CatalogTranslator('zh-Hant', catalog);
    describeWith(contract, zh, tr);
    expect([...tr.missing], 'English texts without a zh-Hant entry').toEqual([]);
  });

  it('has no entry that no text asks for (a stale translation)', () => {
    const tr = new CatalogTranslator('zh-Hant', catalog);
    describeWith(contract, zh, tr);
    expect(tr.unused(), 'entries no English text of the docs uses').toEqual([]);
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
    expect(() => describeEdition(contract, zh, partial)).toThrow(/1 English text\(s\) have no zh-Hant translation[\s\S]*"Error codes"/);
    expect(() => describeEdition(contract, zh)).not.toThrow();
  });

  it('rejects duplicate entries and placeholders that differ between the languages', () => {
    expect(() => parseCatalog('- {en: A text, zh-Hant: 一}\n- {en: " A text ", zh-Hant: 二}\n', 'zh-Hant', 'x')).toThrow(/duplicate/);
    expect(() => parseCatalog('- {en: "seed {source}", zh-Hant: "來源文件 {id}"}\n', 'zh-Hant', 'x')).toThrow(/placeholders/);
    expect(parseCatalog('- {en: "seed {source}", zh-Hant: "來源文件 {source}"}\n', 'zh-Hant', 'x').get('seed {source}')).toBe('來源文件 {source}');
  });

  it('gives EnableResourceDirectory the China site page’s own wording (seed 002)', () => {
    const { description } = describeEdition(contract, zh);
    const enable = listOperations(description).find(({ operation }) => operation.operationId === 'EnableResourceDirectory')!.operation;
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
