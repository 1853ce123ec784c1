/**
 * @rd-contract/client: a typed, signing client for Alibaba Cloud's resource-directory actions, as
 * ResourceManager 2020-03-31 (the default) and ResourceDirectoryMaster 2022-04-19 serve them (option `api`), with the
 * parameter validator and signer.
 *
 * This entry point is where the client meets @rd-contract/contract: every function here that applies the contract
 * takes a `contract` option and, when it is left out, uses that package's `contract` value. The modules behind it
 * are given the contract, never import it.
 */
import { contract as packagedContract, type ActionName, type ApiName, type DefaultApi } from '@rd-contract/contract';
import { createClient as createClientFor, type ClientOptions, type ResourceDirectoryClient } from './client.js';
import {
  createSigningFetch as createSigningFetchFor,
  type SigningFetch,
  type SigningFetchOptions,
} from './signing-fetch.js';
import * as validate from './protocol/validate.js';

/** The default API's endpoint (ResourceManager 2020-03-31). Each API's own: `https://<its endpoint>`. */
export const DEFAULT_ENDPOINT = `https://${packagedContract.apis[packagedContract.defaultApi].endpoint}`;

/** Creates a client (see packages/client/src/client.ts); `contract` defaults to @rd-contract/contract's. */
export function createClient<A extends ApiName = DefaultApi>(
  options: ClientOptions<A> = {},
): ResourceDirectoryClient<A> {
  return createClientFor({ ...options, contract: options.contract ?? packagedContract });
}

/** A signing fetch for generated clients (see packages/client/src/signing-fetch.ts); `contract` as the client's. */
export function createSigningFetch(options: SigningFetchOptions = {}): SigningFetch {
  return createSigningFetchFor({ ...options, contract: options.contract ?? packagedContract });
}

/** The parameter check options; `contract` defaults to @rd-contract/contract's. */
export type CheckOptions = Omit<validate.CheckOptions, 'contract'> & {
  readonly contract?: validate.CheckOptions['contract'];
};

/** Every rule the parameters break, most important first (packages/client/src/protocol/validate.ts). */
export function checkAllParameters(
  action: ActionName,
  values: validate.ParameterValues,
  options: CheckOptions = {},
): validate.Violation[] {
  return validate.checkAllParameters(action, values, { ...options, contract: options.contract ?? packagedContract });
}

/** The one error the service answers with, or undefined when the parameters are valid. */
export function checkParameters(
  action: ActionName,
  values: validate.ParameterValues,
  options: CheckOptions = {},
): validate.Violation | undefined {
  return checkAllParameters(action, values, options)[0];
}

export type { ResourceDirectoryClient, SignatureAlgorithm, ParamsOf, DataOf, ErrorOf } from './client.js';
export type { ClientOptions, SigningFetch, SigningFetchOptions };
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
export type { ParameterValues, Violation, ViolationKind } from './protocol/validate.js';
export * as signing from './protocol/signing.js';
export { withoutFragment } from './signing-fetch.js';
