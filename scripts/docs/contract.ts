/**
 * A typed, read-only view of the bundled contract (generated/<Product>-<version>/openapi.json) for the docs build and
 * its tests: the operations, their resolved parameters, their documented error codes and their RAM actions. Only the
 * parts the docs use are typed; everything else passes through untouched.
 */
import { readFileSync } from 'node:fs';
import { deref as derefNode, localLookup } from '../contract/deref.js';
import { apiFile, apiIndex, type ApiIndexEntry } from '../paths.js';

export interface Ref {
  $ref: string;
}

export interface Schema {
  $ref?: string;
  type?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  not?: Schema;
  required?: string[];
  properties?: Record<string, Schema>;
}

export interface Example {
  summary?: string;
  description?: string;
  value?: unknown;
  'x-acs-sources'?: string[];
  'x-acs-site-messages'?: Record<string, string>;
}

export interface SiteRule {
  source: string;
  text: string;
  schema?: Schema;
  error?: string;
  'x-acs-sources'?: string[];
}

export interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, Example | Ref>;
  'x-acs-errors'?: { missing?: string; invalid?: string };
  'x-acs-site-rules'?: Record<string, SiteRule>;
  'x-acs-signing'?: string;
  'x-acs-sources'?: string[];
  /** The date the parameter was added (`2023-12-21`), matching an entry of the operation's change history. */
  'x-acs-since'?: string;
}

export interface MediaType {
  schema?: Schema;
  examples?: Record<string, Example | Ref>;
}
export interface Response {
  description: string;
  content?: Record<string, MediaType>;
}

export interface RequestRule {
  id: string;
  description?: string;
  'x-acs-sources'?: string[];
  if: { required?: string[]; properties?: Record<string, Schema> };
  then: { required?: string[] };
}

export interface RamInfo {
  action: string;
  disclosed: boolean;
  note?: string;
  accessLevel?: string;
  resourceType?: string;
  resource?: string;
  resourceTypeRequired?: boolean;
  conditionKeys?: string[];
  associatedOperations?: string[];
  source?: string;
}

export interface ChangeEntry {
  date: string;
  summary: string;
  source?: string;
  changes?: { item: string; content: string }[];
}

export interface SiteText {
  source: string;
  text: string;
}
export interface SiteDifference {
  topic: string;
  intl: SiteText;
  china: SiteText;
  contract: string;
}

export interface Quota {
  limit: number;
  period: string;
  scope: string;
  error: string;
  source: string;
  text: string;
  'x-acs-sources'?: string[];
}

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  'x-acs-replaced-by'?: string;
  tags?: string[];
  parameters?: (Parameter | Ref)[];
  responses: Record<string, Response | Ref>;
  'x-acs-sources'?: string[];
  'x-acs-request-rules'?: RequestRule[];
  'x-acs-ram'?: RamInfo;
  'x-acs-change-history'?: ChangeEntry[];
  'x-acs-site-differences'?: SiteDifference[];
  'x-acs-quota'?: Quota;
  'x-codeSamples'?: CodeSample[];
}

export interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string; 'x-acs-sources'?: Record<string, string> } & Record<
    string,
    unknown
  >;
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface OperationEntry {
  path: string;
  method: string;
  operation: Operation;
}

