// Provenance: where each item of the contract comes from (`x-acs-sources`), in one small vocabulary. Used by the
// Redocly plugin (rule rd/sources), the docs (the Source columns) and tests/unit/contract/provenance.test.ts, which
// also checks every seed and research label against tests/fixtures/seed-facts.ts.
//
// A label is one of:
//   seed:NNN                   one of the five source documents (000-004);
//   research:<note>#<section>  a research note of the project (wire-protocol, api-versions) and its section's anchor;
//   sdk:<npm package>          an official SDK's models, as installed (a devDependency);
//   inference: <why>           the contract's own decision, with one sentence (ending in a full stop) saying why.
// An item lists every source of what it says. `info.x-acs-sources` maps every kind used (`seed:000`, ...,
// `research:wire-protocol`, `sdk:<package>`, `inference`) to what it is.
import { deref, isRef, localLookup } from './deref.js';

export const RESEARCH_NOTES = ['wire-protocol', 'api-versions'];

const SEED = /^seed:(00[0-4])$/;
const RESEARCH = /^research:([a-z-]+)#([a-z0-9-]+)$/;
const SDK = /^sdk:(@[a-z0-9-]+\/[a-z0-9.-]+)$/;
const INFERENCE = /^inference: (\S.*\.)$/s;

/** A label, parsed; undefined when it is not in the vocabulary. */
export function parseSource(label) {
  if (typeof label !== 'string') return undefined;
  let m;
  if ((m = SEED.exec(label))) return { kind: 'seed', key: label, seed: m[1] };
  if ((m = RESEARCH.exec(label)))
    return RESEARCH_NOTES.includes(m[1])
      ? { kind: 'research', key: `research:${m[1]}`, note: m[1], section: m[2] }
      : undefined;
  if ((m = SDK.exec(label))) return { kind: 'sdk', key: label, package: m[1] };
  if ((m = INFERENCE.exec(label))) return { kind: 'inference', key: 'inference', why: m[1] };
  return undefined;
}

/** The key of `info.x-acs-sources` a label belongs to. */
export const sourceKey = (label) => parseSource(label)?.key;

/**
 * A key of `info.x-acs-sources`: a kind of source (`seed:000`, `research:wire-protocol`, `sdk:<package>`, `inference`).
 */
const isKind = (key) =>
  key === 'inference' || SEED.test(key) || SDK.test(key) || RESEARCH_NOTES.some((note) => key === `research:${note}`);

