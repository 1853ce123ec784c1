/**
 * Writes generated/<Product>-<version>/action-types.ts: the typed client's per-action surface, from the API's
 * published description (generated/contract.ts, written by the step before, indexes them).
 *
 * Per action (operationId = action name):
 * - `<Action>Params`: the action's own query parameters by wire name, picked from
 *   generated/<Product>-<version>/types.ts
 *   (`operations[A]['parameters']['query']`) minus the common routing and signing ones: the action's own
 *   parameters of the contract model (generated/<Product>-<version>/model.ts, written by the step before); each of
 *   its `x-acs-request-rules` ("with EnableMode NewManagementAccount, MAName, ... are required") makes it a union.
 * - `<Action>Data`: the JSON body of the 200 response.
 * - `<Action>ErrorCode` / `<Action>Error`: every documented error code of the action (the named examples of its
 *   4xx/5xx responses) and the union of error bodies discriminated by a literal `Code`.
 * - `<Action>ValidationCode`: the codes the client refuses a call with before sending (its parameter rules' codes).
 * - an entry of `ActionTypes` (params, data, error, validationCode), documented as the client's method of that name
 *   is: the client (packages/client) maps `ActionTypes` to its methods, which keep these comments.
 * - `clientActions`: what the client needs at run time (path key, method, parameter names, error codes).
 *
 * The output depends only on the API's openapi.json (contract order, no dates), so building twice gives the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ApiModel } from './templates/contract-types.js';
import { apiFile, apiIndex } from './paths.js';

import type { Json } from './contract/json.js';

const lit = (s: string): string => JSON.stringify(s);
const IDENT = /^[A-Za-z][A-Za-z0-9]*$/;

/** A JSDoc block from plain text (no `*\/` can close it early). */
function jsdoc(lines: string[], indent = ''): string {
  const body = lines
    .flatMap((l) => l.split('\n'))
    .map((l) => `${indent} *${l ? ' ' + l.replace(/\*\//g, '*\\/') : ''}`);
  return [`${indent}/**`, ...body, `${indent} */`].join('\n');
}

/**
 * The codes packages/client/src/protocol/validate.ts and packages/client/src/wire.ts can refuse a call of the action
 * with, each with where it comes from: a missing required parameter (its `missing` code, else MissingParameter), a
 * broken schema (its `invalid` code, else InvalidParameter), a site rule (its code), a parameter a request rule
 * requires (its `missing` code, else InvalidParameter), and InvalidParameter for a name the action does not have.
 */
function validationCodes(action: string, a: Json): Map<string, string> {
  const out = new Map<string, string>([['InvalidParameter', 'unknown parameter']]);
  const add = (code: string, where: string) => out.has(code) || out.set(code, where);
  for (const p of a.parameters) {
    if (p.required) add(p.errors.missing ?? 'MissingParameter', p.name);
    add(p.errors.invalid ?? 'InvalidParameter', p.name);
    for (const r of Object.values<Json>(p.siteRules ?? {})) add(r.error, p.name);
  }
  for (const r of a.requestRules) {
    for (const n of r.then?.required ?? []) {
      const p = a.parameters.find((x: Json) => x.name === n);
      if (!p)
        throw new Error(
          `gen-20-client: ${action}'s request rule ${r.id} requires ${n}, which is not a parameter of it`,
        );
      add(p.errors.missing ?? 'InvalidParameter', n);
    }
  }
  return out;
}

/**
 * A request rule (`x-acs-request-rules`: when one parameter has a value, others are required) as the two branches of
 * a union: that value with the others required, or any other value. The one shape the rules have: `if` requires one
 * parameter and gives it a `const`; `then` lists required parameters.
 */
