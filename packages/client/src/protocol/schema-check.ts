/**
 * How the parameter validator (./validate.ts) checks a value against a schema of the contract: with the checks that
 * `npm run build` compiled ahead of time (scripts/gen-17-checks.ts; the contract value's `schemaChecks`), found by
 * the schema's JSON text, so the client needs no JSON Schema library at run time.
 *
 * A contract given at run time (a modified one, in a test) may hold schemas that were not compiled: a check source
 * with a `compileSchema` (the mock's, with ajv) compiles those; without one, such a schema is a TypeError naming it.
 */
import { contract, type JsonSchema, type SchemaCheck } from '@rd-contract/contract';

export type { SchemaCheck };
export type SchemaCompiler = (schema: JsonSchema) => SchemaCheck;

/** Where checks come from: the compiled ones by JSON text, and, for any other schema, a compiler. */
export interface CheckSource {
  readonly schemaChecks: Readonly<Record<string, SchemaCheck>>;
  readonly compileSchema?: SchemaCompiler;
}

/** The checks `npm run build` compiled for the contract. A contract value is a check source. */
export const compiledChecks: CheckSource = contract;

const found = new WeakMap<CheckSource, WeakMap<object, SchemaCheck>>();

/** The check of a schema (the same function for the same schema object and source). */
export function schemaCheck(schema: JsonSchema, source: CheckSource = compiledChecks): SchemaCheck {
  let bySchema = found.get(source);
  if (!bySchema) found.set(source, (bySchema = new WeakMap()));
  let check = bySchema.get(schema);
  if (!check) {
    const key = JSON.stringify(schema);
    check = Object.hasOwn(source.schemaChecks, key) ? source.schemaChecks[key] : source.compileSchema?.(schema);
    if (!check) throw new TypeError(`No compiled check for the schema ${key}: run \`npm run build\`, or give a compileSchema`);
    bySchema.set(schema, check);
  }
  return check;
}
