/**
 * The version comparison pages, one per language (`compare/index.html`, `compare/zh-Hant/index.html`): what differs
 * between the APIs of the build, action by action (compare.ts), with a link to each action in each API's page and to
 * each code in its error table. Plain HTML with the shared styles and script (assets/); no renderer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { compareApis, type ActionComparison, type Behaviour, type Comparison, type Difference, type DifferenceSource, type ParameterValue } from './compare.js';
import { listOperations, type ErrorRow, type Operation, type RequestRule } from './contract.js';
import { compareDir, compareFile, escapeHtml, EDITIONS, pagePath, relativePath, translatorFor, type DocsPage, type Edition } from './editions.js';
import { CatalogTranslator, formatList, punctuation, type Translator } from './i18n.js';
import { code } from './markdown.js';
import { ASSETS_DIR, SCRIPT_FILE, STYLE_FILE } from './renderer.js';
import { errorAnchor, routeOf } from './routes.js';
import { sourceLabel } from './provenance.js';
import { requiredInWords, schemaConstraints } from './sections.js';
import type { ApiContract } from './choice.js';

/** The APIs of the build and their pages (as scripts/gen-30-docs.ts loads them). */
export interface CompareSite {
  apis: readonly ApiContract[];
  pages: readonly DocsPage[];
}

