/**
 * The reference sections appended to each operation's description, derived from the contract:
 * conditional request rules, parameter constraints and site rules, quota, error codes (each with its anchor),
 * RAM authorization, site differences, change history (naming the codes a change concerns) and sources; and the line
 * that opens each operation: its version and endpoint, and the same action in the other versions. Every human text
 * goes through the Translator.
 */
import { codesOnlyIn, type Comparison } from './compare.js';
import {
  apiIdentity,
  errorRows,
  operationParameters,
  parameterSchema,
  type Document,
  type ErrorRow,
  type Operation,
  type Parameter,
  type RequestRule,
  type Schema,
} from './contract.js';
import { formatList, needsTranslation, punctuation, type Translator } from './i18n.js';
import { annotate, blocks, bullets, code, escapeText, heading, table } from './markdown.js';
import { parameterSources, responseFieldsSection, samplesSection, sourceLabel, sourcesCell } from './provenance.js';
import { errorAnchor, routeOf } from './routes.js';

/** Links from a page to the other versions' pages and to the version comparison (relative to the page). */
export interface PageLinks {
  /** The other APIs' pages in the same language: their label and href (no fragment). */
  versions: { id: string; label: string; href: string }[];
  /** The version comparison page in the same language. */
  compare: string;
}

export interface SectionContext {
  doc: Document;
  operation: Operation;
  /** The operation's HTTP method in the description (`post`). */
  method: string;
  tr: Translator;
  /** What differs between the APIs of the build (for the change history and the other versions' links). */
  comparison?: Comparison;
  links?: PageLinks;
}

/** Display names of the site keys used by `x-acs-site-rules`, `x-acs-site-messages` and `x-acs-site-differences`. */
const SITE_LABELS: Record<string, string> = {
  intl: 'International site (alibabacloud.com)',
  china: 'China site (aliyun.com)',
};

/** Display names of the signing styles named by `x-acs-signing`. */
const SIGNING_LABELS: Record<string, string> = {
  'HMAC-SHA1': 'HMAC-SHA1 form only',
  'ACS3-HMAC-SHA256': 'ACS3-HMAC-SHA256 form only',
};

function label(labels: Record<string, string>, key: string, what: string): string {
  const found = labels[key];
  if (!found) throw new Error(`docs: unknown ${what} "${key}"; add it to scripts/docs/sections.ts`);
  return found;
}

/** Translates a contract text and makes it safe as Markdown. */
function text(tr: Translator, english: string): string {
  return escapeText(tr.t(english));
}

function list(tr: Translator, items: string[]): string {
  return formatList(tr.lang, items);
}

function alternatives(tr: Translator, values: unknown[]): string {
  return formatList(tr.lang, values.map(code), 'disjunction');
}

/** A text followed by its source: `text (seed 002)` / `text（來源文件 002）`. */
function withSource(tr: Translator, content: string, source: string): string {
  const { open, close } = punctuation(tr.lang);
  return `${content}${open}${seed(tr, source)}${close}`;
}

function seed(tr: Translator, source: string): string {
  return tr.t('seed {source}', { source });
}

// --- Conditional rules ---------------------------------------------------------------------------------------

function ruleCondition(tr: Translator, rule: RequestRule): string {
  const properties = Object.entries(rule.if.properties ?? {});
  if (properties.length === 0) throw new Error(`docs: request rule ${rule.id} has no if.properties`);
  return list(
    tr,
    properties.map(([name, schema]) => {
      if (schema.const !== undefined)
        return tr.t('{parameter} is {value}', { parameter: code(name), value: code(schema.const) });
      if (schema.enum)
        return tr.t('{parameter} is one of {values}', { parameter: code(name), values: alternatives(tr, schema.enum) });
      throw new Error(`docs: request rule ${rule.id}: only const and enum conditions can be put in words`);
    }),
  );
}

function ruleInWords(tr: Translator, rule: RequestRule): string {
  const required = rule.then.required ?? [];
  if (required.length === 0) throw new Error(`docs: request rule ${rule.id} requires nothing`);
  const sentence = tr.t('When {condition}, {parameters} must be given.', {
    condition: ruleCondition(tr, rule),
    parameters: list(tr, required.map(code)),
  });
  const source = tr.t('Source: {source}.', { source: sourcesCell(tr, rule['x-acs-sources']) });
  return [sentence, rule.description && text(tr, rule.description), source]
    .filter(Boolean)
    .join(punctuation(tr.lang).space);
}

