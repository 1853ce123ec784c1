/**
 * What the build adds to the bundled contract, so that the hand-written source keeps only what a person decides:
 * - every operation gets the common parameters of `x-acs-common-parameters.operations` (Action, Version; the Action
 *   template filled in);
 * - the parameters every request may carry but no operation declares (`x-acs-common-parameters.request`: Format) and
 *   each security scheme's signing parameters (its `x-acs-parameters`) are written out in full where they are named,
 *   and leave `components.parameters`: a generated client's method takes the action's own parameters, and the
 *   signing fetch adds the rest;
 * - every operation gets the gateway's common errors (`x-acs-gateway-responses`), and its 400 the Missing{Parameter}
 *   example of each of its own parameters that has one among the shared examples;
 * - every operation's description ends with its sample requests (`x-acs-sample-requests`, which stay beside it with
 *   their sources);
 * - every JSON response gets its `text/xml` twin, each example derived from its JSON twin: an error example keeps its
 *   summary and sources (the XML error body is the same body, `<Error>`); a success example keeps them when the source
 *   gives that XML too (its `x-acs-xml-sources`), and is otherwise labelled as XML built by the contract.
 * The published document says what was added: `x-acs-common-parameters` (the operations' by wire name, the request's
 * in full), and `x-acs-gateway-errors` (the gateway's codes by status) in place of the source's
 * `x-acs-gateway-responses`.
 */
import { deref, isRef, localLookup } from './deref.js';
import { xmlExample } from './xml-example.js';

import type { Json } from './json.js';

const JSON_MEDIA = 'application/json';
const XML_MEDIA = 'text/xml';
const XML_TWIN_DESCRIPTION =
  'An XML document (text): its root element is the one `xml.name` names, and its child elements hold what the' +
  ' `application/json` twin of this response describes.';
/** Common parameters that are templates: `{Action}` is the operation's action. */
const ACTION_TEMPLATES = new Set(['Action']);

const componentName = (ref: string, kind: string): string | undefined =>
  ref.startsWith(`#/components/${kind}/`) ? ref.slice(`#/components/${kind}/`.length) : undefined;

function fillAction(node: Json, action: string): Json {
  if (typeof node === 'string') return node.replaceAll('{Action}', action);
  if (Array.isArray(node)) return node.map((n) => fillAction(n, action));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fillAction(v, action)]));
  return node;
}

function operationsOf(doc: Json): Json[] {
  return Object.values<Json>(doc.paths ?? {}).flatMap((item) =>
    Object.values<Json>(item).filter((op) => op && typeof op === 'object' && typeof op.operationId === 'string'),
  );
}

function addCommonParameters(doc: Json, op: Json): void {
  const { operations = [] } = doc['x-acs-common-parameters'] ?? {};
  const common = (name: string): Json => {
    const parameter = doc.components?.parameters?.[name];
    if (!parameter) throw new Error(`x-acs-common-parameters: no components/parameters/${name}`);
    return ACTION_TEMPLATES.has(name)
      ? fillAction(structuredClone(parameter), op.operationId)
      : { $ref: `#/components/parameters/${name}` };
  };
  op.parameters = [...operations.map(common), ...(op.parameters ?? [])];
}

/**
 * Writes out in full the parameters that a list names by component (`x-acs-common-parameters.request`, a security
 * scheme's `x-acs-parameters`) and takes them out of `components.parameters`: no operation declares them.
 */
function inlineNamedParameters(doc: Json, names: string[], where: string, moved: Set<string>): Json[] {
  return names.map((name) => {
    const parameter = doc.components?.parameters?.[name];
    if (!parameter) throw new Error(`${where}: no components/parameters/${name}`);
    moved.add(name);
    return structuredClone(parameter);
  });
}

