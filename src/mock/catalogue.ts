/**
 * The mock's answers, read once from the bundled contract (generated/openapi.json): for every action, every named
 * response example (success and error) as ready-to-send JSON and XML text, split at the example's RequestId so that a
 * response is one `parts.join(requestId)` on the hot path.
 *
 * XML is the contract's own `text/xml` twin of an example when there is one (verbatim, RequestId replaced), otherwise
 * the JSON example serialised under the schema's `xml.name`. Error examples carry the site wording of
 * `x-acs-site-messages` as a second variant.
 */
import { readFileSync } from 'node:fs';
import type { Site } from '../rules-types.js';
import { XML_DECLARATION, xmlElement, xmlEscape } from './render.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A response body with the example's RequestId cut out: `parts.join(requestId)` is the body. */
export interface Template {
  readonly parts: readonly string[];
}

export const fill = (t: Template, requestId: string): string => t.parts.join(requestId);

export interface ExampleEntry {
  /** The example's name in the contract (for errors: the error code). */
  readonly name: string;
  readonly status: number;
  /** `Code` of an error example; undefined for success examples. */
  readonly code?: string;
  /** `Message` of an error example. */
  readonly message?: string;
  readonly siteMessages?: { readonly [site in Site]?: string };
  readonly json: Template;
  readonly xml: Template;
  /** The same bodies with the site's message (`x-acs-site-messages`), where the contract has one. */
  readonly bySite?: { readonly [site in Site]?: { readonly json: Template; readonly xml: Template } };
}

export interface ActionCatalogue {
  readonly action: string;
  /** `<ActionName>Response`, the XML root of a success body. */
  readonly xmlRoot: string;
  /** Success examples in declared order; the first one is the default answer. */
  readonly success: readonly ExampleEntry[];
  /** Every named example of the action, success and error, by name. */
  readonly byName: ReadonlyMap<string, ExampleEntry>;
  /** Every example by HTTP status, in declared order. */
  readonly byStatus: ReadonlyMap<number, readonly ExampleEntry[]>;
  /** Error examples by error code. */
  readonly errors: ReadonlyMap<string, ExampleEntry>;
}

export interface Catalogue {
  readonly version: string;
  /** `HostId` of error bodies (the contract's endpoint). */
  readonly hostId: string;
  readonly actions: ReadonlyMap<string, ActionCatalogue>;
  /** Error examples every action shares (the gateway's): used before an action is known. */
  readonly gatewayErrors: ReadonlyMap<string, ExampleEntry>;
}

function makeDeref(doc: Json): (node: Json) => Json {
  const deref = (node: Json): Json => {
    if (node && typeof node === 'object' && typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      const target = node.$ref
        .slice(2)
        .split('/')
        .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      if (target === undefined) throw new Error(`Unresolved $ref ${node.$ref}`);
      return deref(target);
    }
    return node;
  };
  return deref;
}

function template(text: string, requestId: string, where: string): Template {
  const parts = text.split(requestId);
  if (parts.length < 2) throw new Error(`${where}: the example's RequestId ${requestId} does not occur in its body`);
  return { parts };
}