function ruleBranches(
  action: string,
  rule: Json,
  query: string,
  required: ReadonlySet<string>,
): { type: string; doc: string } {
  const keys = Object.keys(rule.if?.properties ?? {});
  const key = keys[0];
  const value = key === undefined ? undefined : rule.if.properties[key]?.const;
  const then: string[] = rule.then?.required ?? [];
  if (
    keys.length !== 1 ||
    typeof value !== 'string' ||
    JSON.stringify(rule.if.required) !== JSON.stringify(keys) ||
    then.length === 0 ||
    Object.keys(rule.then).some((k) => !['type', 'required'].includes(k))
  ) {
    throw new Error(
      `gen-20-client: ${action}'s request rule ${rule.id} is not "if <parameter> is <value>, <parameters> are` +
        ` required": the client's types cannot say it`,
    );
  }
  const other = `Exclude<${query}[${lit(key!)}], ${lit(value)}>`;
  return {
    type:
      `(\n    | ({ ${key}: ${lit(value)} } & Required<Pick<${query}, ${then.map(lit).join(' | ')}>>)\n    | {` +
      ` ${key}${required.has(key!) ? '' : '?'}: ${other} }\n  )`,
    doc: `With ${key} ${value}, ${then.join(', ')} are required too (x-acs-request-rules ${rule.id}).`,
  };
}

