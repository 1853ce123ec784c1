/**
 * The bundled contract for tests: the document, an ajv (draft 2020-12, strict) that knows every component schema,
 * and helpers to walk operations, responses and examples.
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
export const doc: Json = JSON.parse(readFileSync(join(repoRoot, 'generated', 'openapi.json'), 'utf8'));

const schemaId = (name: string) => `https://contract.local/schemas/${name}`;

/** Rewrites `#/components/schemas/X` to the id the schema is registered under. */
function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/') ? schemaId(v.slice('#/components/schemas/'.length)) : rewriteRefs(v)]));
  }
  return node;
}

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addVocabulary(['example', 'xml']);
  for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) ajv.addSchema({ ...rewriteRefs(schema), $id: schemaId(name) });
  return ajv;
}
export const ajv = createAjv();

const lookup = localLookup(doc);
/** Resolves a local `$ref` in the bundled document (the build's resolver). */
export function deref<T = Json>(node: Json): T {
  return derefNode<T>(node, lookup);
}

/** Compiles an inline or referenced schema of the document. */
export function compileSchema(schema: Json): ValidateFunction {
  return ajv.compile(rewriteRefs(schema));
}

export interface OperationInfo { pathKey: string; method: string; action: string; op: Json }
export const operations: OperationInfo[] = Object.entries<Json>(doc.paths).flatMap(([pathKey, item]) =>
  Object.entries<Json>(item).map(([method, op]) => ({ pathKey, method, action: op.operationId as string, op })));

export function operation(action: string): Json {
  const found = operations.find((o) => o.action === action);
  if (!found) throw new Error(`no operation ${action}`);
  return found.op;
}

export interface MediaExample { action: string; status: string; mediaType: string; name: string; example: Json; schema: Json }
/** Every named example of every response of every operation. */
export const responseExamples: MediaExample[] = operations.flatMap(({ action, op }) =>
  Object.entries<Json>(op.responses).flatMap(([status, rawResponse]) =>
    Object.entries<Json>(deref(rawResponse).content ?? {}).flatMap(([mediaType, media]) =>
      Object.entries<Json>(media.examples ?? {}).map(([name, ex]) => ({ action, status, mediaType, name, example: deref(ex), schema: media.schema })))));

/** The documented error codes of an action, by HTTP status, from its JSON examples. */
export function errorCodes(action: string): { status: number; code: string; message: string; example: Json }[] {
  return responseExamples
    .filter((e) => e.action === action && Number(e.status) >= 400 && e.mediaType === 'application/json')
    .map((e) => ({ status: Number(e.status), code: e.name, message: e.example.value.Message, example: e.example }));
}

const xmlParser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });
/** Parses an XML body into `{ root, value }`, value being what its JSON twin holds. */
export function parseXml(text: string): { root: string; value: Json } {
  const parsed = xmlParser.parse(text);
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.join(', ')}`);
  const body = parsed[roots[0]!];
  return { root: roots[0]!, value: body === '' ? {} : body };
}