function addGatewayResponses(doc: Json, op: Json): void {
  const lookup = localLookup(doc);
  const gateway: Record<string, string> = doc['x-acs-gateway-responses'] ?? {};
  const sharedExamples = doc.components?.examples ?? {};
  const gatewayCodes = new Set(
    Object.values(gateway).flatMap((name) =>
      Object.keys(doc.components?.responses?.[name]?.content?.[JSON_MEDIA]?.examples ?? {}),
    ),
  );
  op.responses ??= {};
  for (const [status, name] of Object.entries(gateway)) {
    const shared = doc.components?.responses?.[name];
    if (!shared) throw new Error(`x-acs-gateway-responses: no components/responses/${name}`);
    const own = op.responses[status];
    // The action's own Missing{Parameter} codes (shared examples named by x-acs-errors.missing) join its 400.
    const missing =
      status === '400'
        ? (op.parameters as Json[])
            .map((p) => deref(p, lookup)['x-acs-errors']?.missing as string | undefined)
            .filter((code): code is string => code !== undefined && code in sharedExamples && !gatewayCodes.has(code))
        : [];
    if (!own && missing.length === 0) {
      op.responses[status] = { $ref: `#/components/responses/${name}` };
      continue;
    }
    const merged = structuredClone(own ?? shared);
    const examples = ((merged.content ??= {})[JSON_MEDIA] ??= {
      schema: structuredClone(shared.content[JSON_MEDIA].schema),
    });
    examples.examples = {
      ...(own ? own.content?.[JSON_MEDIA]?.examples : {}),
      ...shared.content[JSON_MEDIA].examples,
      ...Object.fromEntries(missing.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
    };
    op.responses[status] = merged;
  }
  op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => Number(a) - Number(b)));
}

/** Appends an operation's sample requests (`x-acs-sample-requests`: summary, value) to its description. */
function addSampleRequests(op: Json): void {
  const samples: Json[] = op['x-acs-sample-requests'] ?? [];
  if (samples.length === 0) return;
  const blocks = samples.map((s) => `${s.summary}:\n\n\`\`\`\n${String(s.value).trimEnd()}\n\`\`\`\n`);
  op.description = [String(op.description ?? '').trimEnd(), ...blocks].join('\n\n');
}

/** Where the XML form of a success example comes from when no source gives it. */
export const BUILT_XML_SOURCE =
  'inference: the XML form of the JSON sample, built by the contract: one element per JSON field, nested as in the' +
  ' JSON, under the root element the schema names (as the XML samples of seeds 001 and 002 are).';

/** The XML twin of a success example no source gives in XML: labelled as built by the contract. */
function builtXmlTwin(example: Json, value: string): Json {
  const { 'x-acs-sources': sources = [], summary, ...rest } = example;
  const label = typeof summary === 'string' ? summary.replace(/\)$/, '; XML built by the contract)') : summary;
  if (label === summary) throw new Error(`success example "${summary}": the summary must end with ")" to be labelled`);
  return { ...rest, summary: label, value, 'x-acs-sources': [...sources, BUILT_XML_SOURCE] };
}

/** Adds the `text/xml` twin of a response's JSON content, shared examples getting shared twins (`<Name>.xml`). */
function addXmlTwin(doc: Json, response: Json, success: boolean): void {
  const json = response?.content?.[JSON_MEDIA];
  if (!json || response.content[XML_MEDIA]) return;
  const lookup = localLookup(doc);
  const root: string = deref(json.schema, lookup)?.xml?.name;
  if (!root) throw new Error(`a JSON response schema without xml.name: ${JSON.stringify(json.schema)}`);
  const twin = (example: Json) => {
    const { 'x-acs-xml-sources': xmlSources, ...rest } = example;
    const value = xmlExample(root, example.value);
    if (!success) return { ...rest, value };
    return xmlSources ? { ...rest, value, 'x-acs-sources': xmlSources } : builtXmlTwin(rest, value);
  };
  const examples: Record<string, Json> = {};
  for (const [name, example] of Object.entries<Json>(json.examples ?? {})) {
    const shared = isRef(example) ? componentName(example.$ref, 'examples') : undefined;
    if (shared === undefined) {
      examples[name] = twin(deref(example, lookup));
      delete example['x-acs-xml-sources']; // said by the twin's own sources
      continue;
    }
    doc.components.examples[`${shared}.xml`] ??= twin(deref(example, lookup));
    examples[name] = { $ref: `#/components/examples/${shared}.xml` };
  }
  response.content[XML_MEDIA] = { schema: xmlTwinSchema(root), examples };
}

