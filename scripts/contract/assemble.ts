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
 * - every JSON response gets its `text/xml` twin, each example derived from its JSON twin.
 * The published document says what was added: `x-acs-common-parameters` (the operations' by wire name, the request's
 * in full), and `x-acs-gateway-errors` (the gateway's codes by status) in place of the source's
 * `x-acs-gateway-responses`.
 */
import { deref, isRef, localLookup } from './deref.js';
import { xmlExample } from './xml-example.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const JSON_MEDIA = 'application/json';
const XML_MEDIA = 'text/xml';
const XML_TWIN_DESCRIPTION =
  'An XML document (text): its root element is the one `xml.name` names, and its child elements hold what the `application/json` twin of this response describes.';
/** Common parameters that are templates: `{Action}` is the operation's action. */
const ACTION_TEMPLATES = new Set(['Action']);

const componentName = (ref: string, kind: string): string | undefined =>
  ref.startsWith(`#/components/${kind}/`) ? ref.slice(`#/components/${kind}/`.length) : undefined;

function fillAction(node: Json, action: string): Json {
  if (typeof node === 'string') return node.replaceAll('{Action}', action);
  if (Array.isArray(node)) return node.map((n) => fillAction(n, action));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fillAction(v, action)]));
  return node;
}

function operationsOf(doc: Json): Json[] {
  return Object.values<Json>(doc.paths ?? {}).flatMap((item) =>
    Object.values<Json>(item).filter((op) => op && typeof op === 'object' && typeof op.operationId === 'string'));
}

function addCommonParameters(doc: Json, op: Json): void {
  const { operations = [] } = doc['x-acs-common-parameters'] ?? {};
  const common = (name: string): Json => {
    const parameter = doc.components?.parameters?.[name];
    if (!parameter) throw new Error(`x-acs-common-parameters: no components/parameters/${name}`);
    return ACTION_TEMPLATES.has(name) ? fillAction(structuredClone(parameter), op.operationId) : { $ref: `#/components/parameters/${name}` };
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
  const gatewayCodes = new Set(Object.values(gateway).flatMap((name) => Object.keys(doc.components?.responses?.[name]?.content?.[JSON_MEDIA]?.examples ?? {})));
  op.responses ??= {};
  for (const [status, name] of Object.entries(gateway)) {
    const shared = doc.components?.responses?.[name];
    if (!shared) throw new Error(`x-acs-gateway-responses: no components/responses/${name}`);
    const own = op.responses[status];
    // The action's own Missing{Parameter} codes (shared examples named by x-acs-errors.missing) join its 400.
    const missing = status === '400'
      ? (op.parameters as Json[]).map((p) => deref(p, lookup)['x-acs-errors']?.missing as string | undefined)
        .filter((code): code is string => code !== undefined && code in sharedExamples && !gatewayCodes.has(code))
      : [];
    if (!own && missing.length === 0) {
      op.responses[status] = { $ref: `#/components/responses/${name}` };
      continue;
    }
    const merged = structuredClone(own ?? shared);
    const examples = (merged.content ??= {})[JSON_MEDIA] ??= { schema: structuredClone(shared.content[JSON_MEDIA].schema) };
    examples.examples = {
      ...(own ? own.content?.[JSON_MEDIA]?.examples : {}),
      ...shared.content[JSON_MEDIA].examples,
      ...Object.fromEntries(missing.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
    };
    op.responses[status] = merged;
  }
  op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => Number(a) - Number(b)));
}

/** Adds the `text/xml` twin of a response's JSON content, shared examples getting shared twins (`<Name>.xml`). */
function addXmlTwin(doc: Json, response: Json): void {
  const json = response?.content?.[JSON_MEDIA];
  if (!json || response.content[XML_MEDIA]) return;
  const lookup = localLookup(doc);
  const root: string = deref(json.schema, lookup)?.xml?.name;
  if (!root) throw new Error(`a JSON response schema without xml.name: ${JSON.stringify(json.schema)}`);
  const twin = (example: Json) => ({ ...example, value: xmlExample(root, example.value) });
  const examples: Record<string, Json> = {};
  for (const [name, example] of Object.entries<Json>(json.examples ?? {})) {
    const shared = isRef(example) ? componentName(example.$ref, 'examples') : undefined;
    if (shared === undefined) {
      examples[name] = twin(deref(example, lookup));
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
 * schema), naming the root element in `xml.name` and, in its description, the JSON twin as what the elements hold. The project's lint
 * (scripts/redocly-plugin.js, rd/valid-media-examples) parses each XML example and validates it against the JSON twin.
 */
function xmlTwinSchema(root: string): Json {
  return { type: 'string', description: XML_TWIN_DESCRIPTION, xml: { name: root } };
}

/** The published document: the bundled source with everything above added. Mutates and returns `doc`. */
export function assemble(doc: Json): Json {
  for (const op of operationsOf(doc)) {
    addCommonParameters(doc, op);
    addGatewayResponses(doc, op);
  }
  const gateway: Record<string, string> = doc['x-acs-gateway-responses'] ?? {};
  const gatewayErrors = Object.fromEntries(Object.entries(gateway).map(([status, name]) =>
    [status, Object.keys(doc.components.responses[name].content[JSON_MEDIA].examples)]));
  const wireNames = (names: string[] = []) => names.map((name) => doc.components.parameters[name].name as string);
  const { operations, request = [] } = doc['x-acs-common-parameters'] ?? {};
  const moved = new Set<string>();
  doc['x-acs-common-parameters'] = { operations: wireNames(operations), request: inlineNamedParameters(doc, request, 'x-acs-common-parameters.request', moved) };
  for (const [name, scheme] of Object.entries<Json>(doc.components?.securitySchemes ?? {})) {
    if (scheme['x-acs-parameters']) scheme['x-acs-parameters'] = inlineNamedParameters(doc, scheme['x-acs-parameters'], `securitySchemes.${name}.x-acs-parameters`, moved);
  }
  for (const name of moved) delete doc.components.parameters[name];
  // Templates and the 400 are inlined into every operation; other components stay shared.
  for (const name of ACTION_TEMPLATES) delete doc.components.parameters[name];
  for (const name of Object.values(gateway)) {
    if (!operationsOf(doc).some((op) => Object.values<Json>(op.responses).some((r) => r.$ref === `#/components/responses/${name}`))) delete doc.components.responses[name];
  }
  for (const response of Object.values<Json>(doc.components.responses ?? {})) addXmlTwin(doc, response);
  for (const op of operationsOf(doc)) for (const response of Object.values<Json>(op.responses)) addXmlTwin(doc, response);
  delete doc['x-acs-gateway-responses'];
  doc['x-acs-gateway-errors'] = gatewayErrors;
  return doc;
}
