/**
 * The reference sections appended to each operation's description, derived from the contract:
 * conditional request rules, parameter constraints and site rules, quota, error codes, RAM authorization,
 * site differences, change history and sources. Every human text goes through the Translator.
 */
import {
  apiIdentity,
  errorRows,
  operationParameters,
  parameterSchema,
  type Document,
  type Operation,
  type Parameter,
  type RequestRule,
  type Schema,
} from './contract.js';
import { formatList, type Translator } from './i18n.js';
import { blocks, bullets, code, escapeText, heading, table } from './markdown.js';
import { parameterSources, responseFieldsSection, samplesSection, sourceLabel, sourcesCell } from './provenance.js';

export interface SectionContext {
  doc: Document;
  operation: Operation;
  /** The operation's HTTP method in the description (`post`). */
  method: string;
  tr: Translator;
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
      if (schema.const !== undefined) return tr.t('{parameter} is {value}', { parameter: code(name), value: code(schema.const) });
      if (schema.enum) return tr.t('{parameter} is one of {values}', { parameter: code(name), values: alternatives(tr, schema.enum) });
      throw new Error(`docs: request rule ${rule.id}: only const and enum conditions can be put in words`);
    }),
  );
}

function ruleInWords(tr: Translator, rule: RequestRule): string {
  const required = rule.then.required ?? [];
  if (required.length === 0) throw new Error(`docs: request rule ${rule.id} requires nothing`);
  const sentence = tr.t('When {condition}, {parameters} must be given.', { condition: ruleCondition(tr, rule), parameters: list(tr, required.map(code)) });
  const source = tr.t('Source: {source}.', { source: sourcesCell(tr, rule['x-acs-sources']) });
  return [sentence, rule.description && text(tr, rule.description), source].filter(Boolean).join(' ');
}

function requestRulesSection({ operation, tr }: SectionContext): string {
  const rules = operation['x-acs-request-rules'] ?? [];
  const body = rules.length ? bullets(rules.map((rule) => ruleInWords(tr, rule))) : tr.t('This action has no conditional parameter rules.');
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

function requiredCell(ctx: SectionContext, parameter: Parameter): string {
  const { tr } = ctx;
  if (parameter.required) return tr.t('Yes');
  const rules = conditionalRules(ctx.operation, parameter.name);
  if (rules.length === 0) return tr.t('No');
  return tr.t('When {condition}', { condition: list(tr, rules.map((rule) => ruleCondition(tr, rule))) });
}

function locationCell(tr: Translator, parameter: Parameter): string {
  const signing = parameter['x-acs-signing'];
  return signing ? tr.t('{location} ({form})', { location: parameter.in, form: tr.t(label(SIGNING_LABELS, signing, 'signing style')) }) : parameter.in;
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
    [...constraints, ...siteRules].join('; ') || '-',
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
    `${text(tr, rule.text)} (${seed(tr, rule.source)})`,
    schemaConstraints(tr, rule.schema ?? {}).join('; ') || '-',
    errorCell(tr, rule.error),
    sourcesCell(tr, rule['x-acs-sources']),
  ]);
}

function parameterSection(ctx: SectionContext): string {
  const { tr } = ctx;
  const parameters = operationParameters(ctx.doc, ctx.operation);
  const constraints = table(
    [tr.t('Parameter'), tr.t('In'), tr.t('Required'), tr.t('Constraints'), tr.t('Error when missing'), tr.t('Error when invalid'), tr.t('Source')],
    parameters.map((p) => constraintRow(ctx, p)),
  );
  const siteRows = parameters.flatMap((p) => siteRuleRows(ctx, p));
  const siteRules = siteRows.length
    ? blocks(
        heading(3, tr.t('Site rules')),
        table([tr.t('Parameter'), tr.t('Site'), tr.t('Rule'), tr.t('Constraints'), tr.t('Error'), tr.t('Source')], siteRows),
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
    const required = p.required ? tr.t('Yes') : p['x-acs-signing'] && errors.missing ? tr.t('Yes, in this signing form') : tr.t('No');
    return [
      code(p.name),
      locationCell(tr, p),
      required,
      schemaConstraints(tr, parameterSchema(doc, p)).join('; ') || '-',
      errorCell(tr, errors.missing),
      errorCell(tr, errors.invalid),
      p.description ? text(tr, p.description) : '-',
      sourcesCell(tr, parameterSources(doc, p)),
    ];
  });
  const header = [tr.t('Parameter'), tr.t('In'), tr.t('Required'), tr.t('Constraints'), tr.t('Error when missing'), tr.t('Error when invalid'), tr.t('Description'), tr.t('Source')];
  return table(header, rows);
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
  return blocks(heading(2, tr.t('Quota')), `${text(tr, quota.text)} ${limit} ${source}`);
}

