/**
 * @rd-contract/resourcemanager-rd: a typed, signing client for Alibaba Cloud Resource Manager's resource-directory
 * actions (API 2020-03-31), with the contract's run-time rules, parameter validator and signer.
 */
export { createClient, DEFAULT_ENDPOINT } from './client.js';
export type { ClientOptions, ResourceDirectoryClient, SignatureAlgorithm, Transport, ParamsOf, DataOf, ErrorOf } from './client.js';
export type { ActionResult, CallOptions, RetryOptions, Site } from './client-types.js';
export {
  ResourceDirectoryAbortError,
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
  ResourceDirectoryTimeoutError,
  ResourceDirectoryValidationError,
} from './client-errors.js';
export type { ClientErrorCode, ClientViolation } from './client-errors.js';
export * from '../generated/client.js';

export { rules, actionNames } from '../generated/rules.js';
export type { ActionName } from '../generated/rules.js';
export type { ContractRules, ActionRules, ParameterRule, RequestRule, ErrorEntry, JsonSchema } from './rules-types.js';
export { checkAllParameters, checkParameters } from './validate.js';
export type { CheckOptions, ParameterValues, Violation, ViolationKind } from './validate.js';
export * as signing from './signing.js';
export { createSigningFetch, withoutFragment } from './signing-fetch.js';
export type { SigningFetch, SigningFetchOptions } from './signing-fetch.js';
