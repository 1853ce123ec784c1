/**
 * The published contract for tests: each API's document, an ajv (draft 2020-12, strict) that knows every component
 * schema, and helpers to walk operations, responses and examples. The top-level exports are the default API's
 * (ResourceManager 2020-03-31); `contracts` has every API's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Options as AjvOptions, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { deref as derefNode, localLookup } from '../../scripts/contract/deref.js';

export type { Json } from '../../scripts/contract/json.js';
import type { Json } from '../../scripts/contract/json.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** The APIs of the last build, in the source's order (generated/apis.json); the first is the default. */
export const apiEntries: { id: string; folder: string }[] = JSON.parse(
  readFileSync(join(repoRoot, 'generated', 'apis.json'), 'utf8'),
);
/** An API's generated file, e.g. `apiFile('ResourceManager/2020-03-31', 'openapi.json')`. */
export const apiFile = (id: string, name: string): string =>
  join(repoRoot, 'generated', apiEntries.find((a) => a.id === id)!.folder, name);

const schemaId = (name: string) => `https://contract.local/schemas/${name}`;

/** Rewrites `#/components/schemas/X` to the id the schema is registered under. */
function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
          ? schemaId(v.slice('#/components/schemas/'.length))
          : rewriteRefs(v),
      ]),
    );
  }
  return node;
}

export interface OperationInfo {
  pathKey: string;
  method: string;
  action: string;
  op: Json;
}
export interface MediaExample {
  action: string;
  status: string;
  mediaType: string;
  name: string;
  example: Json;
  schema: Json;
}

/** One API's document and the helpers over it. */
export function contractOf(doc: Json) {
  const createAjv = (options: AjvOptions = {}): Ajv2020 => {
    const ajv = new Ajv2020({ strict: true, allErrors: true, ...options });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addVocabulary(['example', 'xml', 'x-acs-sources']);
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas))
      ajv.addSchema({ ...rewriteRefs(schema), $id: schemaId(name) });
    return ajv;
  };
  const ajv = createAjv();
  const lookup = localLookup(doc);
  /** Resolves a local `$ref` in the document (the build's resolver). */
  const deref = <T = Json>(node: Json): T => derefNode<T>(node, lookup);
  /** Compiles an inline or referenced schema of the document. */
  const compileSchema = (schema: Json): ValidateFunction => ajv.compile(rewriteRefs(schema));
  const operations: OperationInfo[] = Object.entries<Json>(doc.paths).flatMap(([pathKey, item]) =>
    Object.entries<Json>(item).map(([method, op]) => ({ pathKey, method, action: op.operationId as string, op })),
  );
  const operation = (action: string): Json => {
    const found = operations.find((o) => o.action === action);
    if (!found) throw new Error(`no operation ${action}`);
    return found.op;
  };
  /** Every named example of every response of every operation. */
  const responseExamples: MediaExample[] = operations.flatMap(({ action, op }) =>
    Object.entries<Json>(op.responses).flatMap(([status, rawResponse]) =>
      Object.entries<Json>(deref(rawResponse).content ?? {}).flatMap(([mediaType, media]) =>
        Object.entries<Json>(media.examples ?? {}).map(([name, ex]) => ({
          action,
          status,
          mediaType,
          name,
          example: deref(ex),
          schema: media.schema,
        })),
      ),
    ),
  );
  /** The documented error codes of an action, by HTTP status, from its JSON examples. */
  const errorCodes = (action: string): { status: number; code: string; message: string; example: Json }[] =>
    responseExamples
      .filter((e) => e.action === action && Number(e.status) >= 400 && e.mediaType === 'application/json')
      .map((e) => ({ status: Number(e.status), code: e.name, message: e.example.value.Message, example: e.example }));
  return { doc, ajv, createAjv, deref, compileSchema, operations, operation, responseExamples, errorCodes };
}

export type Contract = ReturnType<typeof contractOf>;

export type Site = 'intl' | 'china';
type Check = (value: unknown) => boolean;
export interface ActionRequest {
  /** The HTTP method of its operation, upper case. */
  readonly method: string;
  /** Its own parameters, in declared order: the operation's, without `x-acs-common-parameters.operations`. */
  readonly parameters: readonly {
    name: string;
    required: boolean;
    check: Check;
    siteChecks: Partial<Record<Site, Check>>;
  }[];
  readonly rules: readonly { id: string; when: Check; then: Check }[];
}

