/**
 * The documented response schemas of each contract version, compiled with ajv (draft 2020-12, formats checked) in
 * two forms:
 * - as documented: what an answer must match (`response.body`);
 * - closed: the same schemas with `additionalProperties: false` on every object that lists its properties. An answer
 *   that passes the documented form but not the closed one carries fields the contract does not describe
 *   (`response.field.undocumented`, e.g. `ScpStatus` in real GetResourceDirectory answers).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ResponseModel } from '@rd-contract/contract';
import type { Json, VersionContract } from './contracts.js';

export interface SchemaProblem {
  /** JSON pointer into the body, e.g. `/ResourceDirectory/ScpStatus`. */
  readonly where: string;
  /** What the schema says, for people. */
  readonly expected: string;
  /** The value found there (undefined for a missing field). */
  readonly seen: unknown;
}

export interface BodyCheck {
  /** Breaks of the documented schema. */
  readonly errors: SchemaProblem[];
  /** Fields the schema does not describe (only when the documented schema is met). */
  readonly undocumentedFields: SchemaProblem[];
}

type Validators = { documented: ValidateFunction; closed: ValidateFunction };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

function rewriteRefs(node: Json, base: string): Json {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, base));
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
          ? `${base}${v.slice('#/components/schemas/'.length)}`
          : rewriteRefs(v, base),
      ]),
    );
  }
  return node;
}

/** The schema with `additionalProperties: false` on every object schema that lists `properties` and says nothing. */
function closeObjects(node: Json): Json {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node && typeof node === 'object') {
    const out: Json = Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, k === 'examples' || k === 'example' ? v : closeObjects(v)]),
    );
    if (
      out.properties &&
      typeof out.properties === 'object' &&
      out.additionalProperties === undefined &&
      out.unevaluatedProperties === undefined
    ) {
      out.additionalProperties = false;
    }
    return out;
  }
  return node;
}

function createAjv(contract: VersionContract, closed: boolean): { ajv: Ajv2020; base: string } {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addVocabulary(['example', 'xml']);
  const base = `https://contract.local/${contract.version}/${closed ? 'closed' : 'documented'}/schemas/`;
  for (const [name, schema] of Object.entries<Json>(contract.rules.schemas)) {
    const rewritten = rewriteRefs(schema, base);
    ajv.addSchema({ ...(closed ? closeObjects(rewritten) : rewritten), $id: `${base}${name}` });
  }
  return { ajv, base };
}

const instances = new WeakMap<
  VersionContract,
  { documented: { ajv: Ajv2020; base: string }; closed: { ajv: Ajv2020; base: string }; cache: Map<string, Validators> }
>();

/**
 * The documented response of an action for a status (its media types, schema and XML root); undefined if undocumented.
 */
export function documentedResponse(
  contract: VersionContract,
  action: string,
  status: number,
): ResponseModel | undefined {
  const responses = (
    contract.rules.actions as Readonly<
      Record<string, { responses: Readonly<Record<string, ResponseModel>> } | undefined>
    >
  )[action]?.responses;
  return responses && Object.hasOwn(responses, String(status)) ? responses[String(status)] : undefined;
}

/** The statuses documented for an action. */
export function documentedStatuses(contract: VersionContract, action: string): string[] {
  return Object.keys(
    (contract.rules.actions as Readonly<Record<string, { responses: object } | undefined>>)[action]?.responses ?? {},
  );
}

function validatorsFor(
  contract: VersionContract,
  action: string,
  status: number,
  mediaType: string,
  schema: Json,
): Validators {
  let entry = instances.get(contract);
  if (!entry) {
    entry = { documented: createAjv(contract, false), closed: createAjv(contract, true), cache: new Map() };
    instances.set(contract, entry);
  }
  const key = `${action} ${status} ${mediaType}`;
  let v = entry.cache.get(key);
  if (!v) {
    v = {
      documented: entry.documented.ajv.compile(rewriteRefs(schema, entry.documented.base)),
      closed: entry.closed.ajv.compile(closeObjects(rewriteRefs(schema, entry.closed.base))),
    };
    entry.cache.set(key, v);
  }
  return v;
}

function valueAt(body: Json, pointer: string): unknown {
  if (pointer === '') return body;
  return pointer
    .slice(1)
    .split('/')
    .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], body);
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required')
    return `required field ${String((e.params as { missingProperty: string }).missingProperty)}`;
  if (e.keyword === 'enum')
    return `one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
  if (e.keyword === 'type') return `type ${String((e.params as { type: string }).type)}`;
  if (e.keyword === 'format') return `format ${String((e.params as { format: string }).format)}`;
  if (e.keyword === 'pattern') return `pattern ${String((e.params as { pattern: string }).pattern)}`;
  return e.message ?? e.keyword;
}

/** Checks a parsed body against the schema documented for (action, status, media type). */
export function checkBody(
  contract: VersionContract,
  action: string,
  status: number,
  mediaType: string,
  schema: Json,
  body: Json,
): BodyCheck {
  const v = validatorsFor(contract, action, status, mediaType, schema);
  if (!v.documented(body)) {
    const errors = (v.documented.errors ?? []).map((e) => {
      const where =
        e.keyword === 'required'
          ? `${e.instancePath}/${String((e.params as { missingProperty: string }).missingProperty)}`
          : e.instancePath;
      return {
        where: where || '/',
        expected: describe(e),
        seen: e.keyword === 'required' ? undefined : valueAt(body, e.instancePath),
      };
    });
    return { errors, undocumentedFields: [] };
  }
  if (v.closed(body)) return { errors: [], undocumentedFields: [] };
  const undocumentedFields = (v.closed.errors ?? [])
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const where = `${e.instancePath}/${name}`;
      return {
        where,
        expected: `no field ${name}: the contract describes ${e.instancePath || 'the body'} without it`,
        seen: valueAt(body, where),
      };
    });
  return { errors: [], undocumentedFields };
}
