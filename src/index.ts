/**
 * @rd-contract/resourcemanager-rd: a typed, signing client for Alibaba Cloud's resource-directory actions, as
 * ResourceManager 2020-03-31 (the default) and ResourceDirectoryMaster 2022-04-19 serve them (option `api`), with the
 * contract models, parameter validator and signer.
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

export { rules, actionNames, apis, apiNames, defaultApi } from '../generated/rules.js';
export type { ActionName, ApiName } from '../generated/rules.js';
export type { ContractRules, ActionRules, ParameterRule, RequestRule, ErrorEntry, JsonSchema } from './rules-types.js';
export { checkAllParameters, checkParameters } from './validate.js';
export type { CheckOptions, ParameterValues, Violation, ViolationKind } from './validate.js';
export * as signing from './signing.js';
export { createSigningFetch, withoutFragment } from './signing-fetch.js';
export type { SigningFetch, SigningFetchOptions } from './signing-fetch.js';
