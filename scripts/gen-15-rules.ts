/**
 * Writes the contract value, generated/contract.ts (with its types, generated/contract-types.ts): everything code needs
 * to know of the contract at run time, read from the published descriptions once, at build time.
 * - generated/shared.ts: what every API shares (the common routing and signing parameters, the gateway's errors, the
 *   error precedence); the build fails when the APIs' descriptions disagree on any of it.
 * - generated/<Product>-<version>/model.ts, per API: per action its own parameters (schema, required, x-acs-errors,
 *   x-acs-site-rules), its x-acs-request-rules, its error catalogue, its quota and every named response example
 *   rendered as the mock sends it.
 * - generated/contract.ts: `contract = { shared, apis, defaultApi }` (the default: the first of x-acs-apis) and the
 *   types. The client, mock, emulator, docs build and tests are given this value; nothing parses the contract at run
 *   time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XML_DECLARATION, xmlElement, xmlEscape } from '../packages/mock/src/frontend/render.js';
import { deref, derefDeep, localLookup, type Lookup } from './contract/deref.js';
import type {
  ActionRules,
  ApiModel,
  ContractModel,
  ExampleModel,
  Quota,
  ResponseModel,
  SharedRules,
  Site,
} from './templates/contract-types.js';
import { apiFile, apiIndex, copyTemplate, generatedDir, type ApiIndexEntry } from './paths.js';

import type { Json } from './contract/json.js';

const JSON_MEDIA = 'application/json';
const XML_MEDIA = 'text/xml';

/** A schema without its extensions (`x-acs-sources`: where a constraint comes from is for readers, not for code). */
const withoutExtensions = (v: Json): Json => withoutKeys(v, () => false);

/** `v` with, at every depth, the extensions and the keys `drop` names left out. */
function withoutKeys(v: Json, drop: (key: string) => boolean): Json {
  if (Array.isArray(v)) return v.map((x) => withoutKeys(x, drop));
  if (!v || typeof v !== 'object') return v;
  const kept = Object.entries(v).filter(([k]) => !k.startsWith('x-') && !drop(k));
  return Object.fromEntries(kept.map(([k, x]) => [k, withoutKeys(x, drop)]));
}

