// The generated reference docs without a browser: one page per API and language, each loading the renderer shared
// under assets/ (nothing from another origin, no inlined copy), linked to the same API in the other language and to
// the other APIs in the same language, naming its API's version and endpoint on every action, and carrying every
// action, parameter, error code and RAM action of THAT API, with the generated reference sections and code samples.
// What a page must show is read from its API's published description (generated/<Api>/openapi.json, through
// tests/helpers/contract.ts) and the seed facts, and the ids and links are written here from the rules
// docs/reference-docs.md gives them, not computed by the docs generator's helpers; the generator is used only to find
// the pages and to build a description twice.
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Document, Example, Operation, Ref, Response } from '../../../scripts/docs/contract.js';
import { docsDescription } from '../../../scripts/docs/description.js';
import { descriptionFile, docsDir, htmlFile, type DocsPage } from '../../../scripts/docs/editions.js';
import { EnglishTranslator } from '../../../scripts/docs/i18n.js';
import { ASSETS_DIR, classicRenderer, RENDERER_FILE, vendorRenderer } from '../../../scripts/docs/renderer.js';
import { loadDocsSite, pageContract } from '../../../scripts/gen-30-docs.js';
import { apiActions } from '../../fixtures/seed-facts.js';
import { contracts, type Json } from '../../helpers/contract.js';

const site = loadDocsSite();
const pageName = (page: DocsPage) => `${page.api.id} ${page.edition.lang}`;

/** An API as its published description names it (`x-acs-rpc`): label, version and the URL every action goes to. */
function publishedApi(id: string) {
  const rpc = contracts[id]!.doc['x-acs-rpc'] as { product: string; version: string; endpoint: string };
  return {
    id: `${rpc.product}/${rpc.version}`,
    label: `${rpc.product} ${rpc.version}`,
    version: rpc.version,
    url: `https://${rpc.endpoint}/`,
  };
}

/**
 * What the docs must show of each action, from the published description: its tag, parameters (all, and its own:
 * without `x-acs-common-parameters.operations`), error rows (each code once, with the status of its JSON example) and
 * RAM action.
 */
function publishedFacts(id: string) {
  const c = contracts[id]!;
  const common = new Set<string>(c.doc['x-acs-common-parameters'].operations);
  return c.operations.map(({ action, op }) => {
    const parameters = (op.parameters as Json[]).map((p) => c.deref(p).name as string);
    const errorRows = [
      ...new Map(c.errorCodes(action).map((e) => [e.code, { status: e.status, code: e.code }])).values(),
    ];
    return {
      action,
      tag: (op.tags as string[])[0]!,
      parameters,
      ownParameters: parameters.filter((name) => !common.has(name)),
      errorRows,
      errorCodes: errorRows.map((r) => r.code),
      ramAction: (op['x-acs-ram']?.action ?? '') as string,
    };
  });
}

// The addresses docs/reference-docs.md promises ("Links"): an action's route `/<tag>/<operation>` and an error code's
// anchor in its action `<action>-<code>`, both lower case; the index's row of a code, `error-<code>`, lower case too.
const actionRoute = (tag: string, action: string) => `/${tag}/${action}`.toLowerCase();
const errorId = (action: string, code: string) => `${action}-${code}`.toLowerCase();
const indexId = (code: string) => `error-${code}`.toLowerCase();

/** The operations of a docs description, in order. */
const operationsOf = (description: Document): Operation[] =>
  Object.values(description.paths).flatMap((item) => Object.values(item));

/** A node of a docs description with its local `$ref`s (`#/components/...`) followed. */
function resolve<T>(description: Document, node: T | Ref): T {
  let current: unknown = node;
  for (let hops = 0; current && typeof current === 'object' && '$ref' in current; hops++) {
    if (hops > 10) throw new Error('a $ref cycle');
    const pointer = (current as Ref).$ref
      .replace(/^#\//, '')
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    current = pointer.reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], description);
  }
  return current as T;
}