function requestRulesSection({ operation, tr }: SectionContext): string {
  const rules = operation['x-acs-request-rules'] ?? [];
  const body = rules.length
    ? bullets(rules.map((rule) => ruleInWords(tr, rule)))
    : tr.t('This action has no conditional parameter rules.');
  return blocks(heading(2, tr.t('Request rules')), body);
}

// --- Parameter constraints -----------------------------------------------------------------------------------

/** The schema's constraints in words, e.g. "One of `A` and `B`; default `A`". */
export function schemaConstraints(tr: Translator, schema: Schema): string[] {
  const parts: string[] = [];
  if (schema.type) parts.push(tr.t('type {type}', { type: code(schema.type) }));
  if (schema.enum) parts.push(tr.t('one of {values}', { values: alternatives(tr, schema.enum) }));
  if (schema.const !== undefined) parts.push(tr.t('exactly {value}', { value: code(schema.const) }));
  if (schema.format) parts.push(tr.t('format {format}', { format: code(schema.format) }));
  if (schema.pattern) parts.push(tr.t('matches {pattern}', { pattern: code(schema.pattern) }));
  if (schema.not?.pattern) parts.push(tr.t('does not match {pattern}', { pattern: code(schema.not.pattern) }));
  if (schema.minLength !== undefined) parts.push(tr.t('minimum length {count}', { count: schema.minLength }));
  if (schema.maxLength !== undefined) parts.push(tr.t('maximum length {count}', { count: schema.maxLength }));
  if (schema.minimum !== undefined) parts.push(tr.t('minimum {value}', { value: schema.minimum }));
  if (schema.maximum !== undefined) parts.push(tr.t('maximum {value}', { value: schema.maximum }));
  if (schema.default !== undefined) parts.push(tr.t('default {value}', { value: code(schema.default) }));
  return parts;
}

function conditionalRules(operation: Operation, parameter: string): RequestRule[] {
  return (operation['x-acs-request-rules'] ?? []).filter((rule) => rule.then.required?.includes(parameter));
}

/** Whether a parameter is required, in words: Yes, No, or When (the conditions of the rules that require it). */
export function requiredInWords(tr: Translator, required: boolean | undefined, rules: RequestRule[]): string {
  if (required) return tr.t('Yes');
  if (rules.length === 0) return tr.t('No');
  return tr.t('When {condition}', {
    condition: list(
      tr,
      rules.map((rule) => ruleCondition(tr, rule)),
    ),
  });
}

function requiredCell(ctx: SectionContext, parameter: Parameter): string {
  return requiredInWords(ctx.tr, parameter.required, conditionalRules(ctx.operation, parameter.name));
}

function locationCell(tr: Translator, parameter: Parameter): string {
  const signing = parameter['x-acs-signing'];
  const location = tr.t(parameter.in);
  return signing
    ? tr.t('{location} ({form})', { location, form: tr.t(label(SIGNING_LABELS, signing, 'signing style')) })
    : location;
}

function errorCell(tr: Translator, errorCode: string | undefined): string {
  return errorCode ? code(errorCode) : tr.t('none');
}

function constraintRow(ctx: SectionContext, parameter: Parameter): string[] {
  const { tr } = ctx;
  const errors = parameter['x-acs-errors'] ?? {};
  const constraints = schemaConstraints(tr, parameterSchema(ctx.doc, parameter));
  const siteRules = Object.keys(parameter['x-acs-site-rules'] ?? {}).length ? [tr.t('site rules below')] : [];
  return [
    code(parameter.name),
    locationCell(tr, parameter),
    requiredCell(ctx, parameter),
    annotate([...constraints, ...siteRules].join(punctuation(tr.lang).semicolon) || '-', { class: 'docs-wrap' }),
    errorCell(tr, errors.missing),
    errorCell(tr, errors.invalid),
    sourcesCell(tr, parameterSources(ctx.doc, parameter)),
  ];
}