/** Inline Markdown of the generated texts (code spans, **bold**) as HTML; everything else escaped. */
export function inlineHtml(text: string): string {
  // split() with two groups gives [text, fence, code, text, fence, code, ..., text].
  return text
    .split(/(`+)(.+?)\1/)
    .map((part, i) => {
      if (i % 3 === 1) return '';
      if (i % 3 === 2) return `<code>${escapeHtml(part.replace(/^ (.*) $/, '$1'))}</code>`;
      return escapeHtml(part).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
    })
    .join('');
}

interface PageContext {
  comparison: Comparison;
  edition: Edition;
  /** The page of each API in this language, by API id. */
  pages: Map<string, DocsPage>;
  tr: Translator;
}

/** A link from the comparison page to a place in an API's page. */
function apiHref(ctx: PageContext, apiId: string, fragment = ''): string {
  const page = ctx.pages.get(apiId);
  if (!page) throw new Error(`docs: no ${ctx.edition.lang} page of ${apiId}`);
  return `${relativePath(compareDir(ctx.edition), pagePath(page, 'index.html'))}${fragment}`;
}

function operationOf(ctx: PageContext, apiId: string, action: string): Operation | undefined {
  return listOperations(ctx.comparison.contracts.get(apiId)!).find(({ operation }) => operation.operationId === action)?.operation;
}

function actionHref(ctx: PageContext, apiId: string, action: string, anchor?: string): string {
  return apiHref(ctx, apiId, `#${routeOf(ctx.comparison.contracts.get(apiId)!, action)}${anchor ? `#${anchor}` : ''}`);
}

/** Where a difference comes from, in words (inline Markdown). */
function sourceText({ tr }: PageContext, source: DifferenceSource): string {
  const parts = source.labels.map((label) => sourceLabel(tr, label));
  if (source.since) parts.push(tr.t('added on {date}', { date: source.since }));
  // Every item of the descriptions has x-acs-sources (rd/sources, tests/unit/contract/provenance.test.ts).
  if (parts.length === 0) throw new Error('docs: a difference between the versions has no source');
  return parts.join(punctuation(tr.lang).semicolon);
}

function absent(tr: Translator): string {
  return `<span class="docs-muted">${inlineHtml(tr.t('not in this version'))}</span>`;
}

function parameterCell(ctx: PageContext, value: ParameterValue, rules: RequestRule[]): string {
  const { tr } = ctx;
  const required = requiredInWords(tr, value.required === true, rules.filter((rule) => Array.isArray(value.required) && value.required.includes(rule.id)));
  const parts = [tr.t('in {location}', { location: tr.t(value.parameter.in) }), tr.t('required: {required}', { required }), ...schemaConstraints(tr, value.schema)];
  return inlineHtml(parts.join(punctuation(tr.lang).semicolon));
}

function errorValueCell(ctx: PageContext, apiId: string, action: string, row: ErrorRow): string {
  return `<a href="${escapeHtml(actionHref(ctx, apiId, action, errorAnchor(action, row.code)))}">${escapeHtml(row.status)}</a> · ${escapeHtml(row.message)}`;
}

const BEHAVIOUR_LABELS: Record<Behaviour, string> = {
  deprecated: 'Deprecation',
  requestRules: 'Conditional rules',
  quota: 'Quota',
  ramAction: 'RAM action',
};

function behaviourCell({ tr }: PageContext, behaviour: Behaviour, value: unknown): string {
  switch (behaviour) {
    case 'deprecated': {
      const replacedBy = (value as { replacedBy?: string } | null)?.replacedBy;
      if (!value) return inlineHtml(tr.t('not deprecated'));
      return inlineHtml(replacedBy ? tr.t('deprecated; use {action} instead', { action: code(replacedBy) }) : tr.t('deprecated'));
    }
    case 'requestRules': {
      const ids = (value as { id: string }[]).map((rule) => code(rule.id));
      return inlineHtml(ids.length ? formatList(tr.lang, ids) : tr.t('none'));
    }
    case 'quota': {
      const quota = value as { limit: number; period: string; scope: string; error: string } | null;
      if (!quota) return inlineHtml(tr.t('none'));
      return inlineHtml(tr.t('at most {limit} per {scope} per {period}, then {error}', { limit: quota.limit, scope: tr.t(quota.scope), period: tr.t(quota.period), error: code(quota.error) }));
    }
    case 'ramAction':
      return value ? inlineHtml(code(value)) : inlineHtml(tr.t('none'));
  }
}

function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((h) => `<th scope="col">${h}</th>`).join('')}</tr>`;
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="docs-table"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function sidesRow<T>(ctx: PageContext, difference: Difference<T>, subject: string, cell: (apiId: string, value: T) => string): string[] {
  return [subject, ...ctx.comparison.apis.map(({ id }) => {
    const side = difference.sides.get(id);
    return side?.present ? cell(id, side.value) : absent(ctx.tr);
  }), inlineHtml(sourceText(ctx, difference.source))];
}

function actionSection(ctx: PageContext, comparison: ActionComparison): string {
  const { tr } = ctx;
  const { action } = comparison;
  const apiHeaders = ctx.comparison.apis.map(({ id, label }) => (comparison.apis.includes(id) ? `<a href="${escapeHtml(actionHref(ctx, id, action))}">${escapeHtml(label)}</a>` : escapeHtml(label)));
  const parts = [`<h2 id="${escapeHtml(action)}">${escapeHtml(action)}</h2>`];
  if (comparison.presence) {
    const labels = ctx.comparison.apis.filter(({ id }) => comparison.apis.includes(id)).map(({ label }) => label);
    const missing = ctx.comparison.apis.filter(({ id }) => !comparison.apis.includes(id)).map(({ label }) => label);
    const sentence = tr.t('Only in {apis}; {missing} does not have this action (source: {source}).', { apis: formatList(tr.lang, labels), missing: formatList(tr.lang, missing), source: sourceText(ctx, comparison.presence) });
    parts.push(`<p>${inlineHtml(sentence)}</p>`);
    parts.push(`<p>${comparison.apis.map((id) => `<a href="${escapeHtml(actionHref(ctx, id, action))}">${escapeHtml(ctx.comparison.apis.find((a) => a.id === id)!.label)}</a>`).join(' · ')}</p>`);
    return parts.join('\n');
  }
  const operations = new Map(comparison.apis.map((id) => [id, operationOf(ctx, id, action)!]));
  const rules = [...operations.values()].flatMap((op) => op['x-acs-request-rules'] ?? []);
  const { parameters, errors, behaviours } = comparison;
  if (parameters.length + errors.length + behaviours.length === 0) {
    parts.push(`<p>${inlineHtml(tr.t('No difference: the parameters, error codes and behaviours of this action are the same in every version.'))}</p>`);
  }
  if (parameters.length) {
    parts.push(`<h3>${inlineHtml(tr.t('Parameters'))}</h3>`);
    parts.push(table([tr.t('Parameter'), ...apiHeaders, tr.t('Source')], parameters.map((d) => sidesRow(ctx, d, inlineHtml(code(d.subject)), (_id, value) => parameterCell(ctx, value, rules)))));
  }
  if (errors.length) {
    parts.push(`<h3>${inlineHtml(tr.t('Error codes'))}</h3>`);
    parts.push(table([tr.t('Error code'), ...apiHeaders, tr.t('Source')], errors.map((d) => sidesRow(ctx, d, inlineHtml(code(d.subject)), (id, row) => errorValueCell(ctx, id, action, row)))));
  }
  if (behaviours.length) {
    parts.push(`<h3>${inlineHtml(tr.t('Behaviour'))}</h3>`);
    parts.push(table([tr.t('Behaviour'), ...apiHeaders, tr.t('Source')], behaviours.map((d) => sidesRow(ctx, d, inlineHtml(tr.t(BEHAVIOUR_LABELS[d.subject as Behaviour])), (_id, value) => behaviourCell(ctx, d.subject as Behaviour, value)))));
  }
  return parts.join('\n');
}

function sourcesSection(ctx: PageContext): string {
  const { tr } = ctx;
  const names = Object.assign({}, ...[...ctx.comparison.contracts.values()].map((doc) => doc.info['x-acs-sources'] ?? {})) as Record<string, string>;
  const used = [...new Set(ctx.comparison.actions.flatMap((a) => [a.presence, ...a.parameters.map((d) => d.source), ...a.errors.map((d) => d.source), ...a.behaviours.map((d) => d.source)]).flatMap((s) => s?.labels ?? []))].sort();
  // A source document's label is its own key in info.x-acs-sources, which names it; other labels say what they are.
  const items = used.map((label) => `<li>${inlineHtml(label in names ? `${sourceLabel(tr, label)}${punctuation(tr.lang).colon}${tr.t(names[label]!)}` : sourceLabel(tr, label))}</li>`);
  return `<h2 id="sources">${inlineHtml(tr.t('Sources'))}</h2>\n<ul>\n${items.join('\n')}\n</ul>`;
}

/** The HTML of the comparison page in one language. */
export function comparePage(site: CompareSite, edition: Edition, tr: Translator, comparison: Comparison = compareApis(site.apis)): string {
  const dir = compareDir(edition);
  const pages = new Map(site.pages.filter((p) => p.edition === edition).map((p) => [p.api.id, p]));
  const ctx: PageContext = { comparison, edition, pages, tr };
  const other = EDITIONS.find((e) => e !== edition)!;
  const assets = `${relativePath(dir, ASSETS_DIR)}/`;
  const title = tr.t('What differs between the versions');
  const labels = comparison.apis.map(({ label }) => label);
  const apiRows = comparison.apis.map(({ id, label, url }) => [
    `<a href="${escapeHtml(apiHref(ctx, id))}">${escapeHtml(label)}</a>`,
    `<code>${escapeHtml(url)}</code>`,
    inlineHtml(formatList(tr.lang, comparison.actions.filter((a) => a.apis.includes(id)).map((a) => code(a.action)))),
  ]);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${inlineHtml(tr.t('Generated by {command} from the published descriptions of {apis}: for each action, the parameters, error codes and behaviours (deprecation, conditional rules, quota, RAM action) that are not the same in every version, with the source of each difference. What is not listed is the same. Descriptions in prose are not compared.', { command: code('npm run build'), apis: formatList(tr.lang, labels) }))}</p>`,
    table([tr.t('API version'), tr.t('Endpoint'), tr.t('Actions')], apiRows),
    ...comparison.actions.map((action) => actionSection(ctx, action)),
    sourcesSection(ctx),
  ].join('\n');
  const otherHref = relativePath(dir, posix.join(compareDir(other), 'index.html'));
  return `<!DOCTYPE html>
<html lang="${edition.lang}">

<head>
  <meta charset="utf8" />
  <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:">
  <title>${escapeHtml(title)}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <link rel="alternate" hreflang="${other.lang}" href="${escapeHtml(otherHref)}">
  <link rel="stylesheet" href="${assets}${STYLE_FILE}">
  <script src="${assets}${SCRIPT_FILE}"></script>
</head>

<body class="docs-compare">
  <header class="docs-bar">
    <nav class="docs-switch docs-api-switch" aria-label="${escapeHtml(tr.t('API version'))}">
      ${comparison.apis.map(({ id, label }) => `<a class="docs-api-link" href="${escapeHtml(apiHref(ctx, id))}">${escapeHtml(label)}</a>`).join('\n      ')}
      <span aria-current="page">${escapeHtml(title)}</span>
    </nav>
    <nav class="docs-switch docs-language-switch" aria-label="${escapeHtml(tr.t('Language'))}">
      <span lang="${edition.lang}" aria-current="page">${escapeHtml(edition.label)}</span>
      <a id="docs-language-link" href="${escapeHtml(otherHref)}" hreflang="${other.lang}" lang="${other.lang}">${escapeHtml(other.label)}</a>
    </nav>
  </header>
  <main>
${body}
  </main>
</body>

</html>
`;
}

/** Writes the comparison page of every language; fails when a text has no translation. */
export function writeComparePages(site: CompareSite): string[] {
  const comparison = compareApis(site.apis);
  return EDITIONS.map((edition) => {
    const tr = translatorFor(edition.lang);
    const html = comparePage(site, edition, tr, comparison);
    if (tr instanceof CatalogTranslator) tr.assertComplete();
    const file = compareFile(edition);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, html);
    return file;
  });
}
