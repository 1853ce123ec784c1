/**
 * Provenance in the docs: where each error code, constraint and sample comes from, as its `x-acs-sources` says
 * (scripts/contract/sources.js), so that a reviewer sees whether Alibaba Cloud's documents say it or the contract
 * infers it. The Source columns of the error, parameter and common-parameter tables, and the operation's Samples and
 * Response fields tables, are written here.
 */
import { parseSource } from '../contract/sources.js';
import {
  deref,
  parameterSchema,
  type Document,
  type Example,
  type Operation,
  type Parameter,
  type Ref,
  type Response,
  type Schema,
} from './contract.js';
import { punctuation, type Translator } from './i18n.js';
import { blocks, code, escapeText, heading, table } from './markdown.js';

type Sourced = { 'x-acs-sources'?: string[] };

/** One source in words: "seed 000", "research note `wire-protocol#responses`", "inferred by the contract: <why>". */
export function sourceLabel(tr: Translator, label: string): string {
  const source = parseSource(label);
  switch (source?.kind) {
    case 'seed':
      return tr.t('seed {source}', { source: source.seed });
    case 'research':
      return tr.t('research note {note}', { note: code(`${source.note}#${source.section}`) });
    case 'sdk':
      return tr.t('SDK model {package}', { package: code(source.package) });
    case 'inference':
      return tr.t('inferred by the contract: {why}', { why: escapeText(tr.t(source.why)) });
    default:
      throw new Error(`docs: "${label}" is not a source (scripts/contract/sources.js)`);
  }
}

/** A table cell listing the sources of an item. */
export function sourcesCell(tr: Translator, labels: readonly string[] | undefined): string {
  return labels?.length ? labels.map((label) => sourceLabel(tr, label)).join(' · ') : '-';
}

/** A parameter's sources, then its schema's (a shared schema says where its constraints come from). */
export function parameterSources(doc: Document, parameter: Parameter): string[] {
  const schema = parameterSchema(doc, parameter) as Schema & Sourced;
  return [...new Set([...((parameter as Sourced)['x-acs-sources'] ?? []), ...(schema['x-acs-sources'] ?? [])])];
}

function exampleRows(doc: Document, operation: Operation, tr: Translator): string[][] {
  const rows: string[][] = [];
  for (const [status, raw] of Object.entries(operation.responses)) {
    if (!/^2\d\d$/.test(status)) continue;
    for (const [mediaType, media] of Object.entries(deref<Response>(doc, raw).content ?? {})) {
      for (const [name, rawExample] of Object.entries(media.examples ?? {})) {
        const example = deref<Example & Sourced>(doc, rawExample as Example | Ref);
        rows.push([
          escapeText(tr.t(example.summary ?? name)),
          `${status} ${code(mediaType)}`,
          sourcesCell(tr, example['x-acs-sources']),
        ]);
      }
    }
  }
  return rows;
}

function requestRows(operation: Operation, tr: Translator): string[][] {
  const samples =
    (operation as Operation & { 'x-acs-sample-requests'?: (Sourced & { summary: string })[] })[
      'x-acs-sample-requests'
    ] ?? [];
  return samples.map((s) => [escapeText(tr.t(s.summary)), tr.t('request'), sourcesCell(tr, s['x-acs-sources'])]);
}

/** The operation's samples (its sample requests, its success responses in JSON and XML) and where each comes from. */
export function samplesSection(doc: Document, operation: Operation, tr: Translator): string {
  const rows = [...requestRows(operation, tr), ...exampleRows(doc, operation, tr)];
  return blocks(heading(2, tr.t('Samples')), table([tr.t('Sample'), tr.t('In'), tr.t('Source')], rows));
}

const CONSTRAINTS = ['enum', 'const', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

/**
 * The constraints of the success response's fields (and of the response object: which fields it requires), each
 * with its sources: the contract's schemas add constraints (formats, patterns, required fields) the sources only
 * imply.
 */
export function responseFieldsSection(
  doc: Document,
  operation: Operation,
  tr: Translator,
  constraints: (schema: Schema) => string[],
): string | undefined {
  const rows: string[][] = [];
  const visit = (raw: Schema | Ref, path: string): void => {
    const schema = deref<Schema & Sourced>(doc, raw);
    const required = schema.required?.length
      ? [tr.t('requires {fields}', { fields: schema.required.map(code).join(punctuation(tr.lang).comma) })]
      : [];
    if (CONSTRAINTS.some((k) => schema[k] !== undefined) || required.length) {
      rows.push([
        path ? code(path) : tr.t('(the response)'),
        [...constraints(schema), ...required].join(punctuation(tr.lang).semicolon),
        sourcesCell(tr, schema['x-acs-sources']),
      ]);
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) visit(sub, path ? `${path}.${name}` : name);
  };
  const ok = Object.entries(operation.responses).find(([status]) => /^2\d\d$/.test(status));
  const schema = ok && deref<Response>(doc, ok[1]).content?.['application/json']?.schema;
  if (!schema) return undefined;
  visit(schema, '');
  return blocks(heading(2, tr.t('Response fields')), table([tr.t('Field'), tr.t('Constraints'), tr.t('Source')], rows));
}