export interface ErrorRow {
  status: string;
  code: string;
  message: string;
  description?: string;
  siteMessages: Record<string, string>;
  /** The example's `x-acs-sources`. */
  sources: string[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The published description of an API (default: the default API, the first of the build's). */
export function loadBundledContract(api: ApiIndexEntry = apiIndex()[0]!): Document {
  return JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8')) as Document;
}

/** Follows local `#/...` references until a non-reference node is reached (the build's resolver). */
export function deref<T>(doc: Document, node: T | Ref): T {
  return derefNode<T>(node, localLookup(doc));
}

export function listOperations(doc: Document): OperationEntry[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({
      path,
      method,
      operation: item[method] as Operation,
    })),
  );
}

export function operationParameters(doc: Document, operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((p) => deref<Parameter>(doc, p));
}

/** A security scheme: its description and the signing parameters it stands for (`x-acs-parameters`). */
export interface SecurityScheme {
  type: string;
  name?: string;
  in?: string;
  description?: string;
  'x-acs-parameters'?: Parameter[];
}

export function securitySchemes(doc: Document): [string, SecurityScheme][] {
  return Object.entries((doc.components?.securitySchemes ?? {}) as Record<string, SecurityScheme>);
}

/**
 * The parameters every request may carry that no operation declares: `x-acs-common-parameters.request` (Format), then
 * each security scheme's signing parameters (`x-acs-parameters`).
 */
export function commonRequestParameters(doc: Document): Parameter[] {
  const request = (doc['x-acs-common-parameters'] as { request?: Parameter[] } | undefined)?.request ?? [];
  return [...request, ...securitySchemes(doc).flatMap(([, scheme]) => scheme['x-acs-parameters'] ?? [])];
}

/** The schema of a parameter with a top-level `$ref` resolved (sub-schemas stay as they are). */
export function parameterSchema(doc: Document, parameter: Parameter): Schema {
  return parameter.schema ? deref<Schema>(doc, parameter.schema) : {};
}

/** The contract's example value for a parameter: its `example`, its first named example, then the schema's. */
export function parameterExample(doc: Document, parameter: Parameter): unknown {
  if (parameter.example !== undefined) return parameter.example;
  const named = Object.values(parameter.examples ?? {})[0];
  if (named !== undefined) return deref<Example>(doc, named).value;
  const schema = parameterSchema(doc, parameter);
  return schema.example ?? schema.examples?.[0] ?? schema.enum?.[0] ?? schema.default;
}

export function isErrorStatus(status: string): boolean {
  return /^[45]\d\d$/.test(status);
}

function jsonErrorValue(value: unknown): { Code: string; Message: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { Code, Message } = value as Record<string, unknown>;
  return typeof Code === 'string' && typeof Message === 'string' ? { Code, Message } : undefined;
}

/**
 * Every documented error of an operation, in contract order: one row per named example of an error response
 * (the example's name is the code). Code and message come from the example whose value is a JSON error body;
 * the XML twins carry the same names and are not repeated.
 */
export function errorRows(doc: Document, operation: Operation): ErrorRow[] {
  const rows = new Map<string, ErrorRow>();
  for (const [status, rawResponse] of Object.entries(operation.responses)) {
    if (!isErrorStatus(status)) continue;
    for (const media of Object.values(deref<Response>(doc, rawResponse).content ?? {})) {
      for (const [name, rawExample] of Object.entries(media.examples ?? {})) {
        const example = deref<Example>(doc, rawExample);
        const body = jsonErrorValue(example.value);
        if (!body || rows.has(name)) continue;
        if (body.Code !== name) {
          throw new Error(
            `docs: ${operation.operationId} ${status} example "${name}" has Code ${body.Code}; the example name must` +
              ` be the code`,
          );
        }
        rows.set(name, {
          status,
          code: name,
          message: body.Message,
          description: example.description,
          siteMessages: example['x-acs-site-messages'] ?? {},
          sources: example['x-acs-sources'] ?? [],
        });
      }
    }
  }
  return [...rows.values()];
}

/** Everything the docs must show for each action, enumerated from the contract (used by the tests). */
export interface ActionFacts {
  action: string;
  parameters: string[];
  errorCodes: string[];
  ramAction: string;
}

export function actionFacts(doc: Document): ActionFacts[] {
  return listOperations(doc).map(({ operation }) => ({
    action: operation.operationId,
    parameters: operationParameters(doc, operation).map((p) => p.name),
    errorCodes: errorRows(doc, operation).map((row) => row.code),
    ramAction: operation['x-acs-ram']?.action ?? '',
  }));
}

/** Which API a published description is: `x-acs-rpc` names the product and version, the first server the endpoint. */
export interface ApiIdentity {
  /** `<Product>/<version>`, the client's name of the API. */
  id: string;
  product: string;
  version: string;
  /** `<Product> <version>`. */
  label: string;
  /** The URL every action is sent to, `https://<endpoint>/`. */
  url: string;
}

export function apiIdentity(doc: Document): ApiIdentity {
  const rpc = doc['x-acs-rpc'] as { product?: string; version?: string } | undefined;
  const server = doc.servers?.[0]?.url;
  if (!rpc?.product || !rpc.version || !server)
    throw new Error('docs: the description has no x-acs-rpc product and version, or no server');
  if (rpc.version !== doc.info.version)
    throw new Error(`docs: x-acs-rpc.version ${rpc.version} is not info.version ${doc.info.version}`);
  return {
    id: `${rpc.product}/${rpc.version}`,
    product: rpc.product,
    version: rpc.version,
    label: `${rpc.product} ${rpc.version}`,
    url: `${server.replace(/\/$/, '')}/`,
  };
}
