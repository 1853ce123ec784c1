/**
 * Writes the contract model, generated/<Product>-<version>/model.ts per API and generated/contract.ts, the contract
 * value that indexes them (with its types, generated/contract-types.ts): everything code needs
 * to know of the contract at run time, read from the published description once, at build time. Per action: its own
 * parameters (schema, required, x-acs-errors, x-acs-site-rules), its x-acs-request-rules, its error catalogue, its
 * quota and every named response example rendered as the mock sends it; for all: the common routing and signing
 * parameters, the gateway's errors and the error precedence. The client, mock, emulator, docs build and tests read
 * this model; nothing parses the contract at run time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XML_DECLARATION, xmlElement, xmlEscape } from '../packages/mock/src/frontend/render.js';
import { deref, derefDeep, localLookup, type Lookup } from './contract/deref.js';
import type { ActionRules, ContractRules, ExampleModel, Quota, ResponseModel, Site } from './templates/contract-types.js';
import { apiFile, apiIndex, copyTemplate, generatedDir, type ApiIndexEntry } from './paths.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const JSON_MEDIA = 'application/json';
const XML_MEDIA = 'text/xml';

/** A schema as code checks it: references inlined, prose and examples left out. */
function ruleSchema(node: Json, lookup: Lookup): Json {
  const n = derefDeep(node, lookup);
  const strip = (v: Json): Json => Array.isArray(v) ? v.map(strip)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !['example', 'examples', 'description'].includes(k)).map(([k, x]) => [k, strip(x)]))
      : v;
  return strip(n);
}

function template(text: string, requestId: string, where: string): readonly string[] {
  const parts = text.split(requestId);
  if (parts.length < 2) throw new Error(`${where}: the example's RequestId ${requestId} does not occur in its body`);
  return parts;
}

function quotaOf(op: Json): Quota | undefined {
  const q = op['x-acs-quota'];
  if (q === undefined) return undefined;
  const where = `${op.operationId} x-acs-quota`;
  if (!Number.isInteger(q?.limit) || q.limit < 1) throw new Error(`${where}: limit must be a positive integer`);
  if (q.period !== 'day') throw new Error(`${where}: the emulator counts per UTC day only (period: day), not ${String(q.period)}`);
  if (q.scope !== 'account') throw new Error(`${where}: the emulator counts per account only (scope: account), not ${String(q.scope)}`);
  if (typeof q.error !== 'string' || q.error === '') throw new Error(`${where}: no error code`);
  return { limit: q.limit, period: 'day', scope: 'account', error: q.error };
}

/** Every named example of an operation, JSON and XML (the contract's XML twin, or the JSON serialised), by status. */
function examplesOf(op: Json, lookup: Lookup): { examples: ExampleModel[]; xmlRoot: string } {
  const action: string = op.operationId;
  const examples: ExampleModel[] = [];
  let xmlRoot = `${action}Response`;
  for (const [statusKey, rawResponse] of Object.entries<Json>(op.responses ?? {})) {
    const status = Number(statusKey);
    const content = deref(rawResponse, lookup).content ?? {};
    const jsonMedia = content[JSON_MEDIA];
    if (!jsonMedia) continue;
    const root: string = deref(jsonMedia.schema ?? {}, lookup).xml?.name ?? (status < 400 ? `${action}Response` : 'Error');
    if (status < 300) xmlRoot = root;
    for (const [name, rawExample] of Object.entries<Json>(jsonMedia.examples ?? {})) {
      const ex = deref(rawExample, lookup);
      const value = ex.value;
      const where = `${action} ${status} ${name}`;
      if (!value || typeof value !== 'object' || typeof value.RequestId !== 'string') throw new Error(`${where}: example has no RequestId`);
      if (examples.some((e) => e.name === name)) throw new Error(`${where}: example name used twice in ${action}`);
      const requestId: string = value.RequestId;
      const xmlEx = content[XML_MEDIA]?.examples?.[name] ? deref(content[XML_MEDIA].examples[name], lookup) : undefined;
      const xmlText = typeof xmlEx?.value === 'string' ? XML_DECLARATION + xmlEx.value.trim() : XML_DECLARATION + xmlElement(root, value);
      const isError = status >= 400;
      const siteMessages: ExampleModel['siteMessages'] = isError ? ex['x-acs-site-messages'] : undefined;
      const bySite: { [site in Site]?: { json: readonly string[]; xml: readonly string[] } } = {};
      for (const [site, msg] of Object.entries(siteMessages ?? {}) as [Site, string][]) {
        const sited = { ...value, Message: msg };
        const oldTag = `<Message>${xmlEscape(value.Message)}</Message>`;
        const rawTag = `<Message>${value.Message}</Message>`;
        const tag = xmlText.includes(oldTag) ? oldTag : xmlText.includes(rawTag) ? rawTag : undefined;
        const xml = tag ? xmlText.replace(tag, () => `<Message>${xmlEscape(msg)}</Message>`) : XML_DECLARATION + xmlElement(root, sited);
        bySite[site] = { json: template(JSON.stringify(sited), requestId, where), xml: template(xml, requestId, `${where} (${site})`) };
      }
      examples.push({
        name,
        status,
        ...(isError ? { code: String(value.Code), message: String(value.Message) } : {}),
        ...(siteMessages ? { siteMessages } : {}),
        json: template(JSON.stringify(value), requestId, where),
        xml: template(xmlText, requestId, `${where} (XML)`),
        ...(siteMessages ? { bySite } : {}),
      });
    }
  }
  if (!examples.some((e) => e.status < 300)) throw new Error(`${action}: no success example`);
  return { examples, xmlRoot };
}

