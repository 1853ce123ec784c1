/**
 * `x-codeSamples` for each operation, derived from the contract: the classic HMAC-SHA1 wire request, the
 * ACS3-HMAC-SHA256 wire request, a call with this package's client and a call with Alibaba Cloud's official SDK of
 * the API (or, for an API without one here, Alibaba Cloud's generic call).
 *
 * Each operation has these four samples for its required parameters with the contract's example values, and four
 * more for each other case the contract names: each conditional rule (`x-acs-request-rules`: EnableMode=
 * NewManagementAccount with the parameters it requires) and each switch (an optional boolean parameter that is false
 * by default: DryRun=true). Values come from the parameters' examples, the international site's where a parameter has
 * one per site, so that the values of one sample belong together. The wire samples are really signed, with the example
 * credentials of Alibaba Cloud's signature documents and the contract's example timestamps and nonces, so they are
 * reproducible byte for byte and every signature can be recomputed; their long lines are broken with shell line
 * continuations (a quoted URL or header goes on in the next quoted piece, which the shell joins to it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  acs3Authorization,
  percentEncodeAcs3,
  percentEncodeRpc,
  sha256Hex,
  signRpc,
} from '../../packages/client/src/protocol/signing.js';
import { repoRoot } from '../paths.js';
import {
  apiIdentity,
  commonRequestParameters,
  deref,
  operationParameters,
  parameterExample,
  type ApiIdentity,
  type CodeSample,
  type Document,
  type Example,
  type OperationEntry,
  type Parameter,
  type Schema,
} from './contract.js';
import type { Translator } from './i18n.js';

/** The secret that goes with the AccessKey ID `testid` in Alibaba Cloud's published signature examples. */
export const EXAMPLE_ACCESS_KEY_SECRET = 'testsecret';

/** Names the RPC protocol fixes: the action and version travel in these query parameters, or in the ACS3 headers. */
const ACTION = 'Action';
const VERSION = 'Version';
const FORMAT = 'Format';
const ACCESS_KEY_ID = 'AccessKeyId';
const ACS3_HEADER_FOR: Record<string, string> = { [ACTION]: 'x-acs-action', [VERSION]: 'x-acs-version' };
/** Parameters only sent with temporary STS credentials; the samples use a long-term AccessKey. */
const STS_ONLY = new Set(['SecurityToken', 'x-acs-security-token']);

/**
 * Alibaba Cloud's official npm SDK of each API, where there is one in this project's registry (by
 * `<Product>/<version>`).
 */
export const OFFICIAL_SDKS: Readonly<Record<string, string>> = {
  'ResourceManager/2020-03-31': '@alicloud/resourcemanager20200331',
};
const OFFICIAL_CORE = '@alicloud/openapi-core';
/** The runtime options model `callApi` takes, from the package `@alicloud/openapi-core` is written in. */
const DARABONBA = '@darabonba/typescript';

/** The AccessKey ID the samples are signed with: the contract's example of the `AccessKeyId` parameter. */
export function exampleAccessKeyId(doc: Document): string {
  const parameter = commonRequestParameters(doc).find((p) => p.name === ACCESS_KEY_ID);
  const value = parameter && parameterExample(doc, parameter);
  if (typeof value !== 'string') throw new Error(`docs: the contract has no example ${ACCESS_KEY_ID}`);
  return value;
}

interface SampleContext {
  doc: Document;
  entry: OperationEntry;
  /** The operation's parameters, then those every request may carry (Format, the signing parameters). */
  parameters: Parameter[];
  /** The operation's required parameters (no signing parameters), in contract order, with example values. */
  required: [string, unknown][];
  /** The same without the routing parameters (Action, Version): what a client or SDK call takes. */
  args: [string, unknown][];
  method: string;
  serverUrl: string;
  host: string;
  api: ApiIdentity;
  isDefaultApi: boolean;
}

function exampleOf(ctx: Pick<SampleContext, 'doc' | 'parameters'>, name: string): unknown {
  const parameter = ctx.parameters.find((p) => p.name === name);
  if (!parameter) throw new Error(`docs: code samples need the parameter ${name}`);
  const value = parameterExample(ctx.doc, parameter);
  if (value === undefined) throw new Error(`docs: parameter ${name} has no example`);
  return value;
}

/**
 * A case the samples show: its name (`EnableMode=NewManagementAccount`; none for the required parameters alone) and the
 * values it sends.
 */
export interface SampleCase {
  name?: string;
  /** The parameters sent, in contract order, with their values (no signing parameters). */
  values: [string, unknown][];
}

