// The Traditional Chinese of the docs reads as written by a person (docs/i18n/glossary.yaml): every zh-Hant text the
// pages and the version comparison show has no wrong character conversion (規范, 注冊, 沖突...), no Simplified
// character, one term per concept (預檢 for a dry run, never 試運行; 必選, never 必填), full-width punctuation next to
// Chinese, and translated table headers; seed 002's own words are kept where the docs quote them.
import { describe, expect, it } from 'vitest';
import { comparePage } from '../../../scripts/docs/compare-page.js';
import { listOperations, type Document } from '../../../scripts/docs/contract.js';
import { EDITIONS, translatorFor } from '../../../scripts/docs/editions.js';
import { loadGlossary, zhProblems } from '../../../scripts/docs/glossary.js';
import { describePage, loadDocsSite } from '../../../scripts/gen-30-docs.js';

const site = loadDocsSite();
const glossary = loadGlossary();
const zhEdition = EDITIONS.find((edition) => edition.lang === 'zh-Hant')!;
const zhPages = site.pages.filter((page) => page.edition.lang === 'zh-Hant');
const builds = zhPages.map((page) => describePage(site, page));
const compareHtml = comparePage(site, zhEdition, translatorFor('zh-Hant'));

/** Every text a docs description shows: titles, summaries, descriptions and the code samples' labels. */
function shownTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => shownTexts(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && ['title', 'summary', 'description', 'label'].includes(key)) found.push(value);
      else if (key !== 'value' && key !== 'example' && key !== 'examples') shownTexts(value, found);
    }
  }
  return found;
}

/** The text of the comparison page, tag by tag (what the reader sees). */
const compareTexts = compareHtml
  .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
  .split(/<[^>]+>/)
  .map((t) =>
    t
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .trim(),
  )
  .filter(Boolean);

describe('the zh-Hant check itself', () => {
  it(
    'finds what the review found: wrong conversions, a second term for a concept, ASCII punctuation in Chinese, an' +
      ' English header',
    () => {
      for (const [text, problem] of [
        ['字符串按鍵排序的規范化查詢', /"規范" is a wrong conversion \(write "規範"\)/],
        ['賬號不是在當前站點注冊的', /"注冊"/],
        ['衝突：沖突', /"沖突"/],
        ['如需試運行，請使用 2022-04-19', /"試運行": the docs write dry run/],
        ['在該形式中必填', /"必填"/],
        ['接入地址 `https://resourcemanager.aliyuncs.com`:EnableResourceDirectory', /ASCII ":"/],
        ['開通、初始化和查詢資源目錄;為新管理賬號發送驗證碼', /ASCII ";"/],
        ['中心接入地址(HTTPS)', /ASCII "\("/],
        ['**選擇哪個 API:** ResourceManager', /ASCII ":"/],
        ['这是简体', /Simplified character/],
      ] as const) {
        expect(zhProblems(text, glossary).join('\n'), text).toMatch(problem);
      }
    },
  );

  it('leaves seed 002’s words as they are (its 重復, 占用 and ASCII commas), and code, URLs and placeholders alone', () => {
    expect(zhProblems('賬號已開通資源目錄,請勿重復開通。', glossary)).toEqual([]);
    expect(zhProblems('管理賬號名稱已被占用,請更換其他名稱。', glossary)).toEqual([]);
    expect(zhProblems('請勿重復開通資源目錄。', glossary).join()).toMatch(/"重復"/);
    expect(
      zhProblems('類型 `string`；匹配 `^[a-z]:(x)$`；接入地址 `https://a.b/?x=1,2`；{api} 為 {value}', glossary),
    ).toEqual([]);
  });
});