/** Each documented response of an operation: media types, the JSON form's schema, the XML root. */
function responsesOf(op: Json, lookup: Lookup): Record<string, ResponseModel> {
  return Object.fromEntries(Object.entries<Json>(op.responses ?? {}).map(([status, raw]) => {
    const content = deref(raw, lookup).content ?? {};
    const schema = content[JSON_MEDIA]?.schema ?? {};
    const xmlRoot: string | undefined = deref(schema, lookup)?.xml?.name;
    return [status, { mediaTypes: Object.keys(content), schema, ...(xmlRoot ? { xmlRoot } : {}) }];
  }));
}

export function buildModel(doc: Json): ContractRules {
  const lookup = localLookup(doc);
  const common = doc['x-acs-common-parameters'] ?? {};
  const commonNames = new Set<string>([...(common.before ?? []), ...(common.after ?? [])]);
  const commonParameters = {
    routing: [] as string[],
    signing: { 'HMAC-SHA1': [] as string[], 'ACS3-HMAC-SHA256': [] as string[] },
    signingRequired: { 'HMAC-SHA1': [] as string[], 'ACS3-HMAC-SHA256': [] as string[] },
  };
  const actions: Record<string, ActionRules> = {};
  for (const [pathKey, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const action = op.operationId as string;
      const params = (op.parameters as Json[]).map((p) => deref(p, lookup));
      for (const p of params.filter((x) => commonNames.has(x.name))) {
        const style = p['x-acs-signing'] as keyof typeof commonParameters.signing | undefined;
        const list: string[] = style ? commonParameters.signing[style] : commonParameters.routing;
        if (list.includes(p.name)) continue;
        list.push(p.name);
        if (style && p['x-acs-errors']?.missing) commonParameters.signingRequired[style].push(p.name);
      }
      const errors: Record<string, Json> = {};
      for (const [status, resp] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400) continue;
        for (const [name, ex] of Object.entries<Json>(deref(resp, lookup).content?.[JSON_MEDIA]?.examples ?? {})) {
          const e = deref(ex, lookup);
          errors[name] = { status: Number(status), message: e.value.Message, ...(e['x-acs-site-messages'] ? { siteMessages: e['x-acs-site-messages'] } : {}) };
        }
      }
      const quota = quotaOf(op);
      if (quota && !(quota.error in errors)) throw new Error(`${action} x-acs-quota: ${quota.error} is not a documented error of the action`);
      actions[action] = {
        action,
        method: method.toUpperCase(),
        pathKey,
        deprecated: op.deprecated === true,
        parameters: params.filter((p) => !commonNames.has(p.name)).map((p) => ({
          name: p.name,
          required: p.required === true,
          schema: ruleSchema(p.schema, lookup),
          errors: p['x-acs-errors'] ?? {},
          ...(p['x-acs-site-rules'] ? { siteRules: Object.fromEntries(Object.entries<Json>(p['x-acs-site-rules']).map(([site, r]) => [site, { schema: r.schema, error: r.error, ...(r.suffix ? { suffix: r.suffix } : {}) }])) } : {}),
        })),
        requestRules: (op['x-acs-request-rules'] ?? []).map((r: Json) => ({ id: r.id, if: r.if, then: r.then })),
        errors,
        ...(quota ? { quota } : {}),
        ...examplesOf(op, lookup),
        responses: responsesOf(op, lookup),
      };
    }
  }
  return {
    api: `${doc['x-acs-rpc'].product}/${doc.info.version}`,
    version: doc.info.version,
    product: doc['x-acs-rpc'].product,
    endpoint: doc['x-acs-rpc'].endpoint,
    commonParameters,
    gatewayErrors: doc['x-acs-gateway-errors'] ?? {},
    errorPrecedence: (doc['x-acs-error-precedence']?.order ?? []).map((s: Json) => ({ step: s.step, errors: s.errors ?? [] })),
    schemas: doc.components?.schemas ?? {},
    actions,
  };
}

