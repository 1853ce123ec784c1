/**
 * One hand-maintained source, one published document per API (`x-acs-apis` in openapi/openapi.yaml): an item whose
 * `x-acs-apis` list leaves this API out is dropped (with every reference to it), the lists themselves are dropped,
 * and the `{api.*}` placeholders are filled in.
 */
import type { Json } from './json.js';

export interface ApiEntry {
  /** `<Product>/<version>`, the name the client's `api` option takes. */
  readonly id: string;
  readonly product: string;
  readonly version: string;
  readonly endpoint: string;
  readonly reference: string;
  readonly description: string;
  /** `info.summary` and the tag's description: what the API's actions do. */
  readonly summary: string;
  readonly tagline: string;
}

/** The folder and file stem of an API's generated files: `<Product>-<version>`. */
export const apiFolder = (api: Pick<ApiEntry, 'product' | 'version'>): string => `${api.product}-${api.version}`;

export function apisOf(doc: Json): ApiEntry[] {
  const apis: ApiEntry[] = doc['x-acs-apis'] ?? [];
  if (apis.length === 0) throw new Error('openapi/openapi.yaml: x-acs-apis lists no API');
  for (const api of apis) {
    if (api.id !== `${api.product}/${api.version}`)
      throw new Error(`x-acs-apis: id ${api.id} must be <product>/<version>`);
  }
  return apis;
}

const isRef = (node: Json): boolean => node !== null && typeof node === 'object' && typeof node.$ref === 'string';

/** Drops what `x-acs-apis` keeps out of `api`, then every reference to something dropped, until nothing changes. */
function select(doc: Json, api: ApiEntry): Json {
  const dropped = new Set<string>();
  const keep = (node: Json): boolean => {
    if (node === null || typeof node !== 'object') return true;
    if (Array.isArray(node['x-acs-apis']) && !node['x-acs-apis'].includes(api.id)) return false;
    return !(isRef(node) && [...dropped].some((p) => node.$ref === p || node.$ref.startsWith(`${p}/`)));
  };
  const walk = (node: Json, pointer: string): Json => {
    if (Array.isArray(node)) {
      return node.flatMap((child, i) => (keep(child) ? [walk(child, `${pointer}/${i}`)] : []));
    }
    if (node !== null && typeof node === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries<Json>(node)) {
        const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (k === 'x-acs-apis' && Array.isArray(v)) continue;
        if (!keep(v)) {
          dropped.add(p);
          continue;
        }
        out[k] = walk(v, p);
      }
      return out;
    }
    return node;
  };
  let current = doc;
  for (;;) {
    const before = dropped.size;
    current = walk(current, '#');
    if (dropped.size === before) return current;
  }
}

/**
 * Fills `{api.version}`, `{api.product}`, `{api.endpoint}`, `{api.reference}`, `{api.description}`, `{api.summary}`,
 * `{api.tagline}`, `{api.actions}`.
 */
function fill(node: Json, values: Record<string, string>): Json {
  if (typeof node === 'string') return node.replace(/\{api\.([a-z]+)\}/g, (m, key: string) => values[key] ?? m);
  if (Array.isArray(node)) return node.map((n) => fill(n, values));
  if (node !== null && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, values)]));
  return node;
}

/** The document of one API, before the build assembles it (scripts/contract/assemble.ts). */
export function documentFor(bundled: Json, api: ApiEntry): Json {
  const selected = select(structuredClone(bundled), api);
  delete selected['x-acs-apis'];
  // A path whose every operation is kept out of this API is not in it.
  for (const [key, item] of Object.entries<Json>(selected.paths))
    if (Object.keys(item).length === 0) delete selected.paths[key];
  const operations = Object.values<Json>(selected.paths).flatMap((item) => Object.values<Json>(item));
  const names = operations.map((op) => `${op.operationId}${op.deprecated ? ' (deprecated)' : ''}`);
  const actions = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
  const doc = fill(selected, { ...api, actions } as unknown as Record<string, string>);
  const leftover = JSON.stringify(doc).match(/\{api\.[a-z]+\}/);
  if (leftover) throw new Error(`${api.id}: unknown placeholder ${leftover[0]}`);
  return doc;
}
