/**
 * The contracts the proxy checks traffic against, keyed by API version (the request's `Version` parameter or
 * `x-acs-version` header). Each entry pairs the version's run-time rules (generated/rules.ts, checked by
 * src/validate.ts: the same validator as the client and the mock) with its bundled OpenAPI document, whose response
 * schemas and media types check the answers (src/proxy/response-schemas.ts).
 *
 * One entry per API of generated/rules.ts (ResourceManager 2020-03-31, ResourceDirectoryMaster 2022-04-19), each
 * with its published description generated/<Product>-<version>/openapi.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { apis, type ActionName, type ApiName } from '../../generated/rules.js';
import type { ActionRules, ContractRules, Site } from '../rules-types.js';
import { checkAllParameters, type ParameterValues, type Violation } from '../validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface VersionContract {
  readonly version: string;
  readonly rules: ContractRules;
  /** Every rule the parameters of `action` break (src/validate.ts), most important first. */
  readonly checkParameters: (action: string, values: ParameterValues, site: Site | undefined) => Violation[];
  /** The bundled OpenAPI document of this version. */
  readonly document: Json;
  /** The operation of each action in `document`. */
  readonly operations: ReadonlyMap<string, Json>;
}

/** generated/<name>, from src/proxy/ (tsx) or dist/src/proxy/ (compiled). */
function generatedFile(name: string): URL {
  const candidates = [new URL(`../../generated/${name}`, import.meta.url), new URL(`../../../generated/${name}`, import.meta.url)];
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

function load(version: string, contractRules: ContractRules, check: VersionContract['checkParameters'], documentFile: URL): VersionContract {
  const document: Json = JSON.parse(readFileSync(documentFile, 'utf8'));
  const documented = String(document['x-acs-rpc']?.version ?? document.info?.version ?? '');
  if (documented !== version) throw new Error(`${documentFile.pathname} describes version ${documented}, the rules ${version}: rebuild (npm run build)`);
  const operations = new Map<string, Json>();
  for (const item of Object.values<Json>(document.paths ?? {})) {
    for (const op of Object.values<Json>(item)) if (op && typeof op.operationId === 'string') operations.set(op.operationId, op);
  }
  for (const action of Object.keys(contractRules.actions)) {
    if (!operations.has(action)) throw new Error(`${documentFile.pathname} has no operation ${action}: rebuild (npm run build)`);
  }
  return { version, rules: contractRules, checkParameters: check, document, operations };
}

/** Every contract the proxy knows, by version. Loaded on first use. */
let contracts: ReadonlyMap<string, VersionContract> | undefined;

export function loadContracts(): ReadonlyMap<string, VersionContract> {
  contracts ??= new Map(
    (Object.keys(apis) as ApiName[]).map((api) => {
      const model: ContractRules = apis[api];
      return load(
        model.version,
        model,
        (action, values, site) => checkAllParameters(action as ActionName, values, site ? { site, api } : { api }),
        generatedFile(`${api.replace('/', '-')}/openapi.json`),
      );
    }).map((c) => [c.version, c]),
  );
  return contracts;
}

/** The contract of a version, or undefined when the proxy knows no such version. */
export function contractFor(version: string | undefined): VersionContract | undefined {
  return version === undefined ? undefined : loadContracts().get(version);
}

/** The rules of an action in a version's contract (own properties only: `__proto__` is no action). */
export function actionRules(contract: VersionContract, action: string | undefined): ActionRules | undefined {
  return action !== undefined && Object.hasOwn(contract.rules.actions, action) ? contract.rules.actions[action] : undefined;
}