function siteRuleRows(ctx: SectionContext, parameter: Parameter): string[][] {
  const { tr } = ctx;
  return Object.entries(parameter['x-acs-site-rules'] ?? {}).map(([site, rule]) => [
    code(parameter.name),
    tr.t(label(SITE_LABELS, site, 'site')),
    withSource(tr, text(tr, rule.text), rule.source),
    annotate(schemaConstraints(tr, rule.schema ?? {}).join(punctuation(tr.lang).semicolon) || '-', {
      class: 'docs-wrap',
    }),
    errorCell(tr, rule.error),
    sourcesCell(tr, rule['x-acs-sources']),
  ]);
}

/** The columns every parameter table opens with: the parameter, where it goes, and its rules and their errors. */
const parameterColumns = (tr: Translator): string[] =>
  ['Parameter', 'In', 'Required', 'Constraints', 'Error when missing', 'Error when invalid'].map((c) => tr.t(c));

function parameterSection(ctx: SectionContext): string {
  const { tr } = ctx;
  const parameters = operationParameters(ctx.doc, ctx.operation);
  const constraints = table(
    [...parameterColumns(tr), tr.t('Source')],
    parameters.map((p) => constraintRow(ctx, p)),
  );
  const siteRows = parameters.flatMap((p) => siteRuleRows(ctx, p));
  const siteRules = siteRows.length
    ? blocks(
        heading(3, tr.t('Site rules')),
        table(
          [tr.t('Parameter'), tr.t('Site'), tr.t('Rule'), tr.t('Constraints'), tr.t('Error'), tr.t('Source')],
          siteRows,
        ),
      )
    : undefined;
  return blocks(heading(2, tr.t('Parameter constraints')), constraints, siteRules);
}

/**
 * The parameters every request may carry that no operation declares (Format; a security scheme's signing parameters):
 * a signing style's parameter is required in that style when it names a code for a missing one.
 */
export function commonParameterTable(doc: Document, parameters: Parameter[], tr: Translator): string {
  const rows = parameters.map((p) => {
    const errors = p['x-acs-errors'] ?? {};
    const required = p.required
      ? tr.t('Yes')
      : p['x-acs-signing'] && errors.missing
        ? tr.t('Yes, in this signing form')
        : tr.t('No');
    return [
      code(p.name),
      locationCell(tr, p),
      required,
      annotate(schemaConstraints(tr, parameterSchema(doc, p)).join(punctuation(tr.lang).semicolon) || '-', {
        class: 'docs-wrap',
      }),
      errorCell(tr, errors.missing),
      errorCell(tr, errors.invalid),
      p.description ? text(tr, p.description) : '-',
      sourcesCell(tr, parameterSources(doc, p)),
    ];
  });
  return table([...parameterColumns(tr), tr.t('Description'), tr.t('Source')], rows);
}

// --- Quota ---------------------------------------------------------------------------------------------------

function quotaSection({ operation, tr }: SectionContext): string | undefined {
  const quota = operation['x-acs-quota'];
  if (!quota) return undefined;
  const limit = tr.t('At most {limit} per {scope} per {period}; the next call is refused with {error} ({source}).', {
    limit: quota.limit,
    scope: tr.t(quota.scope),
    period: tr.t(quota.period),
    error: code(quota.error),
    source: seed(tr, quota.source),
  });
  const source = tr.t('Source: {source}.', { source: sourcesCell(tr, quota['x-acs-sources']) });
  return blocks(heading(2, tr.t('Quota')), [text(tr, quota.text), limit, source].join(punctuation(tr.lang).space));
}

// --- Error codes ---------------------------------------------------------------------------------------------

function messageCell(tr: Translator, message: string, siteMessages: Record<string, string>): string {
  const others = Object.entries(siteMessages).map(([site, siteMessage]) =>
    tr.t('{site}: {message}', { site: tr.t(label(SITE_LABELS, site, 'site')), message: escapeText(siteMessage) }),
  );
  return [escapeText(message), ...others].join(' — ');
}

/**
 * An error's description in the page's language. Where the sources give none (seed 000 writes "-"), a translated page
 * gives the China site page's (seed 002): there it is the translation of the China site's message, which the
 * catalogue pairs with it.
 */
