/**
 * The typed client: one method per action of its API in the contract it is given (the `contract` option, by default
 * @rd-contract/contract's), on openapi-fetch with the contract's types, signing with
 * packages/client/src/protocol/signing.ts and validating with packages/client/src/protocol/validate.ts.
 *
 * ```ts
 * import { createClient } from '@rd-contract/client';
 * const rd = createClient({ accessKeyId, accessKeySecret });
 * const { data, error } = await rd.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
 * if (error) switch (error.Code) { ... } // exhaustive over the action's documented codes
 * ```
 *
 * How a call goes:
 * 1. The parameters are checked: `wireRequest` (./wire.ts) refuses unknown or transport parameters, validates the rest
 *   with
 *    `checkAllParameters` (including the contract's request rules and, with `site`, the site rules) and throws a
 *    `ResourceDirectoryValidationError` if anything is broken: nothing is sent.
 * 2. It then builds the wire request from scratch and signs it:
 *    - ACS3-HMAC-SHA256 (default): `POST /?<action parameters>` with `x-acs-action`, `x-acs-version`, `x-acs-date`,
 *      `x-acs-signature-nonce`, `x-acs-content-sha256`, `accept: application/json`, `x-acs-security-token` (STS) and
 *      `Authorization`; `host` is signed as the endpoint's host (fetch sends it).
 *    - HMAC-SHA1: `POST
 *      /?Action&Format=JSON&Version&AccessKeyId&SignatureMethod&SignatureVersion&SignatureNonce&Timestamp
 *      [&SecurityToken]&<action parameters>&Signature`, with `accept: application/json`.
 *    Parameters go in the contract's declared order; an empty value counts as absent and is not sent; booleans are
 *    `true`/`false`. The body is empty. Every attempt gets a new nonce and timestamp.
 * 3. The request is sent one way (./send.ts): through `client.raw`, openapi-fetch over the contract's paths (path key
 *    `/#Action=X`, parameters as `params.query`), whose first middleware does steps 1 and 2 and whose fetch is the
 *    `fetch` option, by default node:http (./node-http-fetch.ts: the same bytes as Node's fetch, cheaper per call).
 *    Middleware added with `raw.use` sees every request, signed, and every answer. A call's own `headers` (e.g.
 *    `Prefer`, to pick a mock's answer) are sent as given. No timer is set unless a timeout is.
 * 4. The answer: 2xx with a JSON body gives `{ data, response }`; an error body with a code the action documents gives
 *    `{ error, response }` (string fields redacted of the secret and token); anything else throws a
 *    `ResourceDirectoryResponseError`. With `retry`, Throttling* codes and 5xx are retried with backoff, honouring
 *    `x-acs-retry-after` (milliseconds).
 *
 * Secrets: the AccessKey secret and the security token live only in the client's settings
 * (packages/client/src/options.ts), held by its closures and never exposed by it; they are never logged, never put in
 * an error, and texts from outside (fetch errors, error bodies) are redacted before they reach the caller. With
 * HMAC-SHA1 and STS the token is in the URL, so the response handed back then has an empty `url`.
 */
import type { Client } from 'openapi-fetch';
import type { ActionTypes, ApiName, ApiSurfaces, ClientActionName, DefaultApi } from '@rd-contract/contract';
import type { ActionResult, CallOptions, Site } from './types.js';
import { callAction, type CallContext } from './call.js';
import { resolveClientOptions, type ClientOptions, type SignatureAlgorithm, type WithContract } from './options.js';
import { actionMethodQuery, createSender, type FetchResult } from './send.js';
import { createWireBuilder, type AnyParams } from './wire.js';
import { makeRedactor } from './protocol/redaction.js';
import { resolveRetry } from './retry.js';
import { isPresent } from './protocol/validate.js';

export type { ClientOptions, SignatureAlgorithm } from './options.js';
export type { DefaultApi };

/**
 * An action's method: its parameters (optional when none is required) and per-call options, resolving with its result.
 */