/** Keywords that constrain a value (what `redocly score` counts, plus `required` and `default`). */
export const CONSTRAINT_KEYWORDS = [
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
  'default',
];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SUBSCHEMAS = ['items', 'not', 'if', 'then', 'else', 'additionalProperties', 'contains', 'propertyNames'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/**
 * Every item of a published description that must say where it comes from, with its path (keys from the root):
 * `{ kind, path, node, sources, summary? }`, kind one of operation, parameter, example (a named example of a
 * response or parameter; `status` says which), sample-request, schema (one with a constraint or an example), site-rule,
 * request-rule, quota, security-scheme, header, response.
 */
export function provenanceItems(doc) {
  const lookup = localLookup(doc);
  const items = [];
  const push = (kind, path, node, extra = {}) =>
    items.push({ kind, path, node, sources: node?.['x-acs-sources'], summary: node?.summary, ...extra });

  const seenSchemas = new Set();
  /** A schema and its subschemas; `covered`: the schema itself is covered by its parent's sources. */
  const schema = (node, path, covered) => {
    if (node === null || typeof node !== 'object') return;
    if (isRef(node)) return; // the referenced component is an item of its own
    if (seenSchemas.has(node)) return;
    seenSchemas.add(node);
    const constrained =
      CONSTRAINT_KEYWORDS.some((k) => node[k] !== undefined) ||
      node.example !== undefined ||
      node.examples !== undefined;
    if (constrained && !covered) push('schema', path, node);
    // What covers a schema covers its subschemas (a parameter's inline schema); a component's properties are items.
    for (const key of SUBSCHEMA_MAPS)
      for (const [name, sub] of Object.entries(node[key] ?? {})) schema(sub, [...path, key, name], covered);
    for (const key of SUBSCHEMAS)
      if (node[key] && typeof node[key] === 'object') schema(node[key], [...path, key], covered);
    for (const key of SUBSCHEMA_LISTS) (node[key] ?? []).forEach((sub, i) => schema(sub, [...path, key, i], covered));
  };
  const namedExamples = (examples, path, extra) => {
    for (const [name, raw] of Object.entries(examples ?? {})) {
      if (isRef(raw)) continue; // a shared example is an item under components/examples
      push('example', [...path, name], raw, { name, ...extra });
    }
  };
  const parameter = (p, path) => {
    push('parameter', path, p);
    schema(p.schema, [...path, 'schema'], true);
    namedExamples(p.examples, [...path, 'examples'], { parameter: p.name });
    for (const [site, rule] of Object.entries(p['x-acs-site-rules'] ?? {})) {
      push('site-rule', [...path, 'x-acs-site-rules', site], rule, { parameter: p.name });
      schema(rule.schema, [...path, 'x-acs-site-rules', site, 'schema'], true);
    }
  };
  const content = (media, path, status) => {
    for (const [type, m] of Object.entries(media ?? {})) {
      namedExamples(m.examples, [...path, type, 'examples'], { status, mediaType: type });
      schema(m.schema, [...path, type, 'schema'], false); // an inline schema (per-action descriptions inline theirs)
    }
  };

  for (const [key, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (!op || typeof op !== 'object' || typeof op.operationId !== 'string') continue;
      const at = ['paths', key, method];
      push('operation', at, op);
      (op.parameters ?? []).forEach((p, i) => {
        if (!isRef(p)) parameter(p, [...at, 'parameters', i]);
      });
      (op['x-acs-sample-requests'] ?? []).forEach((s, i) =>
        push('sample-request', [...at, 'x-acs-sample-requests', i], s, { action: op.operationId }),
      );
      (op['x-acs-request-rules'] ?? []).forEach((r, i) => push('request-rule', [...at, 'x-acs-request-rules', i], r));
      if (op['x-acs-quota']) push('quota', [...at, 'x-acs-quota'], op['x-acs-quota']);
      for (const [status, raw] of Object.entries(op.responses ?? {})) {
        if (isRef(raw)) continue;
        content(raw.content, [...at, 'responses', status, 'content'], Number(status));
      }
    }
  }
  const components = doc.components ?? {};
  for (const [name, p] of Object.entries(components.parameters ?? {})) parameter(p, ['components', 'parameters', name]);
  for (const [name, s] of Object.entries(components.schemas ?? {})) {
    const path = ['components', 'schemas', name];
    // Every component schema says where it comes from, constrained or not: its description is a statement too.
    if (!(CONSTRAINT_KEYWORDS.some((k) => s[k] !== undefined) || s.example !== undefined || s.examples !== undefined))
      push('schema', path, s);
    schema(s, path, false);
  }
  for (const [name, r] of Object.entries(components.responses ?? {})) {
    push('response', ['components', 'responses', name], r);
    // a shared response's status is the operation's
    content(r.content, ['components', 'responses', name, 'content'], undefined);
  }
  for (const [name, e] of Object.entries(components.examples ?? {}))
    push('example', ['components', 'examples', name], e, {
      name: name.replace(/\.xml$/, ''),
      mediaType: name.endsWith('.xml') ? 'text/xml' : 'application/json',
      shared: true,
    });
  for (const [name, h] of Object.entries(components.headers ?? {})) {
    push('header', ['components', 'headers', name], h);
    schema(h.schema, ['components', 'headers', name, 'schema'], true);
  }
  for (const [name, s] of Object.entries(components.securitySchemes ?? {})) {
    push('security-scheme', ['components', 'securitySchemes', name], s);
    (s['x-acs-parameters'] ?? []).forEach((p, i) =>
      parameter(p, ['components', 'securitySchemes', name, 'x-acs-parameters', i]),
    );
  }
  (doc['x-acs-common-parameters']?.request ?? []).forEach((p, i) =>
    parameter(p, ['x-acs-common-parameters', 'request', i]),
  );
  return items.map((item) => ({ ...item, node: deref(item.node, lookup) }));
}

/** Every `x-acs-sources` list in a document but `info`'s map, with its path. */
export function sourceLists(node, path = [], out = []) {
  if (Array.isArray(node)) node.forEach((n, i) => sourceLists(n, [...path, i], out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-acs-sources' && !(path.length === 1 && path[0] === 'info'))
        out.push({ path: [...path, key], sources: value });
      else sourceLists(value, [...path, key], out);
    }
  }
  return out;
}

const SEED_MENTION = /\bseed (\d{3})\b/g;
/** What the summary of a sample no source gives says. */
export const BUILT = 'built by the contract';

/** A sample: a sample request, a success example of a response, or a named example of a parameter. */
export const isSample = (item) =>
  item.kind === 'sample-request' ||
  (item.kind === 'example' && !item.shared && (item.status === undefined || item.status < 300));

/**
 * What is wrong with a published description's provenance, as `{ path, message }`: an item without sources, a label
 * outside the vocabulary, a kind `info.x-acs-sources` does not list (or lists unused), a summary naming a seed its
 * sources do not, a sample labelled as built by the contract without an inference, or as a source's with one.
 */
export function sourceProblems(doc) {
  const problems = [];
  const report = (path, message) => problems.push({ path, message });
  const kinds = doc.info?.['x-acs-sources'];
  if (!kinds || typeof kinds !== 'object' || Array.isArray(kinds))
    report(['info'], 'info.x-acs-sources must map every kind of source used to what it is.');
  const used = new Set();
  for (const { path, sources } of sourceLists(doc)) {
    if (!Array.isArray(sources) || sources.length === 0) {
      report(path, 'x-acs-sources must be a non-empty list of sources.');
      continue;
    }
    for (const label of sources) {
      const parsed = parseSource(label);
      if (!parsed) {
        report(
          path,
          `"${label}" is not a source: seed:NNN, research:<note>#<section> (notes: ${RESEARCH_NOTES.join(', ')}),` +
            ` sdk:<package> or "inference: <why>."`,
        );
        continue;
      }
      used.add(parsed.key);
      if (kinds && !(parsed.key in kinds)) report(path, `"${label}": info.x-acs-sources does not list ${parsed.key}.`);
    }
  }
  for (const key of Object.keys(kinds ?? {})) {
    if (!isKind(key)) report(['info', 'x-acs-sources', key], `"${key}" is not a kind of source.`);
    else if (!used.has(key))
      report(['info', 'x-acs-sources', key], `info.x-acs-sources lists ${key}, which no item uses.`);
  }
  for (const item of provenanceItems(doc)) {
    const sources = item.node?.['x-acs-sources'];
    if (!Array.isArray(sources) || sources.length === 0) {
      report(
        item.path,
        `${item.kind} ${item.name ?? item.node?.name ?? item.node?.operationId ?? item.path.at(-1)} says nowhere` +
          ` where it comes from (x-acs-sources).`,
      );
      continue;
    }
    const parsed = sources.map(parseSource).filter(Boolean);
    const summary = typeof item.node.summary === 'string' ? item.node.summary : '';
    for (const [, seed] of summary.matchAll(SEED_MENTION)) {
      if (!parsed.some((s) => s.kind === 'seed' && s.seed === seed))
        report(item.path, `"${summary}" names seed ${seed}, which its x-acs-sources do not.`);
    }
    if (!isSample(item)) continue;
    const inferred = parsed.some((s) => s.kind === 'inference');
    if (summary.includes(BUILT) && !inferred)
      report(item.path, `"${summary}" is built by the contract: its x-acs-sources must say why (inference: ...).`);
    if (!summary.includes(BUILT) && inferred)
      report(
        item.path,
        `"${summary || item.name}" has an inference among its sources: its summary must say it is ${BUILT}.`,
      );
  }
  return problems;
}
