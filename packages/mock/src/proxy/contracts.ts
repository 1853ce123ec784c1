/**
 * The contracts the proxy checks traffic against, keyed by API version (the request's `Version` parameter or
 * `x-acs-version` header): each API's contract model (generated/contract.ts), whose parameter rules packages/client/src/protocol/validate.ts checks
 * (the same validator as the client and the mock) and whose documented responses and schemas check the answers
 * (packages/mock/src/proxy/response-schemas.ts). Nothing is read from disk.
 */
import { apis, type ActionName, type ApiName } from '@rd-contract/contract';
import type { ActionRules, ContractRules, Site } from '@rd-contract/contract';
import { checkAllParameters, type ParameterValues, type Violation } from '@rd-contract/client/protocol';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface VersionContract {
  readonly version: string;
  readonly rules: ContractRules;
  /** Every rule the parameters of `action` break (packages/client/src/protocol/validate.ts), most important first. */
  readonly checkParameters: (action: string, values: ParameterValues, site: Site | undefined) => Violation[];
}

/** Every contract the proxy knows, by version. */
const contracts: ReadonlyMap<string, VersionContract> = new Map(
  (Object.keys(apis) as ApiName[]).map((api) => {
    const model: ContractRules = apis[api];
    const checkParameters: VersionContract['checkParameters'] = (action, values, site) => checkAllParameters(action as ActionName, values, site ? { site, api } : { api });
    return [model.version, { version: model.version, rules: model, checkParameters }] as const;
  }),
);

export function loadContracts(): ReadonlyMap<string, VersionContract> {
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