/** Builds the catalogue from a bundled OpenAPI document. Throws on an example the mock could not serve. */
export function buildCatalogue(doc: Json): Catalogue {
  const deref = makeDeref(doc);
  const hostId: string = doc['x-acs-rpc']?.endpoint ?? 'resourcemanager.aliyuncs.com';
  const actions = new Map<string, ActionCatalogue>();

  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      if (!op || typeof op !== 'object' || typeof op.operationId !== 'string') continue;
      const action: string = op.operationId;
      const byName = new Map<string, ExampleEntry>();
      const byStatus = new Map<number, ExampleEntry[]>();
      const errors = new Map<string, ExampleEntry>();
      const success: ExampleEntry[] = [];
      let xmlRoot = `${action}Response`;

      for (const [statusKey, rawResponse] of Object.entries<Json>(op.responses ?? {})) {
        const status = Number(statusKey);
        if (!Number.isInteger(status)) continue;
        const content = deref(rawResponse).content ?? {};
        const jsonMedia = content['application/json'];
        if (!jsonMedia) continue;
        const xmlMedia = content['text/xml'];
        const schema = deref(jsonMedia.schema ?? {});
        const root: string = schema.xml?.name ?? (status < 400 ? `${action}Response` : 'Error');
        if (status < 300) xmlRoot = root;

        for (const [name, rawExample] of Object.entries<Json>(jsonMedia.examples ?? {})) {
          const ex = deref(rawExample);
          const value = ex.value;
          const where = `${action} ${status} ${name}`;
          if (!value || typeof value !== 'object' || typeof value.RequestId !== 'string') throw new Error(`${where}: example has no RequestId`);
          const requestId: string = value.RequestId;
          const jsonText = JSON.stringify(value);
          const xmlEx = xmlMedia?.examples?.[name] ? deref(xmlMedia.examples[name]) : undefined;
          const xmlText = typeof xmlEx?.value === 'string' ? XML_DECLARATION + xmlEx.value.trim() : XML_DECLARATION + xmlElement(root, value);
          const isError = status >= 400;
          const siteMessages = isError ? (ex['x-acs-site-messages'] as ExampleEntry['siteMessages']) : undefined;
          let bySite: ExampleEntry['bySite'];
          if (siteMessages) {
            const variants: { [site in Site]?: { json: Template; xml: Template } } = {};
            for (const [site, msg] of Object.entries(siteMessages) as [Site, string][]) {
              const sited = { ...value, Message: msg };
              const oldTag = `<Message>${xmlEscape(value.Message)}</Message>`;
              const xml = xmlText.includes(oldTag)
                ? xmlText.replace(oldTag, () => `<Message>${xmlEscape(msg)}</Message>`)
                : XML_DECLARATION + xmlElement(root, sited);
              variants[site] = { json: template(JSON.stringify(sited), requestId, where), xml: template(xml, requestId, `${where} (${site})`) };
            }
            bySite = variants;
          }
          const entry: ExampleEntry = {
            name,
            status,
            ...(isError ? { code: String(value.Code), message: String(value.Message) } : {}),
            ...(siteMessages ? { siteMessages } : {}),
            json: template(jsonText, requestId, where),
            xml: template(xmlText, requestId, `${where} (XML)`),
            ...(bySite ? { bySite } : {}),
          };
          if (byName.has(name)) throw new Error(`${where}: example name used twice in ${action}`);
          byName.set(name, entry);
          const list = byStatus.get(status) ?? [];
          list.push(entry);
          byStatus.set(status, list);
          if (isError) errors.set(entry.code!, entry);
          else if (status < 300) success.push(entry);
        }
      }
      if (success.length === 0) throw new Error(`${action}: no success example`);
      actions.set(action, { action, xmlRoot, success, byName, byStatus, errors });
    }
  }

  // The gateway's errors: codes every action documents, with the same status.
  const all = [...actions.values()];
  const gatewayErrors = new Map<string, ExampleEntry>();
  if (all.length > 0) {
    for (const [code, entry] of all[0]!.errors) {
      if (all.every((a) => a.errors.get(code)?.status === entry.status)) gatewayErrors.set(code, entry);
    }
  }
  return { version: String(doc.info?.version ?? ''), hostId, actions, gatewayErrors };
}

const cache = new Map<string, Catalogue>();

/** Reads and builds the catalogue of a bundled contract file, once per path. */
export function loadCatalogue(file: string | URL): Catalogue {
  const key = String(file);
  let c = cache.get(key);
  if (!c) {
    c = buildCatalogue(JSON.parse(readFileSync(file, 'utf8')));
    cache.set(key, c);
  }
  return c;
}
