/**
 * The contracts the proxy checks traffic against, keyed by API version (the request's `Version` parameter or
 * `x-acs-version` header): each API's model in the contract the proxy is given, whose parameter rules
 * packages/client/src/protocol/validate.ts checks (the same validator as the client and the mock) and whose documented
 * responses and schemas check the answers (packages/mock/src/proxy/response-schemas.ts). Nothing is read from disk.
 */
import type { ActionName, ActionRules, ApiModel, ApiName, ContractModel, Site } from '@rd-contract/contract';
import { checkAllParameters, type ParameterValues, type Violation } from '@rd-contract/client/protocol';
import { compileSchema } from '../frontend/schema-compiler.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of any shape, which the response schemas check
export type Json = any;

export interface VersionContract {
  readonly version: string;
  readonly rules: ApiModel;
  /** Every rule the parameters of `action` break (packages/client/src/protocol/validate.ts), most important first. */
  readonly checkParameters: (action: string, values: ParameterValues, site: Site | undefined) => Violation[];
}

/** Every API of a contract, by version. */
export function versionContracts(contract: ContractModel): ReadonlyMap<string, VersionContract> {
  return new Map(
    (Object.keys(contract.apis) as ApiName[]).map((api) => {
      const model = contract.apis[api]!;
      const checkParameters: VersionContract['checkParameters'] = (action, values, site) =>
        checkAllParameters(action as ActionName, values, { contract, compileSchema, api, ...(site ? { site } : {}) });
      return [model.version, { version: model.version, rules: model, checkParameters }] as const;
    }),
  );
}

/** The rules of an action in a version's contract (own properties only: `__proto__` is no action). */
export function actionRules(contract: VersionContract, action: string | undefined): ActionRules | undefined {
  return action !== undefined && Object.hasOwn(contract.rules.actions, action)
    ? contract.rules.actions[action]
    : undefined;
}