/** A schema as code checks it: references inlined, prose, examples and extensions left out. */
function ruleSchema(node: Json, lookup: Lookup): Json {
  return withoutKeys(derefDeep(node, lookup), (k) => ['example', 'examples', 'description'].includes(k));
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
  if (q.period !== 'day')
    throw new Error(`${where}: the emulator counts per UTC day only (period: day), not ${String(q.period)}`);
  if (q.scope !== 'account')
    throw new Error(`${where}: the emulator counts per account only (scope: account), not ${String(q.scope)}`);
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
    const root: string =
      deref(jsonMedia.schema ?? {}, lookup).xml?.name ?? (status < 400 ? `${action}Response` : 'Error');
    if (status < 300) xmlRoot = root;
    for (const [name, rawExample] of Object.entries<Json>(jsonMedia.examples ?? {})) {
      const ex = deref(rawExample, lookup);
      const value = ex.value;
      const where = `${action} ${status} ${name}`;
      if (!value || typeof value !== 'object' || typeof value.RequestId !== 'string')
        throw new Error(`${where}: example has no RequestId`);
      if (examples.some((e) => e.name === name)) throw new Error(`${where}: example name used twice in ${action}`);
      const requestId: string = value.RequestId;
      const xmlEx = content[XML_MEDIA]?.examples?.[name] ? deref(content[XML_MEDIA].examples[name], lookup) : undefined;
      const xmlText =
        typeof xmlEx?.value === 'string'
          ? XML_DECLARATION + xmlEx.value.trim()
          : XML_DECLARATION + xmlElement(root, value);
      const isError = status >= 400;
      const siteMessages: ExampleModel['siteMessages'] = isError ? ex['x-acs-site-messages'] : undefined;
      const bySite: { [site in Site]?: { json: readonly string[]; xml: readonly string[] } } = {};
      for (const [site, msg] of Object.entries(siteMessages ?? {}) as [Site, string][]) {
        const sited = { ...value, Message: msg };
        const oldTag = `<Message>${xmlEscape(value.Message)}</Message>`;
        const rawTag = `<Message>${value.Message}</Message>`;
        const tag = xmlText.includes(oldTag) ? oldTag : xmlText.includes(rawTag) ? rawTag : undefined;
        const xml = tag
          ? xmlText.replace(tag, () => `<Message>${xmlEscape(msg)}</Message>`)
          : XML_DECLARATION + xmlElement(root, sited);
        bySite[site] = {
          json: template(JSON.stringify(sited), requestId, where),
          xml: template(xml, requestId, `${where} (${site})`),
        };
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
  return Object.fromEntries(
    Object.entries<Json>(op.responses ?? {}).map(([status, raw]) => {
      const content = deref(raw, lookup).content ?? {};
      const schema = content[JSON_MEDIA]?.schema ?? {};
      const xmlRoot: string | undefined = deref(schema, lookup)?.xml?.name;
      return [status, { mediaTypes: Object.keys(content), schema, ...(xmlRoot ? { xmlRoot } : {}) }];
    }),
  );
}

/**
 * The common parameters: the operations' (Action, Version) and the request's (Format) are routing; each security
 * scheme's `x-acs-parameters` are its signing style's, required when they name a code for a missing one.
 */
function commonParametersOf(doc: Json): SharedRules['commonParameters'] {
  const common = doc['x-acs-common-parameters'] ?? {};
  const commonParameters = {
    routing: [...(common.operations ?? []), ...(common.request ?? []).map((p: Json) => p.name)] as string[],
    signing: { 'HMAC-SHA1': [] as string[], 'ACS3-HMAC-SHA256': [] as string[] },
    signingRequired: { 'HMAC-SHA1': [] as string[], 'ACS3-HMAC-SHA256': [] as string[] },
  };
  for (const [style, scheme] of Object.entries<Json>(doc.components?.securitySchemes ?? {})) {
    if (!(style in commonParameters.signing)) {
      throw new Error(`security scheme ${style} is not a signing style the model knows`);
    }
    const key = style as keyof typeof commonParameters.signing;
    for (const p of scheme['x-acs-parameters'] ?? []) {
      if (p['x-acs-signing'] !== style) {
        throw new Error(`${style}: signing parameter ${p.name} says x-acs-signing ${p['x-acs-signing']}`);
      }
      commonParameters.signing[key].push(p.name);
      if (p['x-acs-errors']?.missing) commonParameters.signingRequired[key].push(p.name);
    }
  }
  return commonParameters;
}

/** The names of the common parameters: routing and signing, not an action's own. */
function commonNames(doc: Json): Set<string> {
  const { routing, signing } = commonParametersOf(doc);
  return new Set<string>([...routing, ...Object.values(signing).flat()]);
}

/** What an API's description says every API shares: its common parameters, gateway errors and error precedence. */
export function buildShared(doc: Json): SharedRules {
  return {
    commonParameters: commonParametersOf(doc),
    gatewayErrors: doc['x-acs-gateway-errors'] ?? {},
    errorPrecedence: (doc['x-acs-error-precedence']?.order ?? []).map((s: Json) => ({
      step: s.step,
      errors: s.errors ?? [],
    })),
  };
}

/** One API's model: its identity, endpoint, schemas and every action (its own parameters, rules, errors, examples). */
export function buildApiModel(doc: Json): ApiModel {
  const lookup = localLookup(doc);
  const names = commonNames(doc);
  const actions: Record<string, ActionRules> = {};
  for (const [pathKey, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const action = op.operationId as string;
      const params = (op.parameters as Json[]).map((p) => deref(p, lookup));
      const errors: Record<string, Json> = {};
      for (const [status, resp] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400) continue;
        for (const [name, ex] of Object.entries<Json>(deref(resp, lookup).content?.[JSON_MEDIA]?.examples ?? {})) {
          const e = deref(ex, lookup);
          const sites = e['x-acs-site-messages'] ? { siteMessages: e['x-acs-site-messages'] } : {};
          errors[name] = { status: Number(status), message: e.value.Message, ...sites };
        }
      }
      const quota = quotaOf(op);
      if (quota && !(quota.error in errors)) {
        throw new Error(`${action} x-acs-quota: ${quota.error} is not a documented error of the action`);
      }
      actions[action] = {
        action,
        method: method.toUpperCase(),
        pathKey,
        deprecated: op.deprecated === true,
        parameters: params
          .filter((p) => !names.has(p.name))
          .map((p) => ({
            name: p.name,
            required: p.required === true,
            schema: ruleSchema(p.schema, lookup),
            errors: p['x-acs-errors'] ?? {},
            ...(p['x-acs-site-rules'] ? { siteRules: siteRulesOf(p['x-acs-site-rules']) } : {}),
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
    schemas: withoutExtensions(doc.components?.schemas ?? {}),
    actions,
  };
}

function siteRulesOf(rules: Json): Json {
  return Object.fromEntries(
    Object.entries<Json>(rules).map(([site, r]) => [
      site,
      { schema: r.schema, error: r.error, ...(r.suffix ? { suffix: r.suffix } : {}) },
    ]),
  );
}

/**
 * The contract value of the APIs' descriptions, the first being the default: their shared part, which must be the
 * same in every description (the build fails naming what differs), and one model per API. It has no compiled schema
 * checks (gen-17-checks.ts compiles them from the models this writes): whoever validates with it must bring a
 * `compileSchema`, as the mock does.
 */
export function buildContract(docs: readonly Json[]): ContractModel {
  if (docs.length === 0) throw new Error('no API description to build the contract from');
  const models = docs.map(buildApiModel);
  const shared = buildShared(docs[0]);
  docs.slice(1).forEach((doc, i) => {
    const other = buildShared(doc);
    for (const key of Object.keys(shared) as (keyof SharedRules)[]) {
      if (JSON.stringify(other[key]) !== JSON.stringify(shared[key])) {
        throw new Error(`${models[i + 1]!.api} and ${models[0]!.api} disagree on ${key}, which every API shares`);
      }
    }
  });
  return {
    shared,
    schemaChecks: {},
    apis: Object.fromEntries(models.map((m) => [m.api, m])),
    defaultApi: models[0]!.api,
  };
}

/** The build's own reading of the contract, for later build steps (they import this, never the contract package). */
export const readContract = (apis: readonly ApiIndexEntry[]): ContractModel =>
  buildContract(apis.map((api) => JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8'))));

const identifier = (folder: string) => folder.replace(/[^A-Za-z0-9]/g, '');

export async function generate(): Promise<string[]> {
  const types = copyTemplate('contract-types.ts');
  const written = [types];
  const apis = apiIndex();
  const contract = readContract(apis);
  const header = (what: string) => [`// Generated by scripts/gen-15-rules.ts. Do not edit.`, `// ${what}`];
  writeFileSync(
    join(generatedDir, 'shared.ts'),
    [
      ...header('What every API of the contract shares (see scripts/templates/contract-types.ts, SharedRules).'),
      "import type { SharedRules } from './contract-types.js';",
      '',
      `export const shared = ${JSON.stringify(contract.shared, null, 2)} as const satisfies SharedRules;`,
      '',
    ].join('\n'),
  );
  written.push('generated/shared.ts');
  for (const api of apis) {
    writeFileSync(
      apiFile(api, 'model.ts'),
      [
        `// Generated by scripts/gen-15-rules.ts from generated/${api.folder}/openapi.json. Do not edit.`,
        `// The model of ${api.id} (see scripts/templates/contract-types.ts, ApiModel).`,
        "import type { ApiModel } from '../contract-types.js';",
        '',
        `export const model = ${JSON.stringify(contract.apis[api.id], null, 2)} as const satisfies ApiModel;`,
        '',
      ].join('\n'),
    );
    written.push(`generated/${api.folder}/model.ts`);
  }
  const model = (api: ApiIndexEntry) => `${identifier(api.folder)}Model`;
  const first = apis[0]!;
  writeFileSync(
    join(generatedDir, 'contract.ts'),
    [
      ...header('The contract as one value, `contract = { shared, schemaChecks, apis, defaultApi }`, and its types.'),
      "import type { ContractModel } from './contract-types.js';",
      "import { shared } from './shared.js';",
      ...apis.map((api) => `import { model as ${model(api)} } from './${api.folder}/model.js';`),
      ...apis.map((api) => `import type * as ${identifier(api.folder)}Types from './${api.folder}/action-types.js';`),
      '// The schemas the parameter validator checks, compiled ahead of time (written by gen-17-checks.ts).',
      "import { schemaChecks } from './schema-checks.js';",
      '',
      "/** Each API's action types, as a namespace per API. */",
      ...apis.map((api) => `export type * as ${identifier(api.folder)} from './${api.folder}/action-types.js';`),
      `/** The action and openapi-typescript types of ${first.id}, the default API, also at the top level. */`,
      `export type * from './${first.folder}/action-types.js';`,
      `export type { components, operations, paths } from './${first.folder}/types.js';`,
      "export type * from './contract-types.js';",
      '',
      '/**',
      ' * What every API shares, one model per API (`<Product>/<version>`), the default API (the first the source' +
        ' declares',
      ' * in x-acs-apis, used where a caller names none), and the checks of the schemas its parameters are validated',
      ' * with, compiled ahead of time, by JSON text.',
      ' */',
      'export const contract = {',
      '  shared,',
      '  schemaChecks,',
      `  apis: {\n${apis.map((api) => `    ${JSON.stringify(api.id)}: ${model(api)},`).join('\n')}\n  },`,
      `  defaultApi: ${JSON.stringify(first.id)},`,
      '} as const satisfies ContractModel;',
      '',
      'export type Contract = typeof contract;',
      "export type ApiName = keyof Contract['apis'];",
      "export type DefaultApi = Contract['defaultApi'];",
      '/** Every action of any API. */',
      "export type ActionName = { [A in ApiName]: keyof Contract['apis'][A]['actions'] }[ApiName];",
      '',
      "/** Each API's per-action types and openapi-typescript paths. */",
      'export interface ApiSurfaces {',
      ...apis.map((api) =>
        [
          `  ${JSON.stringify(api.id)}: {`,
          `    types: ${identifier(api.folder)}Types.ActionTypes;`,
          `    paths: import('./${api.folder}/types.js').paths;`,
          '  };',
        ].join('\n'),
      ),
      '}',
      '',
      "/** Where the published descriptions lie: `new URL('<Product>-<version>/openapi.json', contractFiles)`. */",
      "export const contractFiles = new URL('./', import.meta.url);",
      '',
    ].join('\n'),
  );
  written.push('generated/contract.ts');
  return written;
}