/** The `src`/`href` of every tag that loads something (script bodies left out) and names another origin. */
function externalLoads(html: string): string[] {
  const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, '$1</script>');
  const tags = markup.match(/<(?:script|link|img|iframe|source|embed|video|audio)\b[^>]*>/gi) ?? [];
  return tags.filter(
    (tag) =>
      /\b(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(tag) &&
      !/\b(?:src|href)\s*=\s*["']?data:/i.test(tag),
  );
}

function readPage(page: DocsPage): { html: string; description: Document } {
  return {
    html: readFileSync(htmlFile(page), 'utf8'),
    description: JSON.parse(readFileSync(descriptionFile(page), 'utf8')) as Document,
  };
}

function operation(description: Document, action: string): Operation {
  const found = operationsOf(description).find((op) => op.operationId === action);
  if (!found) throw new Error(`no ${action} in the docs description`);
  return found;
}

/** The page a relative href of `from` leads to, if it is one of the site's pages. */
function pageAt(from: DocsPage, href: string): DocsPage | undefined {
  const target = posix.normalize(posix.join(from.dir || '.', href));
  return site.pages.find((page) => posix.join(page.dir || '.', 'index.html') === target);
}

/** The other pages of `page`'s language (the other APIs), in the site's order. */
const otherApiPages = (page: DocsPage) =>
  site.pages.filter((p) => p.edition.lang === page.edition.lang && p.api.id !== page.api.id);

describe('the docs site', () => {
  it(
    'has a page per API of generated/apis.json and language; the default API keeps the root, the others their' +
      ' folder',
    () => {
      expect(site.apis.map((api) => api.id)).toEqual([
        'ResourceManager/2020-03-31',
        'ResourceDirectoryMaster/2022-04-19',
      ]);
      expect(site.pages.map((page) => page.dir)).toEqual([
        '',
        'zh-Hant',
        'ResourceDirectoryMaster-2022-04-19',
        'ResourceDirectoryMaster-2022-04-19/zh-Hant',
      ]);
      for (const page of site.pages) expect(existsSync(htmlFile(page)), htmlFile(page)).toBe(true);
    },
  );

  it(
    'has one copy of Redoc, the standalone bundle of the @redocly/cli in node_modules as a classic script (file://' +
      ' refuses modules)',
    () => {
      const shared = readFileSync(posix.join(docsDir, ASSETS_DIR, RENDERER_FILE), 'utf8');
      const vendor = readFileSync(vendorRenderer, 'utf8');
      expect(
        shared === classicRenderer(vendor),
        'generated/docs/assets/redoc.standalone.js is the classic form of the installed bundle',
      ).toBe(true);
      expect(/export\{RedocStandalone,hydrate,init\};\s*$/.test(vendor)).toBe(true);
      expect(/export\{RedocStandalone|\bimport\.meta\b/.test(shared), 'no module syntax left').toBe(false);
      expect(shared.length).toBeGreaterThan(vendor.length - 1000);
      expect(() => new Function(shared)).not.toThrow(); // parses as a classic script
      expect(() => classicRenderer(vendor.replace(/export\{[^}]*\};\s*$/, ''))).toThrow(/no longer ends with export/);
    },
  );
});

describe.each(site.pages.map((page) => [pageName(page), page] as const))('the %s docs page', (_name, page) => {
  const { html, description } = readPage(page);
  const api = publishedApi(page.api.id);
  const facts = publishedFacts(page.api.id);
  const seedActions = Object.keys(apiActions[page.api.id]!);
  const otherLang = site.pages.filter((p) => p.api.id === page.api.id && p.edition.lang !== page.edition.lang);

  it(
    'loads the renderer, styles and script shared under assets/ by a relative URL: nothing from a CDN or any other' +
      ' origin, no inlined copy',
    () => {
      const assets = posix.relative(page.dir || '.', ASSETS_DIR);
      expect(html).toContain(`<script defer src="${assets}/${RENDERER_FILE}"></script>`);
      expect(html).toContain(`<link rel="stylesheet" href="${assets}/docs.css">`);
      expect(html).toContain(`<script src="${assets}/docs.js"></script>`);
      expect(html.includes('cdn.redocly.com'), "a reference to Redocly's CDN").toBe(false);
      expect(externalLoads(html)).toEqual([]);
      expect(
        externalLoads('<script src="https://cdn.example/redoc.js"></script><link href="//x/y.css"><img src="data:,">'),
      ).toHaveLength(2);
      expect(html.includes('hydrate(__redoc_definition, __redoc_options')).toBe(true);
      expect(html.length).toBeLessThan(1024 * 1024);
      expect(html.includes('function hydrate('), 'an inlined copy of Redoc').toBe(false);
    },
  );

  it('has Redoc’s prerendered links pointing into the page (#/...), not at the site root', () => {
    expect(html.match(/href="\/(?!\/)[^"]*"/g) ?? []).toEqual([]);
    expect(html.includes('href="#/section/signing" data-discover="true"')).toBe(true);
  });

  it('is in its language and links to the same API in the other language with a relative href', () => {
    expect(html).toMatch(new RegExp(`<html lang="${page.edition.lang}" data-docs="`));
    expect(otherLang).toHaveLength(1);
    const other = otherLang[0]!;
    const [, href, hreflang, lang] =
      /id="docs-language-link" href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)" data-keep-route>/.exec(html) ?? [];
    expect(href).toBeDefined();
    expect(href).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/)/i);
    expect([hreflang, lang]).toEqual([other.edition.lang, other.edition.lang]);
    expect(pageAt(page, href!)).toBe(other);
    expect(existsSync(posix.join(docsDir, other.dir, 'index.html'))).toBe(true);
  });

  it('names its API and links to every other API in the same language', () => {
    expect(html).toContain(`<span aria-current="page">${api.label}</span>`);
    const links = [...html.matchAll(/<a class="docs-api-link" href="([^"]+)" data-keep-route>([^<]+)<\/a>/g)].map(
      ([, href, label]) => ({ href, label }),
    );
    const others = otherApiPages(page);
    expect(others).toHaveLength(Object.keys(contracts).length - 1);
    expect(links.map((l) => l.label)).toEqual(others.map((o) => publishedApi(o.api.id).label));
    links.forEach((link, i) => {
      expect(link.href).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/)/i);
      const target = pageAt(page, link.href);
      expect(target, link.href).toBe(others[i]);
      expect(target!.edition).toBe(page.edition);
      expect(existsSync(htmlFile(target!))).toBe(true);
    });
  });

  it('describes its own API: title, version and server', () => {
    expect(api.id).toBe(page.api.id);
    expect(description.info.version).toBe(api.version);
    expect(description.servers?.[0]?.url).toBe(api.url.replace(/\/$/, ''));
  });

  it('contains every action, parameter, error code and RAM action of its API', () => {
    // the actions and own parameters the seeds give this API (apiActions), each with a RAM action and error codes
    expect(facts.map((f) => f.action)).toEqual(seedActions);
    for (const f of facts) {
      expect(f.ownParameters, f.action).toEqual(apiActions[page.api.id]![f.action]!.parameters);
      expect(f.ramAction, f.action).not.toBe('');
      expect(f.errorCodes, f.action).toEqual(
        expect.arrayContaining(apiActions[page.api.id]![f.action]!.rows.map(([, code]) => code)),
      );
    }
    const absent = facts.flatMap((f) =>
      [f.action, ...f.parameters, ...f.errorCodes, f.ramAction].filter((text) => !html.includes(text)),
    );
    expect(absent).toEqual([]);
  });

  it(
    'has the actions and parameters of its API only: InitResourceDirectory on 2020-03-31, DryRun on' + ' 2022-04-19',
    () => {
      const actions = operationsOf(description).map((op) => op.operationId);
      const enable = facts.find((f) => f.action === 'EnableResourceDirectory')!;
      expect(actions).toEqual(seedActions);
      if (page.api.id === 'ResourceManager/2020-03-31') {
        expect(actions).toEqual([
          'EnableResourceDirectory',
          'InitResourceDirectory',
          'SendVerificationCodeForEnableRD',
          'GetResourceDirectory',
        ]);
        expect(enable.parameters).not.toContain('DryRun');
        expect(enable.errorCodes).not.toContain('NotSupport.Account.Site');
        expect(JSON.stringify(description.paths)).not.toContain('`DryRun`');
      } else {
        expect(actions).toEqual(['EnableResourceDirectory', 'SendVerificationCodeForEnableRD', 'GetResourceDirectory']);
        expect(enable.parameters).toContain('DryRun');
        expect(enable.errorCodes).toEqual(expect.arrayContaining(['NotSupport.Account.Site', 'Invalid.AccountType']));
        expect(html).not.toContain('id="tag/ResourceDirectory/operation/InitResourceDirectory"');
      }
    },
  );

  it.each(facts.map((f) => [f.action, f] as const))(
    'documents %s in words: version and endpoint, constraints, error table, RAM action',
    (action, f) => {
      const text = operation(description, action).description ?? '';
      const line = text.split('\n')[0];
      expect(line).toContain(`**${api.label}** · \`POST ${api.url}\``);
      expect(line).toMatch(page.edition.lang === 'en' ? /^Version and endpoint: / : /^版本與接入地址：/);
      for (const parameter of f.parameters) expect(text, parameter).toContain(`| \`${parameter}\` |`);
      for (const code of f.errorCodes)
        expect(text.includes(` | \`${code}\` {% id="${errorId(action, code)}" %} |`), code).toBe(true);
      expect(text).toContain(`\`${f.ramAction}\``);
    },
  );

  it(
    'has an error-code index: every code of its API once, with its statuses and an anchor, linking to the code in' +
      ' each action that answers it',
    () => {
      const intro = description.info.description ?? '';
      expect(intro).toMatch(/^## .+\{% id="section\/error-code-index" %\}$/m);
      const index = intro.slice(intro.search(/\{% id="section\/error-code-index" %\}/));
      const rows = new Map<string, { statuses: string; line: string }>();
      for (const line of index.split('\n')) {
        const m = /^\| `([^`]+)` \{% id="([^"]+)" %\} \| ([^|]+) \| (.+) \|$/.exec(line);
        if (m) {
          expect(m[2]).toBe(indexId(m[1]!));
          expect(rows.has(m[1]!), `${m[1]} listed twice`).toBe(false);
          rows.set(m[1]!, { statuses: m[3]!, line });
        }
      }
      const byCode = new Map<string, { statuses: Set<number>; actions: string[] }>();
      for (const f of facts) {
        for (const row of f.errorRows) {
          const entry = byCode.get(row.code) ?? { statuses: new Set(), actions: [] };
          entry.statuses.add(row.status);
          entry.actions.push(`[${f.action}](#${actionRoute(f.tag, f.action)}#${errorId(f.action, row.code)})`);
          byCode.set(row.code, entry);
        }
      }
      expect(byCode.size).toBeGreaterThan(0);
      expect([...rows.keys()].sort()).toEqual([...byCode.keys()].sort());
      for (const [code, { statuses, actions }] of byCode) {
        expect(rows.get(code)!.statuses.split(/, |、/).map(Number).sort(), code).toEqual([...statuses].sort());
        for (const link of actions) expect(rows.get(code)!.line, `${code} → ${link}`).toContain(link);
      }
    },
  );

  it('names its error examples by their code only (no summary), so the example menu lists each code once', () => {
    let checked = 0;
    for (const op of operationsOf(description)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        for (const media of Object.values(resolve<Response>(description, response).content ?? {})) {
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            expect(
              resolve<Example>(description, example).summary,
              `${op.operationId} ${status} ${name}`,
            ).toBeUndefined();
            checked++;
          }
        }
      }
    }
    // every error example of the published description (JSON and XML) is on the page
    expect(checked).toBe(contracts[page.api.id]!.responseExamples.filter((e) => /^[45]/.test(e.status)).length);
  });

  it(
    'opens every action with the same action in the other versions (or says it has none)' +
      ' and the version comparison',
    () => {
      const operations = operationsOf(description);
      const others = otherApiPages(page);
      expect(operations).toHaveLength(seedActions.length);
      expect(others).toHaveLength(Object.keys(contracts).length - 1);
      for (const op of operations) {
        const second = (op.description ?? '').split('\n\n')[1];
        const tag = facts.find((f) => f.action === op.operationId)!.tag;
        for (const other of others) {
          const label = publishedApi(other.api.id).label;
          const has = op.operationId in apiActions[other.api.id]!;
          const href = posix.relative(page.dir || '.', posix.join(other.dir, 'index.html'));
          const link = `[${label}](${href}#${actionRoute(tag, op.operationId)})`;
          if (has) expect(second, `${op.operationId} → ${label}`).toContain(link);
          else expect(second).not.toContain(link);
          if (!has) expect(second).toContain(label);
        }
        const compare = posix.relative(page.dir || '.', posix.join('compare', page.edition.dir, 'index.html'));
        expect(second).toContain(`](${compare}#${op.operationId})`);
        expect(readFileSync(posix.join(docsDir, compare.replace(/^(\.\.\/)+/, ''))).toString()).toContain(
          `<h2 id="${op.operationId}">`,
        );
      }
    },
  );

  it('says in the intro which API to choose, right after what the page describes', () => {
    const paragraphs = (description.info.description ?? '').split('\n\n');
    expect(paragraphs[0]).toContain(api.url.replace(/\/$/, ''));
    expect(paragraphs[1]).toMatch(
      page.edition.lang === 'en' ? /^\*\*Which API to choose:\*\* / : /^\*\*選擇哪個 API：\*\* /,
    );
    for (const fact of [
      '`2020-03-31`',
      '`2022-04-19`',
      '`@alicloud/resourcemanager20200331`',
      '`DryRun`',
      '`InitResourceDirectory`',
      '`NotSupport.Account.Site`',
      '`Invalid.AccountType`',
      'Terraform',
    ]) {
      expect(paragraphs[1], fact).toContain(fact);
    }
  });

  it('has four code samples per action and case, for its API’s endpoint and version', () => {
    /** A sample as the shell reads it: quoted pieces continued on the next line are one word. */
    const joined = (source: string) => source.replace(/'\\\n'/g, '');
    const c = contracts[page.api.id]!;
    const operations = operationsOf(description);
    expect(operations).toHaveLength(seedActions.length);
    for (const op of operations) {
      const all = op['x-codeSamples'] ?? [];
      // the cases docs/reference-docs.md promises: the required parameters, each conditional rule, each switch (an
      // optional boolean parameter of the published description)
      const published = c.operation(op.operationId);
      const switches = (published.parameters as Json[])
        .map((q) => c.deref(q))
        .filter((q) => !q.required && c.deref(q.schema).type === 'boolean');
      expect(all, op.operationId).toHaveLength(
        4 * (1 + (published['x-acs-request-rules'] ?? []).length + switches.length),
      );
      for (let i = 0; i < all.length; i += 4) {
        const samples = all.slice(i, i + 4);
        expect(samples.map((s) => s.lang)).toEqual(['bash', 'bash', 'TypeScript', 'TypeScript']);
        const [classic, acs3, client, sdk] = samples.map((s, j) => (j < 2 ? joined(s.source) : s.source));
        expect(
          classic.startsWith(`curl -X POST '${api.url}?Action=${op.operationId}&Version=${api.version}&`),
          classic,
        ).toBe(true);
        expect(classic).toMatch(
          /&SignatureMethod=HMAC-SHA1&SignatureVersion=1\.0&SignatureNonce=[^&]+&Timestamp=[^&]+&Signature=[^&']+'$/,
        );
        expect(acs3.startsWith(`curl -X POST '${api.url}`)).toBe(true);
        expect(acs3).toContain(`-H 'x-acs-action: ${op.operationId}'`);
        expect(acs3).toContain(`-H 'x-acs-version: ${api.version}'`);
        expect(acs3).toMatch(
          new RegExp(
            [
              /-H 'Authorization: ACS3-HMAC-SHA256 Credential=testid,/.source,
              /SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,/
                .source,
              /Signature=[0-9a-f]{64}'$/.source,
            ].join(''),
          ),
        );
        expect(client).toContain(`await client.${op.operationId}(`);
        if (page.api.isDefault) expect(client).not.toContain('api:');
        else expect(client).toContain(`  api: '${page.api.id}',`);
        expect(sdk).toContain(`endpoint: '${new URL(api.url).host}',`);
        if (page.api.id === 'ResourceManager/2020-03-31') {
          expect(sdk).toContain("from '@alicloud/resourcemanager20200331';");
          expect(sdk).toContain(`await client.${op.operationId.charAt(0).toLowerCase()}${op.operationId.slice(1)}(`);
        } else {
          expect(sdk).toContain(
            `new $OpenApiUtil.Params({\n    action: '${op.operationId}',\n    version: '${api.version}',\n` +
              "    protocol: 'HTTPS',\n    pathname: '/',\n    method: 'POST',\n    authType: 'AK',\n    style: 'RPC',",
          );
          expect(sdk).toContain('await client.callApi(params, request, new RuntimeOptions({}));');
        }
      }
    }
  });
});

