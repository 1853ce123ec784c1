/**
 * @rd-contract/client: a typed, signing client for Alibaba Cloud's resource-directory actions, as
 * ResourceManager 2020-03-31 (the default) and ResourceDirectoryMaster 2022-04-19 serve them (option `api`), with the
 * contract models, parameter validator and signer.
 */
export { createClient, DEFAULT_ENDPOINT } from './client.js';
export type { ClientOptions, ResourceDirectoryClient, SignatureAlgorithm, ParamsOf, DataOf, ErrorOf } from './client.js';
export { nodeHttpFetch } from './node-http-fetch.js';
export type { ActionResult, CallOptions, RetryOptions, Site } from './types.js';
export {
  ResourceDirectoryAbortError,
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
  ResourceDirectoryTimeoutError,
  ResourceDirectoryValidationError,
} from './errors.js';
export type { ClientErrorCode, ClientViolation } from './errors.js';
export * from '@rd-contract/contract';

export { rules, actionNames, apis, apiNames, defaultApi } from '@rd-contract/contract';
export type { ActionName, ApiName } from '@rd-contract/contract';
export type { ContractRules, ActionRules, ParameterRule, RequestRule, ErrorEntry, JsonSchema } from '@rd-contract/contract';
export { checkAllParameters, checkParameters } from './protocol/validate.js';
export type { CheckOptions, ParameterValues, Violation, ViolationKind } from './protocol/validate.js';
export * as signing from './protocol/signing.js';
export { createSigningFetch, withoutFragment } from './signing-fetch.js';
export type { SigningFetch, SigningFetchOptions } from './signing-fetch.js';
