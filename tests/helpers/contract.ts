/**
 * The published contract for tests: each API's document, an ajv (draft 2020-12, strict) that knows every component
 * schema, and helpers to walk operations, responses and examples. The top-level exports are the default API's
 * (ResourceManager 2020-03-31); `contracts` has every API's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { deref as derefNode, localLookup } from '../../scripts/contract/deref.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const repoRoot = join(import.meta.dirname, '..', '..');

/** The APIs of the last build, in the source's order (generated/apis.json); the first is the default. */
export const apiEntries: { id: string; folder: string }[] = JSON.parse(readFileSync(join(repoRoot, 'generated', 'apis.json'), 'utf8'));
/** An API's generated file, e.g. `apiFile('ResourceManager/2020-03-31', 'openapi.json')`. */
export const apiFile = (id: string, name: string): string => join(repoRoot, 'generated', apiEntries.find((a) => a.id === id)!.folder, name);

const schemaId = (name: string) => `https://contract.local/schemas/${name}`;

/** Rewrites `#/components/schemas/X` to the id the schema is registered under. */
function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/') ? schemaId(v.slice('#/components/schemas/'.length)) : rewriteRefs(v)]));
  }
  return node;
}

export interface OperationInfo { pathKey: string; method: string; action: string; op: Json }
export interface MediaExample { action: string; status: string; mediaType: string; name: string; example: Json; schema: Json }

/** One API's document and the helpers over it. */
export function contractOf(doc: Json) {
  const createAjv = (): Ajv2020 => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addVocabulary(['example', 'xml', 'x-acs-sources']);
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) ajv.addSchema({ ...rewriteRefs(schema), $id: schemaId(name) });
    return ajv;
  };
  const ajv = createAjv();
  const lookup = localLookup(doc);
  /** Resolves a local `$ref` in the document (the build's resolver). */
  const deref = <T = Json>(node: Json): T => derefNode<T>(node, lookup);
  /** Compiles an inline or referenced schema of the document. */
  const compileSchema = (schema: Json): ValidateFunction => ajv.compile(rewriteRefs(schema));
  const operations: OperationInfo[] = Object.entries<Json>(doc.paths).flatMap(([pathKey, item]) =>
    Object.entries<Json>(item).map(([method, op]) => ({ pathKey, method, action: op.operationId as string, op })));
  const operation = (action: string): Json => {
    const found = operations.find((o) => o.action === action);
    if (!found) throw new Error(`no operation ${action}`);
    return found.op;
  };
  /** Every named example of every response of every operation. */
  const responseExamples: MediaExample[] = operations.flatMap(({ action, op }) =>
    Object.entries<Json>(op.responses).flatMap(([status, rawResponse]) =>
      Object.entries<Json>(deref(rawResponse).content ?? {}).flatMap(([mediaType, media]) =>
        Object.entries<Json>(media.examples ?? {}).map(([name, ex]) => ({ action, status, mediaType, name, example: deref(ex), schema: media.schema })))));
  /** The documented error codes of an action, by HTTP status, from its JSON examples. */
  const errorCodes = (action: string): { status: number; code: string; message: string; example: Json }[] =>
    responseExamples
      .filter((e) => e.action === action && Number(e.status) >= 400 && e.mediaType === 'application/json')
      .map((e) => ({ status: Number(e.status), code: e.name, message: e.example.value.Message, example: e.example }));
  return { doc, ajv, createAjv, deref, compileSchema, operations, operation, responseExamples, errorCodes };
}

export type Contract = ReturnType<typeof contractOf>;

/** Every API's contract, by id (`<Product>/<version>`). */
export const contracts: Record<string, Contract> = Object.fromEntries(
  apiEntries.map((a) => [a.id, contractOf(JSON.parse(readFileSync(apiFile(a.id, 'openapi.json'), 'utf8')))]));

const defaultContract = contracts[apiEntries[0]!.id]!;
export const { doc, ajv, createAjv, deref, compileSchema, operations, operation, responseExamples, errorCodes } = defaultContract;

const xmlParser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });
/** Parses an XML body into `{ root, value }`, value being what its JSON twin holds. */
export function parseXml(text: string): { root: string; value: Json } {
  const parsed = xmlParser.parse(text);
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.join(', ')}`);
  const body = parsed[roots[0]!];
  return { root: roots[0]!, value: body === '' ? {} : body };
}