export function renderClient(doc: Json, model: ApiModel): string {
  const { version, actions } = model;
  const api = `${model.product}/${version}`;
  const ops = new Map<string, Json>();
  for (const item of Object.values<Json>(doc.paths))
    for (const op of Object.values<Json>(item)) ops.set(op.operationId, op);

  const out: string[] = [];
  out.push(
    `// Generated by scripts/gen-20-client.ts from generated/${model.product}-${version}/openapi.json. Do not edit.`,
    "// The typed client's per-action surface: parameter, data and error types, and the method of each action.",
    "import type { components, operations } from './types.js';",
    '',
    `/** The API these actions belong to, and its version. */`,
    `export const api = ${lit(api)} as const;`,
    `export const apiVersion = ${lit(version)} as const;`,
    '',
    "/** The fields every error body has besides `Code` (from the contract's `ErrorResponse`). */",
    "export type ErrorBase = Omit<components['schemas']['ErrorResponse'], 'Code'>;",
    '',
    "/** One error body per code: `ErrorBody<'A' | 'B'>` is `(ErrorBase & { Code: 'A' }) | (ErrorBase & { Code: 'B'" +
      ' })`. */',
    'export type ErrorBody<C extends string> = C extends string ? ErrorBase & { Code: C } : never;',
    '',
  );

  const table: string[] = [];
  const typeMap: string[] = [];
  for (const [name, a] of Object.entries<Json>(actions)) {
    if (!IDENT.test(name)) throw new Error(`gen-20-client: action name ${name} is not an identifier`);
    const op = ops.get(name);
    if (op.requestBody)
      throw new Error(`gen-20-client: ${name} has a request body; RPC actions take query parameters only`);
    const method = String(a.method);
    const paramNames: string[] = a.parameters.map((p: Json) => p.name as string);
    const required = a.parameters.some((p: Json) => p.required);
    const codes = Object.keys(a.errors);
    if (codes.length === 0) throw new Error(`gen-20-client: ${name} documents no error`);
    // Every code a parameter rule answers with must be a documented error of the action, or the union would lie.
    const ruleCodes = validationCodes(name, a);
    for (const [c, where] of ruleCodes)
      if (!codes.includes(c))
        throw new Error(`gen-20-client: ${name}.${where} answers ${c}, which the action does not document`);
    const ok = op.responses?.['200']?.content?.['application/json'];
    if (!ok) throw new Error(`gen-20-client: ${name} has no application/json 200 response`);

    const q = `${name}Query`;
    out.push(`// ---------------------------------------------------------------------------------------------`);
    out.push(`// ${name}${a.deprecated ? ' (deprecated)' : ''}`);
    out.push(`// ---------------------------------------------------------------------------------------------`);
    out.push('');
    if (paramNames.length) {
      out.push(
        jsdoc([`Every query parameter of ${name}, by wire name (openapi-typescript's), the common ones included.`]),
      );
      out.push(`type ${q} = operations[${lit(name)}]['parameters']['query'];`);
      out.push('');
    }
    const rules = a.requestRules.map((r: Json) =>
      ruleBranches(name, r, q, new Set(a.parameters.filter((p: Json) => p.required).map((p: Json) => p.name))),
    );
    out.push(
      jsdoc([
        `The parameters of ${name}, by wire name${paramNames.length ? '' : ' (it has none)'}.`,
        ...rules.map((r: { doc: string }) => r.doc),
      ]),
    );
    out.push(
      paramNames.length
        ? `export type ${name}Params = Pick<${q}, ${paramNames.map(lit).join(' | ')}>${rules
            .map(
              (r: { type: string }) => ` &
  ${r.type}`,
            )
            .join('')};`
        : `export type ${name}Params = Record<string, never>;`,
    );
    out.push('');
    out.push(jsdoc([`The JSON body of a successful ${name}.`]));
    out.push(`export type ${name}Data = operations[${lit(name)}]['responses'][200]['content']['application/json'];`);
    out.push('');
    out.push(jsdoc([`Every error code documented for ${name} (gateway and action errors).`]));
    out.push(`export type ${name}ErrorCode =\n${codes.map((c) => `  | ${lit(c)}`).join('\n')};`);
    out.push('');
    out.push(
      jsdoc([
        `An error body of ${name}: a union discriminated by \`Code\`, so \`switch (error.Code)\` can be exhaustive.`,
      ]),
    );
    out.push(`export type ${name}Error = ErrorBody<${name}ErrorCode>;`);
    out.push('');
    out.push(
      jsdoc([
        `The code of a ResourceDirectoryValidationError the client throws for ${name} before sending: the documented` +
          ` errors`,
        'its parameter rules answer with (InvalidParameter also for a parameter it does not have).',
      ]),
    );
    out.push(
      `export type ${name}ValidationCode =\n${codes
        .filter((c) => ruleCodes.has(c))
        .map((c) => `  | ${lit(c)}`)
        .join('\n')};`,
    );
    out.push('');

    table.push(
      `  ${name}: {`,
      `    pathKey: ${lit(a.pathKey)},`,
      `    method: ${lit(method)},`,
      `    deprecated: ${a.deprecated ? 'true' : 'false'},`,
      `    parameters: [${paramNames.map(lit).join(', ')}],`,
      `    paramsRequired: ${required ? 'true' : 'false'},`,
      `    errorCodes: [${codes.map(lit).join(', ')}],`,
      `  },`,
    );
    const doc: string[] = [String(op.summary ?? name), ''];
    doc.push(
      `Sends \`${method} /\` with action \`${name}\` (${model.product} ${version}), signed. Resolves with \`{ data,` +
        ` response }\` or`,
      `\`{ error, response }\` where \`error\` is one of the documented ${name} errors; rejects with a`,
      '`ResourceDirectoryClientError` when nothing could be sent (invalid parameters, missing credentials) or no',
      'documented answer came back (timeout, network failure, undocumented response).',
    );
    if (a.deprecated) doc.push('', `@deprecated ${name} is deprecated in the contract: ${String(op.summary ?? '')}`);
    typeMap.push(jsdoc(doc, '  '));
    typeMap.push(
      `  ${name}: { params: ${name}Params; data: ${name}Data; error: ${name}Error; validationCode:` +
        ` ${name}ValidationCode };`,
    );
  }

  out.push('// ---------------------------------------------------------------------------------------------');
  out.push('// Every action');
  out.push('// ---------------------------------------------------------------------------------------------');
  out.push('');
  out.push(jsdoc(['What the client needs at run time about each action, from the contract.']));
  out.push(`export const clientActions = {\n${table.join('\n')}\n} as const;`);
  out.push('');
  out.push('export type ClientActionName = keyof typeof clientActions;');
  out.push('');
  out.push(
    jsdoc([
      'Parameter, data, error and validation-code types of every action, by action name (each documented as the' +
        " client's method).",
    ]),
  );
  out.push(`export interface ActionTypes {\n${typeMap.join('\n')}\n}`);
  out.push('');
  return out.join('\n');
}

export async function generate(): Promise<string[]> {
  const written: string[] = [];
  const apis = apiIndex();
  for (const api of apis) {
    const doc = JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8'));
    // The model as the previous step wrote it (generated/<api>/model.ts).
    const { model } = (await import(pathToFileURL(apiFile(api, 'model.ts')).href)) as { model: ApiModel };
    writeFileSync(apiFile(api, 'action-types.ts'), renderClient(doc, model));
    written.push(`generated/${api.folder}/action-types.ts`);
  }
  return written;
}
