/**
 * How the parameter validator (./validate.ts) checks a value against a schema of the contract: with the checks that
 * `npm run build` compiled ahead of time (scripts/gen-17-checks.ts; the contract value's `schemaChecks`), found by
 * the schema's JSON text, so the client needs no JSON Schema library at run time.
 *
 * A contract given at run time (a modified one, in a test) may hold schemas that were not compiled: a check source
 * with a `compileSchema` (the mock's, with ajv: packages/mock/src/frontend/schema-compiler.ts) compiles those;
 * without one, such a schema is a TypeError naming it.
 */

/**
 * A compiled schema: true when the data is valid (ajv may coerce a wrapped value in place). The contract's
 * `SchemaCheck` has this shape; this module declares its own, as the build imports it (it stays a leaf).
 */
export type SchemaCheck = (data: unknown) => boolean;
/** Compiles a JSON Schema (a contract's `JsonSchema`) into its check. */
export type SchemaCompiler = (schema: object) => SchemaCheck;

/**
 * The options every check is compiled with, here and by the build: draft 2020-12, strict (an unknown keyword in the
 * contract is an error), the first error only (a yes or no is all the validator needs), and type coercion, as the
 * service reads every wire value as text (`"true"` is a boolean true, `"1"` a string "1").
 */
export const CHECK_OPTIONS = { allErrors: false, strict: true, coerceTypes: true } as const;

/** Where checks come from: the compiled ones by JSON text, and, for any other schema, a compiler. */
export interface CheckSource {
  readonly schemaChecks: Readonly<Record<string, SchemaCheck>>;
  readonly compileSchema?: SchemaCompiler | undefined;
}

/** The check of a schema: the compiled one with its JSON text, else the source's compiler's. */
export function schemaCheck(schema: object, source: CheckSource): SchemaCheck {
  const key = JSON.stringify(schema);
  const check = Object.hasOwn(source.schemaChecks, key) ? source.schemaChecks[key] : source.compileSchema?.(schema);
  if (!check)
    throw new TypeError(`No compiled check for the schema ${key}: run \`npm run build\`, or give a compileSchema`);
  return check;
}