function errorDescription(tr: Translator, row: ErrorRow): string {
  if (row.description && needsTranslation(row.description)) return text(tr, row.description);
  const china = row.siteMessages.china;
  if (!china) return row.description || '-';
  // Asked in every language, so that the texts a page needs are the same in all (English keeps the source's "-").
  const translated = text(tr, china);
  return tr.lang === 'en' ? row.description || '-' : translated;
}

function errorSection({ doc, operation, tr }: SectionContext): string {
  const rows = errorRows(doc, operation).map((row) => [
    row.status,
    annotate(code(row.code), { id: errorAnchor(operation.operationId, row.code) }),
    messageCell(tr, row.message, row.siteMessages),
    errorDescription(tr, row),
    sourcesCell(tr, row.sources),
  ]);
  return blocks(
    heading(2, tr.t('Error codes')),
    table([tr.t('HTTP status'), tr.t('Error code'), tr.t('Error message'), tr.t('Description'), tr.t('Source')], rows),
  );
}

// --- RAM authorization ---------------------------------------------------------------------------------------

function noneIfEmpty(tr: Translator, items: string[] | undefined): string {
  return items?.length ? list(tr, items.map(code)) : tr.t('none');
}

function ramSection({ operation, tr }: SectionContext): string {
  const ram = operation['x-acs-ram'];
  if (!ram) throw new Error(`docs: ${operation.operationId} has no x-acs-ram`);
  const title = heading(2, tr.t('Authorization (RAM)'));
  if (!ram.disclosed) {
    const intro = tr.t(
      'The source discloses no authorization information for this action. Its RAM action is {action}.',
      { action: code(ram.action) },
    );
    return blocks(title, intro, ram.note && text(tr, ram.note));
  }
  const { open, close } = punctuation(tr.lang);
  const resource = ram.resource ? `${open}${code(ram.resource)}${close}` : '';
  const resourceType = `${ram.resourceTypeRequired ? '\\*' : ''}${text(tr, ram.resourceType ?? '-')}${resource}`;
  const row = [
    code(ram.action),
    text(tr, ram.accessLevel ?? '-'),
    resourceType,
    noneIfEmpty(tr, ram.conditionKeys),
    noneIfEmpty(tr, ram.associatedOperations),
  ];
  const header = [
    tr.t('Operation'),
    tr.t('Access level'),
    tr.t('Resource type'),
    tr.t('Condition key'),
    tr.t('Associated operation'),
  ];
  const source = ram.source ? tr.t('Source: {source}.', { source: seed(tr, ram.source) }) : undefined;
  return blocks(title, table(header, [row]), source);
}

// --- Site differences, change history, sources, deprecation -------------------------------------------------

function siteDifferencesSection({ doc, operation, tr }: SectionContext): string {
  const differences = operation['x-acs-site-differences'] ?? [];
  const title = heading(2, tr.t('Site differences'));
  if (differences.length === 0)
    return blocks(title, tr.t('The sources show no difference between the sites for this action.'));
  // An error message is what the API answers, word for word: shown as it is, as in the error table, never translated.
  const messages = new Set(
    errorRows(doc, operation).flatMap((row) => [row.message, ...Object.values(row.siteMessages)]),
  );
  const sited = (site: { text: string; source: string }) =>
    withSource(tr, messages.has(site.text) ? escapeText(site.text) : text(tr, site.text), site.source);
  const rows = differences.map((d) => [text(tr, d.topic), sited(d.intl), sited(d.china), text(tr, d.contract)]);
  const header = [
    tr.t('Topic'),
    tr.t(label(SITE_LABELS, 'intl', 'site')),
    tr.t(label(SITE_LABELS, 'china', 'site')),
    tr.t('In this contract'),
  ];
  return blocks(title, table(header, rows));
}

/**
 * The codes a change of error codes concerns, which the sources do not name ("Error Codes 409 change"): those of the
 * statuses it names that this version documents and the other versions with the action do not.
 */