/** The example value of a parameter for a case: the international site's where the parameter has one per site. */
function caseValue(ctx: Pick<SampleContext, 'doc' | 'parameters'>, name: string): unknown {
  const parameter = ctx.parameters.find((p) => p.name === name);
  const perSite = parameter?.examples?.internationalSite;
  return perSite ? deref<Example>(ctx.doc, perSite).value : exampleOf(ctx, name);
}

/**
 * The cases of an operation: its required parameters alone; each conditional rule, with the values of its condition
 * and the parameters it requires; each optional boolean parameter false by default, set to true.
 */
export function sampleCases(ctx: SampleContext): SampleCase[] {
  const base = ctx.required;
  const inOrder = (values: Map<string, unknown>): [string, unknown][] =>
    ctx.parameters.filter((p) => values.has(p.name)).map((p) => [p.name, values.get(p.name)]);
  const cases: SampleCase[] = [{ values: base }];
  for (const rule of ctx.entry.operation['x-acs-request-rules'] ?? []) {
    const condition = Object.entries(rule.if.properties ?? {}).map(([name, schema]): [string, unknown] => {
      if (schema.const === undefined)
        throw new Error(`docs: request rule ${rule.id}: a sample needs a const condition on ${name}`);
      return [name, schema.const];
    });
    const values = new Map([
      ...base,
      ...condition,
      ...(rule.then.required ?? []).map((name): [string, unknown] => [name, caseValue(ctx, name)]),
    ]);
    cases.push({
      name: condition.map(([name, value]) => `${name}=${String(value)}`).join(', '),
      values: inOrder(values),
    });
  }
  for (const p of ctx.parameters) {
    const schema = p.schema ? deref<Schema>(ctx.doc, p.schema) : {};
    if (p.required || p['x-acs-signing'] || p.in !== 'query' || schema.type !== 'boolean' || schema.default !== false)
      continue;
    cases.push({ name: `${p.name}=true`, values: inOrder(new Map([...base, [p.name, true]])) });
  }
  return cases;
}

/** The context of one case: its values as the required ones. */
function forCase(ctx: SampleContext, sampleCase: SampleCase): SampleContext {
  return {
    ...ctx,
    required: sampleCase.values,
    args: sampleCase.values.filter(([name]) => !(name in ACS3_HEADER_FOR)),
  };
}

function sampleContext(doc: Document, entry: OperationEntry, options: SampleOptions): SampleContext {
  const parameters = [...operationParameters(doc, entry.operation), ...commonRequestParameters(doc)];
  const serverUrl = doc.servers?.[0]?.url;
  if (!serverUrl) throw new Error('docs: the contract has no server URL');
  const ctx = { doc, parameters };
  const required = parameters
    .filter((p) => p.required && p.in === 'query' && !p['x-acs-signing'])
    .map((p): [string, unknown] => [p.name, exampleOf(ctx, p.name)]);
  const args = required.filter(([name]) => !(name in ACS3_HEADER_FOR));
  return {
    ...ctx,
    entry,
    required,
    args,
    method: entry.method.toUpperCase(),
    serverUrl: serverUrl.replace(/\/$/, ''),
    host: new URL(serverUrl).host,
    api: apiIdentity(doc),
    isDefaultApi: options.isDefaultApi,
  };
}

function signingParameters(ctx: SampleContext, style: string, exclude: Set<string>): Parameter[] {
  return ctx.parameters.filter((p) => p['x-acs-signing'] === style && !STS_ONLY.has(p.name) && !exclude.has(p.name));
}