describe('the English docs description of the default API', () => {
  const page = site.pages[0]!;
  const { description } = readPage(page);

  it('uses the contract’s example values in the samples (EnableMode=CurrentAccount)', () => {
    const [classic, , client, sdk] = (operation(description, 'EnableResourceDirectory')['x-codeSamples'] ?? []).map(
      (s) => s.source,
    );
    expect(classic.replace(/'\\\n'/g, '')).toContain('&EnableMode=CurrentAccount&Format=JSON&AccessKeyId=testid&');
    expect(client).toContain("client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' })");
    expect(sdk).toContain(
      "client.enableResourceDirectory(new EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' }))",
    );
  });

  it('puts the conditional rule, site rules and site messages in words', () => {
    const text = operation(description, 'EnableResourceDirectory').description ?? '';
    expect(text).toContain(
      'When `EnableMode` is `NewManagementAccount`,' +
        ' `MAName`, `MASecureMobilePhone`, and `VerificationCode` must be given.',
    );
    expect(text).toContain(
      '| `MAName` | China site (aliyun.com) | 格式:&lt;前綴&gt;@rdadmin.aliyunid.com。 (seed 002) |',
    );
    expect(text).toContain(
      'China site (aliyun.com): Your account is a management account for another resource directory',
    );
  });

  it(
    'marks InitResourceDirectory deprecated below its version line,' +
      ' and gives change history, quota and RAM table where the contract has them',
    () => {
      expect(operation(description, 'InitResourceDirectory').description).toMatch(
        /^Version and endpoint: .*\n\nOther versions: .*\n\n> \*\*Deprecated\.\*\*/,
      );
      expect(operation(description, 'GetResourceDirectory').description).toContain(
        'The sources give no change history.',
      );
      // The 2023-12-21 change (DryRun, two codes) is seed 000's, of 2022-04-19; the 2020-03-31 sources give no history.
      expect(operation(description, 'EnableResourceDirectory').description).toContain(
        'The sources give no change history.',
      );
      const rdm = readPage(
        site.pages.find((p) => p.api.id === 'ResourceDirectoryMaster/2022-04-19' && p.edition.lang === 'en')!,
      ).description;
      expect(operation(rdm, 'EnableResourceDirectory').description).toContain(
        '| 2023-12-21 | The Error code has changed.',
      );
      // The source says only "Error Codes 409 change"; the history names the 409 codes 2022-04-19 has and
      // 2020-03-31 has not.
      const change = (operation(rdm, 'EnableResourceDirectory').description ?? '')
        .split('\n')
        .find((line) => line.includes('Error Codes 409 change'))!;
      expect(change).toContain(
        'Codes: [`NotSupport.Account.Site`]' +
          '(#/resourcedirectory/enableresourcedirectory#enableresourcedirectory-notsupport.account.site)' +
          ' and [`Invalid.AccountType`]' +
          '(#/resourcedirectory/enableresourcedirectory#enableresourcedirectory-invalid.accounttype)',
      );
      expect(change).toContain('ResourceManager 2020-03-31 does not');
      const send = operation(description, 'SendVerificationCodeForEnableRD').description ?? '';
      expect(send).toContain(
        'At most 100 per account per day;' +
          ' the next call is refused with `SendValidateCodeExceedsLimitForAccount` (seed 003).',
      );
      expect(send).toContain(
        '| `resourcemanager:SendVerificationCodeForEnableRD` | none | \\*All Resources (`*`) | none | none |',
      );
    },
  );

  it('lists each error once, in the seeds’ layout, with the status the contract gives it', () => {
    const facts = publishedFacts(page.api.id);
    expect(facts.map((f) => f.action)).toEqual(Object.keys(apiActions[page.api.id]!));
    for (const f of facts) {
      const text = operation(description, f.action).description ?? '';
      expect(text).toContain('| HTTP status | Error code | Error message | Description |');
      // the seeds' rows of the action, with their status, are among the rows (the gateway's common codes besides)
      expect(f.errorRows).toEqual(
        expect.arrayContaining(apiActions[page.api.id]![f.action]!.rows.map(([status, code]) => ({ status, code }))),
      );
      for (const row of f.errorRows)
        expect(
          text.split(`| ${row.status} | \`${row.code}\` {% id="${errorId(f.action, row.code)}" %} |`).length - 1,
          row.code,
        ).toBe(1);
    }
  });

  it('is reproducible: building it twice gives the same document', () => {
    const api = pageContract(site, page);
    expect(docsDescription(api, site.apis, new EnglishTranslator())).toEqual(
      docsDescription(api, site.apis, new EnglishTranslator()),
    );
  });

  it('escapes the sources’ <placeholders> so that Markdown does not drop them as HTML', () => {
    // The contract writes them as code spans (`<Prefix>`), which Markdown keeps; raw ones elsewhere are escaped.
    const maName = JSON.stringify(description.components?.parameters?.MAName);
    expect(maName).toContain('Specify the name in the `<Prefix>` format.');
    const text = String(
      (description.components?.parameters?.MAName as { description?: string } | undefined)?.description,
    );
    expect(text).not.toMatch(/[^`]<Prefix>|<Prefix>[^`]/);
  });
});

describe('the sentence on which API to choose', () => {
  it('fails the build once one of its facts stops being true (here: 2022-04-19 given InitResourceDirectory)', () => {
    const [rm, rdm] = site.apis;
    const init = Object.entries(rm.contract.paths).find(
      ([, item]) => item.post?.operationId === 'InitResourceDirectory',
    )!;
    const changed = { ...rdm, contract: { ...rdm.contract, paths: { ...rdm.contract.paths, [init[0]]: init[1] } } };
    expect(() => docsDescription(rm, [rm, changed], new EnglishTranslator())).toThrow(
      /which API to choose.*has no InitResourceDirectory/,
    );
    expect(() =>
      docsDescription(
        rm,
        [
          { ...rm, isDefault: false },
          { ...rdm, isDefault: true },
        ],
        new EnglishTranslator(),
      ),
    ).toThrow(/is the default API/);
  });
});