type ActionMethod<T> = T extends { params: infer P; data: infer D; error: infer E }
  ? Record<never, never> extends P
    ? (params?: P, options?: CallOptions) => Promise<ActionResult<D, E>>
    : (params: P, options?: CallOptions) => Promise<ActionResult<D, E>>
  : never;

/** One method per action, named exactly as the action (each keeps its documentation from the contract's types). */
export type ActionMethods<A extends ApiName> = {
  [K in keyof ApiSurfaces[A]['types']]: ActionMethod<ApiSurfaces[A]['types'][K]>;
};

/**
 * The client of one API: one method per action of that API, plus the underlying openapi-fetch client (same signing
 * middleware).
 */
export type ResourceDirectoryClient<A extends ApiName = DefaultApi> = ActionMethods<A> & {
  /**
   * openapi-fetch over the API's paths, through which every call of the client goes: its first middleware validates
   * and signs; `raw.use(middleware)` adds yours after it (it sees the signed requests of the action methods too).
   */
  readonly raw: Client<ApiSurfaces[A]['paths']>;
  /** `<Product>/<version>`. */
  readonly api: A;
  readonly endpoint: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly site: Site | undefined;
};

/**
 * Creates a client for `options.contract` (the package's entry point, ./index.ts, gives the default). Options are
 * checked here (a bad endpoint throws); credentials are checked per call.
 * The pieces, each in its module: options (./options.ts), redaction (./protocol/redaction.ts), wire building and
 * signing (./wire.ts, ./protocol/signing.ts), sending (./send.ts, ./node-http-fetch.ts), the call with its retry
 * (./call.ts, ./retry.ts).
 */
export function createClient<A extends ApiName = DefaultApi>(
  options: WithContract<ClientOptions<A>>,
): ResourceDirectoryClient<A> {
  const settings = resolveClientOptions(options);
  const actions = settings.model.actions;
  const retry = resolveRetry(settings.retry);
  const tokenInUrl = settings.algorithm === 'HMAC-SHA1' && isPresent(settings.securityToken);
  const wireRequest = createWireBuilder(settings);
  const raw = createSender({
    model: settings.model,
    origin: settings.origin,
    fetch: settings.fetch,
    tokenInUrl,
    wireRequest,
  });
  // The path key and query are checked by the middleware at run time; the per-action types are on the methods.
  const post = raw.POST as unknown as (pathKey: string, init: object) => Promise<FetchResult>;
  const context: CallContext = {
    version: settings.model.version,
    errorCodes: Object.fromEntries(Object.entries(actions).map(([name, a]) => [name, Object.keys(a.errors)])),
    retry,
    timeoutMs: settings.timeoutMs,
    redact: makeRedactor([settings.accessKeySecret, settings.securityToken]),
    send: (action, query, signal, headers) =>
      post(actions[action]!.pathKey, {
        params: { query: actionMethodQuery(query) },
        parseAs: 'text',
        ...(signal ? { signal } : {}),
        ...(headers ? { headers } : {}),
      }),
  };

  const client: Record<string, unknown> = {};
  for (const name of Object.keys(actions)) {
    client[name] = (params?: AnyParams, co?: CallOptions) => callAction(context, name, params, co);
  }
  Object.defineProperties(client, {
    raw: { value: raw, enumerable: false },
    api: { value: settings.api, enumerable: true },
    endpoint: { value: settings.origin, enumerable: true },
    signatureAlgorithm: { value: settings.algorithm, enumerable: true },
    site: { value: settings.site, enumerable: true },
  });
  return Object.freeze(client) as unknown as ResourceDirectoryClient<A>;
}

/** The params, data and error types of one action, for code that is generic over actions. */
export type ParamsOf<A extends ClientActionName> = ActionTypes[A]['params'];
export type DataOf<A extends ClientActionName> = ActionTypes[A]['data'];
export type ErrorOf<A extends ClientActionName> = ActionTypes[A]['error'];