/** The build's own reading of each API's model, for later build steps (they import this, never the contract). */
export const readModel = (api: ApiIndexEntry): ContractRules => buildModel(JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8')));

const identifier = (folder: string) => folder.replace(/[^A-Za-z0-9]/g, '');

export async function generate(): Promise<string[]> {
  const types = copyTemplate('contract-types.ts');
  const written = [types];
  const apis = apiIndex();
  for (const api of apis) {
    const model = readModel(api);
    writeFileSync(apiFile(api, 'model.ts'), [
      `// Generated by scripts/gen-15-rules.ts from generated/${api.folder}/openapi.json. Do not edit.`,
      `// The contract model of ${api.id}: what code knows of the contract at run time (see scripts/templates/contract-types.ts).`,
      "import type { ContractRules } from '../contract-types.js';",
      '',
      `export const model = ${JSON.stringify(model, null, 2)} as const satisfies ContractRules;`,
      '',
    ].join('\n'));
    written.push(`generated/${api.folder}/model.ts`);
  }
  // The index: the contract value (every API's model by id, and the default: the first of x-acs-apis), and every
  // API's action types as a namespace (written by gen-20-client.ts).
  writeFileSync(join(generatedDir, 'contract.ts'), [
    '// Generated by scripts/gen-15-rules.ts. Do not edit.',
    '// The contract: every API\'s model by id (`<Product>/<version>`), the default API, and every API\'s action types.',
    ...apis.map((api) => `import { model as ${identifier(api.folder)} } from './${api.folder}/model.js';`),
    '// The schemas the parameter validator checks, compiled ahead of time (written by gen-17-checks.ts).',
    "import { schemaChecks } from './schema-checks.js';",
    '',
    ...apis.map((api) => `export * as ${identifier(api.folder)} from './${api.folder}/action-types.js';`),
    '// The default API\'s action and openapi-typescript types, also at the top level.',
    `export type * from './${apis[0]!.folder}/action-types.js';`,
    `export type { components, operations, paths } from './${apis[0]!.folder}/types.js';`,
    "export type * from './contract-types.js';",
    '',
    `export const apis = {\n${apis.map((api) => `  ${JSON.stringify(api.id)}: ${identifier(api.folder)},`).join('\n')}\n} as const;`,
    '',
    'export type ApiName = keyof typeof apis;',
    `export const apiNames = Object.keys(apis) as ApiName[];`,
    `export const defaultApi = ${JSON.stringify(apis[0]!.id)} satisfies ApiName;`,
    '/** The default API\'s model; what every API shares (common parameters, error precedence, site rules) is read here. */',
    'export const rules = apis[defaultApi];',
    '',
    '/** Every action of any API. */',
    'export type ActionName = { [A in ApiName]: keyof (typeof apis)[A][\'actions\'] }[ApiName];',
    'export const actionNames = [...new Set(apiNames.flatMap((api) => Object.keys(apis[api].actions)))] as ActionName[];',
    '',
    '/**',
    ' * The contract as one value: every API\'s model, by id, the API used when a caller names none, and the checks of',
    ' * the schemas its parameters are validated with (by JSON text).',
    ' */',
    'export const contract = { apis, defaultApi, schemaChecks } as const;',
    'export { schemaChecks };',
    "export type { SchemaCheck } from './schema-checks.js';",
    'export type Contract = typeof contract;',
    '',
    '/** Where the published descriptions lie: `new URL(\'<Product>-<version>/openapi.json\', contractFiles)`. */',
    "export const contractFiles = new URL('./', import.meta.url);",
    '',
    ...apis.map((api) => `import type * as ${identifier(api.folder)}Surface from './${api.folder}/action-types.js';`),
    '/** Each API\'s per-action types and openapi-typescript paths. */',
    `export interface ApiSurfaces {\n${apis.map((api) => `  ${JSON.stringify(api.id)}: { types: ${identifier(api.folder)}Surface.ActionTypes; paths: import('./${api.folder}/types.js').paths };`).join('\n')}\n}`,
    '',
    '/** What the client needs at run time about each action, per API. */',
    ...apis.map((api) => `import { clientActions as ${identifier(api.folder)}Actions } from './${api.folder}/action-types.js';`),
    `export const clientActionsByApi = {\n${apis.map((api) => `  ${JSON.stringify(api.id)}: ${identifier(api.folder)}Actions,`).join('\n')}\n} as const;`,
    '',
  ].join('\n'));
  written.push('generated/contract.ts');
  return written;
}