describe('the zh-Hant docs', () => {
  it.each(builds.map((build) => [build.page.api.id, build] as const))(
    '%s: every text shown passes the glossary',
    (_id, build) => {
      const texts = [
        ...new Set([
          ...shownTexts(build.description),
          ...Object.values(build.template).filter((v) => /\p{Script=Han}/u.test(v)),
        ]),
      ];
      const problems = texts.flatMap((text) => zhProblems(text, glossary));
      expect(problems).toEqual([]);
    },
  );

  it('the version comparison: every text shown passes the glossary', () => {
    expect(compareTexts.flatMap((text) => zhProblems(text, glossary))).toEqual([]);
  });

  it.each(builds.map((build) => [build.page.api.id, build] as const))(
    '%s: every table header is translated',
    (_id, build) => {
      const headers = shownTexts(build.description).flatMap((text) =>
        text
          .split('\n')
          .filter((line, i, lines) => /^\|.*\|$/.test(line) && /^\|(\s*-+\s*\|)+$/.test(lines[i + 1] ?? ''))
          .flatMap((line) =>
            line
              .slice(1, -1)
              .split('|')
              .map((cell) => cell.trim()),
          ),
      );
      expect(headers.length).toBeGreaterThan(20);
      expect(headers.filter((cell) => !/\p{Script=Han}/u.test(cell))).toEqual([]);
    },
  );

  it('the version comparison’s table headers are translated (but for the APIs’ names)', () => {
    const labels = new Set(site.apis.map((api) => api.id.replace('/', ' ')));
    const headers = [...compareHtml.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map(([, cell]) =>
      cell.replace(/<[^>]+>/g, '').trim(),
    );
    expect(headers.length).toBeGreaterThan(5);
    expect(headers.filter((cell) => !labels.has(cell) && !/\p{Script=Han}/u.test(cell))).toEqual([]);
  });
});

describe('seed 002’s own words in the zh-Hant edition (EnableResourceDirectory, ResourceManager 2020-03-31)', () => {
  const description = builds.find((build) => build.page.api.isDefault)!.description;
  const enable = listOperations(description).find(
    ({ operation }) => operation.operationId === 'EnableResourceDirectory',
  )!.operation;
  const parameter = (name: string) =>
    (description.components?.parameters?.[name] as { description: string } | undefined)?.description ?? '';

  it('describes NotSupport.AccountInAnotherResourceDirectory with seed 002’s description (seed 000 gives "-")', () => {
    expect(enable.description).toMatch(
      new RegExp(
        [
          /\| `NotSupport\.AccountInAnotherResourceDirectory` \{% id="[^"]+" %\} \| .+ /.source,
          /\| 您的賬號是另一個資源目錄的管理賬號或是另一個資源目錄內的成員。 \|/.source,
        ].join(''),
      ),
    );
  });

  it(
    'gives MASecureMobilePhone seed 002’s text, its China-site note first, and the international rule as the other' +
      ' site’s',
    () => {
      const text = parameter('MASecureMobilePhone');
      expect(
        text.startsWith(
          '新創建管理賬號的安全手機號碼。\n\n置空表示采用當前登錄賬號的安全手機號碼。該手機號碼必須與SendVerificationCodeForEnableRD中獲取驗證碼時使用的手機號碼一致。',
        ),
      ).toBe(true);
      expect(text).toContain('說明 僅支持填寫86-&lt;手機號碼&gt;的中國內地手機號碼。');
      expect(text).not.toContain('說明 不支持');
      expect(text).toMatch(/國際站（來源文件 000）：不支持/);
    },
  );

  it('gives MAName seed 002’s format and rules', () => {
    expect(parameter('MAName')).toContain(
      '格式:&lt;前綴&gt;@rdadmin.aliyunid.com。其中,&lt;前綴&gt;允許輸入英文字母、數字、特殊字符_.-,' +
        '且必須以英文字母或數字開頭和結尾,不能輸入連續特殊字符。&lt;前綴&gt;的長度為2~50個字符。',
    );
  });

  it(
    'quotes only passages the glossary lists as seed 002’s (tests/unit/contract/seeds-crosscheck.test.ts holds them' +
      ' against the seed)',
    () => {
      const texts = JSON.stringify(description as Document);
      for (const quote of [
        '賬號已開通資源目錄,請勿重復開通。',
        '管理賬號名稱已被占用,請更換其他名稱。',
        // The NotSupport.AccountInAnotherResourceDirectory description and MASecureMobilePhone's text checked above.
        '您的賬號是另一個資源目錄的管理賬號或是另一個資源目錄內的成員。',
        '新創建管理賬號的安全手機號碼。',
        '置空表示采用當前登錄賬號的安全手機號碼。該手機號碼必須與SendVerificationCodeForEnableRD中獲取驗證碼時使用的手機號碼一致。',
      ]) {
        expect(texts).toContain(quote);
        expect(glossary.seed002).toContain(quote);
      }
    },
  );
});