function schemeParameterName(doc: Document, scheme: string): string {
  const found = (doc.components?.securitySchemes?.[scheme] as { name?: string } | undefined)?.name;
  if (!found) throw new Error(`docs: security scheme ${scheme} has no name`);
  return found;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The classic form: every parameter in the query, signed with signature version 1.0 (HMAC-SHA1). */
function classicCurl(ctx: SampleContext): string {
  const signatureName = schemeParameterName(ctx.doc, 'HMAC-SHA1');
  const params: [string, string][] = [
    ...ctx.required.map(([name, value]): [string, string] => [name, String(value)]),
    [FORMAT, String(exampleOf(ctx, FORMAT))],
    ...signingParameters(ctx, 'HMAC-SHA1', new Set([signatureName])).map((p): [string, string] => [
      p.name,
      String(exampleOf(ctx, p.name)),
    ]),
  ];
  const signature = signRpc(ctx.method, Object.fromEntries(params), EXAMPLE_ACCESS_KEY_SECRET);
  const pairs = [...params, [signatureName, signature]].map(
    ([k, v]) => `${percentEncodeRpc(k)}=${percentEncodeRpc(v)}`,
  );
  return `curl -X ${ctx.method} ${quotedUrl(`${ctx.serverUrl}/?`, pairs)}`;
}

/**
 * A URL with its query, one parameter a line: `'https://.../?A=1'\`, then `'&B=2'\`, ... The shell drops each
 * backslash-newline and joins the quoted pieces around it into one word, so each piece starts its line.
 */
function quotedUrl(base: string, pairs: string[]): string {
  if (pairs.length === 0) return shellQuote(base.replace(/\?$/, ''));
  return continued([`${base}${pairs[0]}`, ...pairs.slice(1).map((pair) => `&${pair}`)]);
}

/** Quoted pieces the shell joins into one word (see quotedUrl). */
function continued(pieces: string[]): string {
  return pieces.map(shellQuote).join('\\\n');
}

/**
 * The ACS3 form: action and version in `x-acs-*` headers, the other parameters in the query, an `Authorization` header.
 */
function acs3Curl(ctx: SampleContext): string {
  const query = Object.fromEntries(ctx.args.map(([name, value]) => [name, String(value)]));
  const paramFor = new Map(Object.entries(ACS3_HEADER_FOR).map(([param, header]) => [header, param]));
  const payloadHash = sha256Hex(''); // the body is empty
  const headers: Record<string, string> = {};
  for (const p of signingParameters(ctx, 'ACS3-HMAC-SHA256', new Set())) {
    headers[p.name] =
      p.name === 'x-acs-content-sha256' ? payloadHash : String(exampleOf(ctx, paramFor.get(p.name) ?? p.name));
  }
  const authorization = acs3Authorization(
    { method: ctx.method, pathname: '/', query, headers: { host: ctx.host, ...headers }, payloadHash },
    String(exampleOf(ctx, ACCESS_KEY_ID)),
    EXAMPLE_ACCESS_KEY_SECRET,
  );
  const queryPairs = Object.entries(query).map(([k, v]) => `${k}=${percentEncodeAcs3(v)}`);
  const lines = [
    `curl -X ${ctx.method} ${quotedUrl(`${ctx.serverUrl}/?`, queryPairs)}`,
    ...Object.entries(headers).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
    // The Authorization header is long: one piece per comma-separated part, joined by the shell as the URL is.
    `  -H ${continued(`Authorization: ${authorization}`.split(/(?<=,)/))}`,
  ];
  return lines.join(' \\\n');
}

function tsLiteral(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

/** An object literal, on one line, or one field a line (indented by `indent`) when that line would be long. */
function tsObject(fields: [string, unknown][], indent = ''): string {
  const entries = fields.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsLiteral(k)}: ${tsLiteral(v)}`);
  if (entries.length === 0) return '';
  const oneLine = `{ ${entries.join(', ')} }`;
  return oneLine.length <= 60 ? oneLine : `{\n${entries.map((e) => `${indent}  ${e},`).join('\n')}\n${indent}}`;
}

/** The client package's name, as its package.json says. */
function packageName(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'packages', 'client', 'package.json'), 'utf8')) as { name: string })
    .name;
}

/**
 * A call with this package's client: the method is the action, the arguments are the wire names. The `api` option
 * names the API unless it is the default one.
 */
function clientSample(ctx: SampleContext): string {
  return [
    `import { createClient } from '${packageName()}';`,
    '',
    'const client = createClient({',
    ...(ctx.isDefaultApi ? [] : [`  api: ${tsLiteral(ctx.api.id)},`]),
    '  accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID!,',
    '  accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!,',
    '});',
    `const { data, error } = await client.${ctx.entry.operation.operationId}(${tsObject(ctx.args)});`,
  ].join('\n');
}

type SdkModelClass = { names(): Record<string, string> };

/**
 * The official SDK's request model of an action (its field names are not always camelCase: `MAName`), if it takes one.
 */
function officialRequestModel(
  sdkPackage: string,
  action: string,
): { className: string; fieldFor: Map<string, string> } | undefined {
  const sdk = createRequire(join(repoRoot, 'package.json'))(sdkPackage) as Record<string, SdkModelClass | undefined>;
  const className = `${action}Request`;
  const model = sdk[className];
  if (!model) return undefined;
  return { className, fieldFor: new Map(Object.entries(model.names()).map(([field, wire]) => [wire, field])) };
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const SDK_CONFIG = [
  '    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,',
  '    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,',
];

/**
 * A call with the API's official SDK (`@alicloud/resourcemanager20200331` for 2020-03-31): camelCase method, a
 * `<Action>Request` model with the SDK's field names. The SDK is CommonJS, so the sample is written like Alibaba
 * Cloud's own: TypeScript compiled to CommonJS, the call inside an async function.
 */
function officialSdkSample(ctx: SampleContext, sdkPackage: string): string {
  const action = ctx.entry.operation.operationId;
  const model = officialRequestModel(sdkPackage, action);
  if (!model && ctx.args.length)
    throw new Error(`docs: ${sdkPackage} has no ${action}Request for the required parameters`);
  const fields = ctx.args.map(([name, value]): [string, unknown] => {
    const field = model?.fieldFor.get(name);
    if (!field) throw new Error(`docs: ${sdkPackage} ${action}Request has no field for ${name}`);
    return [field, value];
  });
  const call = model ? `new ${model.className}(${tsObject(fields, '  ')})` : '';
  return [
    `import Client${model ? `, { ${model.className} }` : ''} from '${sdkPackage}';`,
    `import { $OpenApiUtil as $OpenApi } from '${OFFICIAL_CORE}';`,
    '',
    'async function main(): Promise<void> {',
    '  const client = new Client(new $OpenApi.Config({',
    ...SDK_CONFIG,
    `    endpoint: '${ctx.host}',`,
    '  }));',
    `  const { body } = await client.${lowerFirst(action)}(${call});`,
    '  console.log(body);',
    '}',
    '',
    'main();',
  ].join('\n');
}

/**
 * An API without an official SDK here (2022-04-19) is called with Alibaba Cloud's generic call, `callApi` of
 * `@alicloud/openapi-core`, which the official SDKs are built on: the action, version and style as `Params`, the
 * parameters by their wire names in the query. Written like the SDK sample (CommonJS, an async function).
 */
function genericCallSample(ctx: SampleContext): string {
  const params = {
    action: ctx.entry.operation.operationId,
    version: ctx.api.version,
    protocol: 'HTTPS',
    pathname: '/',
    method: ctx.method,
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  };
  return [
    `import OpenApiClient, { $OpenApiUtil } from '${OFFICIAL_CORE}';`,
    `import { RuntimeOptions } from '${DARABONBA}';`,
    '',
    'async function main(): Promise<void> {',
    '  const client = new OpenApiClient(new $OpenApiUtil.Config({',
    ...SDK_CONFIG,
    `    endpoint: '${ctx.host}',`,
    '  }));',
    `  const params = new $OpenApiUtil.Params(${tsObject(Object.entries(params), '  ')});`,
    // The query of OpenApiRequest takes strings: a boolean is sent as its text, as on the wire.
    `  const request = new $OpenApiUtil.OpenApiRequest({ query: ${
      tsObject(
        ctx.args.map(([k, v]) => [k, String(v)]),
        '  ',
      ) || '{}'
    } });`,
    '  const { body } = await client.callApi(params, request, new RuntimeOptions({}));',
    '  console.log(body);',
    '}',
    '',
    'main();',
  ].join('\n');
}

export interface SampleOptions {
  /** Whether the API is the default one (the client sample then needs no `api` option). */
  isDefaultApi: boolean;
}

/** The four samples of one case, labelled by their form and, but for the first case, by the case. */
function caseSamples(ctx: SampleContext, sampleCase: SampleCase, tr: Translator): CodeSample[] {
  const c = forCase(ctx, sampleCase);
  const sdkPackage = OFFICIAL_SDKS[c.api.id];
  const label = (form: string) => (sampleCase.name ? `${tr.t(form)} · ${sampleCase.name}` : tr.t(form));
  return [
    { lang: 'bash', label: label('curl (HMAC-SHA1)'), source: classicCurl(c) },
    { lang: 'bash', label: label('curl (ACS3-HMAC-SHA256)'), source: acs3Curl(c) },
    { lang: 'TypeScript', label: label('TypeScript (this package)'), source: clientSample(c) },
    sdkPackage
      ? { lang: 'TypeScript', label: label('TypeScript (official SDK)'), source: officialSdkSample(c, sdkPackage) }
      : { lang: 'TypeScript', label: label('TypeScript (official generic call)'), source: genericCallSample(c) },
  ];
}

export function codeSamples(
  doc: Document,
  entry: OperationEntry,
  tr: Translator,
  options: SampleOptions,
): CodeSample[] {
  const ctx = sampleContext(doc, entry, options);
  return sampleCases(ctx).flatMap((sampleCase) => caseSamples(ctx, sampleCase, tr));
}