// --- Error codes ---------------------------------------------------------------------------------------------

function messageCell(tr: Translator, message: string, siteMessages: Record<string, string>): string {
  const others = Object.entries(siteMessages).map(([site, siteMessage]) =>
    tr.t('{site}: {message}', { site: tr.t(label(SITE_LABELS, site, 'site')), message: escapeText(siteMessage) }),
  );
  return [escapeText(message), ...others].join(' — ');
}

function errorSection({ doc, operation, tr }: SectionContext): string {
  const rows = errorRows(doc, operation).map((row) => [
    row.status,
    code(row.code),
    messageCell(tr, row.message, row.siteMessages),
    row.description ? text(tr, row.description) : '-',
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
    const intro = tr.t('The source discloses no authorization information for this action. Its RAM action is {action}.', { action: code(ram.action) });
    return blocks(title, intro, ram.note && text(tr, ram.note));
  }
  const resourceType = `${ram.resourceTypeRequired ? '\\*' : ''}${text(tr, ram.resourceType ?? '-')}${ram.resource ? ` (${code(ram.resource)})` : ''}`;
  const row = [code(ram.action), text(tr, ram.accessLevel ?? '-'), resourceType, noneIfEmpty(tr, ram.conditionKeys), noneIfEmpty(tr, ram.associatedOperations)];
  const header = [tr.t('Operation'), tr.t('Access level'), tr.t('Resource type'), tr.t('Condition key'), tr.t('Associated operation')];
  const source = ram.source ? tr.t('Source: {source}.', { source: seed(tr, ram.source) }) : undefined;
  return blocks(title, table(header, [row]), source);
}

// --- Site differences, change history, sources, deprecation -------------------------------------------------

function siteDifferencesSection({ operation, tr }: SectionContext): string {
  const differences = operation['x-acs-site-differences'] ?? [];
  const title = heading(2, tr.t('Site differences'));
  if (differences.length === 0) return blocks(title, tr.t('The sources show no difference between the sites for this action.'));
  const sited = (site: { text: string; source: string }) => `${text(tr, site.text)} (${seed(tr, site.source)})`;
  const rows = differences.map((d) => [text(tr, d.topic), sited(d.intl), sited(d.china), text(tr, d.contract)]);
  const header = [tr.t('Topic'), tr.t(label(SITE_LABELS, 'intl', 'site')), tr.t(label(SITE_LABELS, 'china', 'site')), tr.t('In this contract')];
  return blocks(title, table(header, rows));
}

function changeHistorySection({ operation, tr }: SectionContext): string {
  const history = operation['x-acs-change-history'] ?? [];
  const title = heading(2, tr.t('Change history'));
  if (history.length === 0) return blocks(title, tr.t('The sources give no change history.'));
  const rows = history.flatMap((entry) => {
    const changes = entry.changes?.length ? entry.changes : [{ item: '-', content: '-' }];
    return changes.map((change, i) => [
      i === 0 ? entry.date : '',
      i === 0 ? text(tr, entry.summary) : '',
      text(tr, change.item),
      text(tr, change.content),
    ]);
  });
  const header = [tr.t('Change time'), tr.t('Summary of changes'), tr.t('Change item'), tr.t('Change content')];
  return blocks(title, table(header, rows));
}

function sourcesSection({ doc, operation, tr }: SectionContext): string | undefined {
  const ids = operation['x-acs-sources'] ?? [];
  if (ids.length === 0) return undefined;
  const names = doc.info['x-acs-sources'] ?? {};
  const items = ids.map((id) => (id in names ? `${sourceLabel(tr, id)}: ${text(tr, names[id]!)}` : sourceLabel(tr, id)));
  return blocks(heading(2, tr.t('Sources')), bullets(items));
}

/** The first line of each operation: the API (product and version) and the request line it is sent with. */
export function apiLine({ doc, method, tr }: SectionContext): string {
  const api = apiIdentity(doc);
  return tr.t('Version and endpoint: {api} · {request}', { api: `**${api.label}**`, request: code(`${method.toUpperCase()} ${api.url}`) });
}

export function deprecationNotice({ operation, tr }: SectionContext): string | undefined {
  if (!operation.deprecated) return undefined;
  const notice = tr.t('**Deprecated.** The contract marks this action as deprecated: do not use it in new code.');
  const replacement = operation['x-acs-replaced-by'];
  if (!replacement) return `> ${notice}`;
  return `> ${notice} ${tr.t('Use {action} instead.', { action: `[${replacement}](#operation/${replacement})` })}`;
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

