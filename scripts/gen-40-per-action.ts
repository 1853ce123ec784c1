/**
 * Writes, for every action of every API, generated/<Product>-<version>/actions/<Action>.yaml and .json: the per-action
 * description for code generators and mocks such as Prism. The full description keys each action `/#Action=<Action>`
 * (OpenAPI keys operations by path and method); generic tools join that key and the query into a URL whose query lands
 * in the fragment. A per-action description has the one real path, `/`, with the action as `post` (operationId
 * `<Action>`) and `get` (`<Action>Get`), its parameters inline (parameter components share names with schema
 * components, which some generators turn into clashing type names), its responses and their schemas inline (each
 * operation its own copy: the description is the one action's, and two operations that share no schema are
 * independent for tools such as `redocly score`), and only the components it still uses (examples, headers).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deref, derefDeep, isRef, localLookup } from './contract/deref.js';
import { sourceKey, sourceLists } from './contract/sources.js';
import { publishedYaml } from './contract/yaml.js';
import { apiFile, apiIndex, generatedDir } from './paths.js';

import type { Json } from './contract/json.js';

/** The GET twin's operationId: distinct from the POST's, so generators name two functions. */
export const getOperationId = (action: string): string => `${action}Get`;

function refsIn(node: Json, out: Set<string>): Set<string> {
  if (isRef(node)) out.add(node.$ref);
  if (node !== null && typeof node === 'object') for (const v of Object.values<Json>(node)) refsIn(v, out);
  return out;
}

/**
 * Keeps only the components reachable from `doc` outside `components` (security schemes are named, not referenced: all
 * kept).
 */
function pruneComponents(doc: Json): void {
  const lookup = localLookup(doc);
  const { components, ...rest } = doc;
  const used = refsIn(rest, new Set());
  for (let pending = [...used]; pending.length > 0;) {
    const next: string[] = [];
    for (const ref of pending)
      for (const r of refsIn(lookup(ref, { $ref: ref }), new Set()))
        if (!used.has(r)) {
          used.add(r);
          next.push(r);
        }
    pending = next;
  }
  for (const [kind, entries] of Object.entries<Json>(components)) {
    if (kind === 'securitySchemes') continue;
    for (const name of Object.keys(entries)) {
      const pointer = `#/components/${kind}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!used.has(pointer)) delete entries[name];
    }
    if (Object.keys(entries).length === 0) delete components[kind];
  }
}

/** The per-action description of `action` in the full description `full`. */
export function perActionDocument(full: Json, action: string, folder: string): Json {
  const item = full.paths[`/#Action=${action}`];
  if (!item?.post) throw new Error(`${folder}: no path /#Action=${action} with a post operation`);
  const lookup = localLookup(full);
  const post = structuredClone(item.post);
  post.parameters = (post.parameters ?? []).map((p: Json) => structuredClone(deref(p, lookup)));
  post.responses = Object.fromEntries(
    Object.entries<Json>(post.responses).map(([status, raw]) => {
      const response = structuredClone(deref(raw, lookup));
      for (const media of Object.values<Json>(response.content ?? {}))
        if (media.schema) media.schema = derefDeep(media.schema, lookup);
      return [status, response];
    }),
  );
  const get = { ...structuredClone(post), operationId: getOperationId(action), summary: `${post.summary} (GET)` };
  const doc: Json = {
    openapi: full.openapi,
    info: {
      ...full.info,
      title: `${full.info.title}: ${action}`,
      description:
        [
          `The per-action description of ${action} (API ${full['x-acs-rpc'].product}` +
            ` \`${full['x-acs-rpc'].version}\`), for code`,
          'generators and mocks such as Prism: its only path is `/`, as on the wire, with the action as `POST`' +
            ' (operationId',
          `\`${action}\`) and \`GET\` (operationId \`${getOperationId(action)}\`); \`Action\` and \`Version\` are` +
            ` required query parameters`,
          `with a single allowed value, so a generated client sends \`POST` +
            ` /?Action=${action}&Version=${full['x-acs-rpc'].version}&...\`.`,
          "No generator signs Alibaba requests by itself: give the generated client the package's signing `fetch`",
          "(`createSigningFetch`), which signs as the package's client does.",
          '',
          `The full description (\`../openapi.yaml\`, every action of the API, each keyed \`/#Action=<ActionName>\`)` +
            ` is the`,
          "reviewer's view: the protocol, the signing styles, the error precedence and the site differences are" +
            ' described there.',
        ].join('\n') + '\n',
    },
    servers: full.servers,
    security: full.security,
    tags: (full.tags ?? []).filter((t: Json) => (post.tags ?? []).includes(t.name)),
    paths: { '/': { post, get } },
    components: structuredClone(full.components),
  };
  for (const [key, value] of Object.entries<Json>(full)) if (key.startsWith('x-')) doc[key] = structuredClone(value);
  pruneComponents(doc);
  // `info.x-acs-sources` lists the kinds of source this description's items name.
  const used = new Set(sourceLists(doc).flatMap(({ sources }) => (sources as string[]).map(sourceKey)));
  doc.info['x-acs-sources'] = Object.fromEntries(
    Object.entries<string>(full.info['x-acs-sources'] ?? {}).filter(([kind]) => used.has(kind)),
  );
  return doc;
}

export async function generate(): Promise<string[]> {
  const written: string[] = [];
  for (const api of apiIndex()) {
    const full: Json = JSON.parse(readFileSync(apiFile(api, 'openapi.json'), 'utf8'));
    const dir = join(generatedDir, api.folder, 'actions');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const key of Object.keys(full.paths)) {
      const action = /^\/#Action=([A-Za-z0-9]+)$/.exec(key)?.[1];
      if (!action) throw new Error(`${api.folder}: path key ${key} is not /#Action=<Action>`);
      const doc = perActionDocument(full, action, api.folder);
      writeFileSync(join(dir, `${action}.yaml`), publishedYaml(doc));
      writeFileSync(join(dir, `${action}.json`), JSON.stringify(doc, null, 2) + '\n');
      written.push(`generated/${api.folder}/actions/${action}.yaml`, `generated/${api.folder}/actions/${action}.json`);
    }
  }
  return written;
}