/**
 * The schema of a `text/xml` twin: a string (an XML example is XML text, and generic validators such as Spectral's
 * `oas3-valid-media-example` and Redocly's `no-invalid-media-type-examples` check an example against its own media's
 * schema), naming the root element in `xml.name` and, in its description, the JSON twin as what the elements hold. The
 * project's lint (scripts/redocly-plugin.js, rd/valid-media-examples) parses each XML example and validates it against
 * the JSON twin.
 */
function xmlTwinSchema(root: string): Json {
  return { type: 'string', description: XML_TWIN_DESCRIPTION, xml: { name: root } };
}

/**
 * A source that only some APIs have is written `{ source: <label>, x-acs-apis: [...] }` in an `x-acs-sources` list;
 * once scripts/contract/apis.ts has kept this API's, the published list holds the labels alone.
 */
function flattenSources(node: Json): void {
  if (Array.isArray(node)) node.forEach(flattenSources);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries<Json>(node)) {
      if (key === 'x-acs-sources' && Array.isArray(value))
        node[key] = value.map((s) => (s !== null && typeof s === 'object' ? s.source : s));
      else flattenSources(value);
    }
  }
}

/** The published document: the bundled source with everything above added. Mutates and returns `doc`. */
export function assemble(doc: Json): Json {
  flattenSources(doc);
  for (const op of operationsOf(doc)) {
    addCommonParameters(doc, op);
    addGatewayResponses(doc, op);
  }
  const gateway: Record<string, string> = doc['x-acs-gateway-responses'] ?? {};
  const gatewayErrors = Object.fromEntries(
    Object.entries(gateway).map(([status, name]) => [
      status,
      Object.keys(doc.components.responses[name].content[JSON_MEDIA].examples),
    ]),
  );
  const wireNames = (names: string[] = []) => names.map((name) => doc.components.parameters[name].name as string);
  const { operations, request = [] } = doc['x-acs-common-parameters'] ?? {};
  const moved = new Set<string>();
  doc['x-acs-common-parameters'] = {
    operations: wireNames(operations),
    request: inlineNamedParameters(doc, request, 'x-acs-common-parameters.request', moved),
  };
  for (const [name, scheme] of Object.entries<Json>(doc.components?.securitySchemes ?? {})) {
    if (scheme['x-acs-parameters'])
      scheme['x-acs-parameters'] = inlineNamedParameters(
        doc,
        scheme['x-acs-parameters'],
        `securitySchemes.${name}.x-acs-parameters`,
        moved,
      );
  }
  for (const name of moved) delete doc.components.parameters[name];
  // Templates and the 400 are inlined into every operation; other components stay shared.
  for (const name of ACTION_TEMPLATES) delete doc.components.parameters[name];
  for (const name of Object.values(gateway)) {
    if (
      !operationsOf(doc).some((op) =>
        Object.values<Json>(op.responses).some((r) => r.$ref === `#/components/responses/${name}`),
      )
    )
      delete doc.components.responses[name];
  }
  for (const response of Object.values<Json>(doc.components.responses ?? {})) addXmlTwin(doc, response, false);
  for (const op of operationsOf(doc)) {
    for (const [status, response] of Object.entries<Json>(op.responses))
      addXmlTwin(doc, response, Number(status) < 300);
    addSampleRequests(op);
  }
  delete doc['x-acs-gateway-responses'];
  doc['x-acs-gateway-errors'] = gatewayErrors;
  return doc;
}