function changedCodes(ctx: SectionContext, change: { item: string; content: string }): string | undefined {
  const { comparison, doc, operation, tr } = ctx;
  if (!comparison || !/error code/i.test(change.item)) return undefined;
  const api = apiIdentity(doc);
  const statuses = change.content.match(/\b[45]\d\d\b/g) ?? [];
  const codes = codesOnlyIn(comparison, operation.operationId, api.id, statuses);
  if (codes.length === 0) return undefined;
  const action = comparison.actions.find((a) => a.action === operation.operationId)!;
  const others = comparison.apis.filter(({ id }) => id !== api.id && action.apis.includes(id)).map(({ label: l }) => l);
  return tr.t('Codes: {codes} (the ones this version documents and {others} does not, from the descriptions).', {
    codes: list(
      tr,
      codes.map(
        (c) => `[${code(c)}](#${routeOf(doc, operation.operationId)}#${errorAnchor(operation.operationId, c)})`,
      ),
    ),
    others: list(tr, others),
  });
}

function changeHistorySection(ctx: SectionContext): string {
  const { operation, tr } = ctx;
  const history = operation['x-acs-change-history'] ?? [];
  const title = heading(2, tr.t('Change history'));
  if (history.length === 0) return blocks(title, tr.t('The sources give no change history.'));
  const rows = history.flatMap((entry) => {
    const changes = entry.changes?.length ? entry.changes : [{ item: '-', content: '-' }];
    return changes.map((change, i) => [
      i === 0 ? entry.date : '',
      i === 0 ? text(tr, entry.summary) : '',
      text(tr, change.item),
      [text(tr, change.content), changedCodes(ctx, change)].filter(Boolean).join(punctuation(tr.lang).space),
    ]);
  });
  const header = [tr.t('Change time'), tr.t('Summary of changes'), tr.t('Change item'), tr.t('Change content')];
  return blocks(title, table(header, rows));
}

function sourcesSection({ doc, operation, tr }: SectionContext): string | undefined {
  const ids = operation['x-acs-sources'] ?? [];
  if (ids.length === 0) return undefined;
  const names = doc.info['x-acs-sources'] ?? {};
  const items = ids.map((id) =>
    id in names ? `${sourceLabel(tr, id)}${punctuation(tr.lang).colon}${text(tr, names[id]!)}` : sourceLabel(tr, id),
  );
  return blocks(heading(2, tr.t('Sources')), bullets(items));
}

/**
 * The first line of each operation: the API (product and version) and the request line it is sent with; then, on a
 * page with links, the same action in each other version (or that it has none) and what differs between them.
 */
export function apiLine({ doc, method, operation, tr, links, comparison }: SectionContext): string {
  const api = apiIdentity(doc);
  const line = tr.t('Version and endpoint: {api} · {request}', {
    api: `**${api.label}**`,
    request: code(`${method.toUpperCase()} ${api.url}`),
  });
  if (!links) return line;
  const action = operation.operationId;
  const route = routeOf(doc, action);
  const has = (id: string) => comparison?.actions.find((a) => a.action === action)?.apis.includes(id) ?? false;
  const versions = links.versions.map((v) =>
    has(v.id) ? `[${v.label}](${v.href}#${route})` : tr.t('{api} does not have this action', { api: v.label }),
  );
  const others = tr.t('Other versions: {versions} · {compare}', {
    versions: list(tr, versions),
    compare: `[${tr.t('What differs between the versions')}](${links.compare}#${action})`,
  });
  return blocks(line, others);
}

export function deprecationNotice({ doc, operation, tr }: SectionContext): string | undefined {
  if (!operation.deprecated) return undefined;
  const notice = tr.t('**Deprecated.** The contract marks this action as deprecated: do not use it in new code.');
  const replacement = operation['x-acs-replaced-by'];
  if (!replacement) return `> ${notice}`;
  return `> ${notice} ${tr.t('Use {action} instead.', { action: `[${replacement}](#${routeOf(doc, replacement)})` })}`;
}

/** Everything appended below an operation's own description. */
export function referenceSections(ctx: SectionContext): string {
  return blocks(
    requestRulesSection(ctx),
    parameterSection(ctx),
    quotaSection(ctx),
    errorSection(ctx),
    samplesSection(ctx.doc, ctx.operation, ctx.tr),
    responseFieldsSection(ctx.doc, ctx.operation, ctx.tr, (schema) => schemaConstraints(ctx.tr, schema)),
    ramSection(ctx),
    siteDifferencesSection(ctx),
    changeHistorySection(ctx),
    sourcesSection(ctx),
  );
}