/**
 * What a published description (an API's openapi.json) allows in a request, compiled here with an ajv of the test's
 * own, for tests whose oracle must not be the code under test (the client's and the mock's validator, the build's
 * compiled checks). Per action: its own parameters (`Action` and `Version`, `x-acs-common-parameters.operations`,
 * are set by whatever signs the request), each present value valid for its schema and, on a site, for that site's
 * `x-acs-site-rules` schema; the required ones present; each `x-acs-request-rules` rule kept (when the present values
 * match `if`, they match `then`). An empty value counts as absent (`x-acs-error-precedence`, step `parameters`), as
 * do undefined and null, which are no value at all. A query value is text, so the schemas are compiled with ajv's
 * type coercion: a number or a boolean is valid where its text is; an object, array, symbol or bigint never is.
 */
export function requestRulesOf(c: Contract) {
  const ajv = c.createAjv({ coerceTypes: true, allErrors: false, strictRequired: false });
  const compile = (schema: Json): Check => {
    const fn = ajv.compile(rewriteRefs(schema));
    return (value) => fn(value) === true;
  };
  const common = new Set<string>(c.doc['x-acs-common-parameters']?.operations ?? []);
  const actions: Record<string, ActionRequest> = Object.fromEntries(
    c.operations.map(({ action, method, op }) => {
      const own = (op.parameters as Json[]).map((p) => c.deref(p)).filter((p) => !common.has(p.name));
      const parameters = own.map((p) => ({
        name: p.name as string,
        required: p.required === true,
        check: compile(p.schema),
        siteChecks: Object.fromEntries(
          Object.entries<Json>(p['x-acs-site-rules'] ?? {}).map(([site, r]) => [site, compile(r.schema)]),
        ),
      }));
      const rules = ((op['x-acs-request-rules'] ?? []) as Json[]).map((r) => ({
        id: r.id as string,
        when: compile(r.if),
        then: compile(r.then),
      }));
      return [action, { method: method.toUpperCase(), parameters, rules }];
    }),
  );
  const absent = (v: unknown) => v === undefined || v === null || v === '';
  /** Every rule of the description that an action's parameter values break, in words; [] when they keep them all. */
  const problems = (action: string, values: Readonly<Record<string, unknown>>, site?: Site): string[] => {
    const a = actions[action];
    if (!a) return [`${action} is not an operation`];
    const found: string[] = [];
    const present: Record<string, unknown> = {};
    for (const p of a.parameters) {
      const v = Object.hasOwn(values, p.name) ? values[p.name] : undefined;
      if (absent(v)) {
        if (p.required) found.push(`${p.name} is required`);
        continue;
      }
      present[p.name] = v;
      if (!p.check(v)) found.push(`${p.name} breaks its schema`);
      else if (site && p.siteChecks[site] && !p.siteChecks[site]!(v))
        found.push(`${p.name} breaks the ${site} site rule`);
    }
    for (const r of a.rules) if (r.when({ ...present }) && !r.then({ ...present })) found.push(`request rule ${r.id}`);
    return found;
  };
  return { actions, problems };
}

/** Every API's contract, by id (`<Product>/<version>`). */
export const contracts: Record<string, Contract> = Object.fromEntries(
  apiEntries.map((a) => [a.id, contractOf(JSON.parse(readFileSync(apiFile(a.id, 'openapi.json'), 'utf8')))]),
);

const defaultContract = contracts[apiEntries[0]!.id]!;
export const { doc, ajv, createAjv, deref, compileSchema, operations, operation, responseExamples, errorCodes } =
  defaultContract;

const xmlParser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });
/** Parses an XML body into `{ root, value }`, value being what its JSON twin holds. */
export function parseXml(text: string): { root: string; value: Json } {
  const parsed = xmlParser.parse(text);
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.join(', ')}`);
  const body = parsed[roots[0]!];
  return { root: roots[0]!, value: body === '' ? {} : body };
}
