/**
 * The client's options: their type, and their checks and defaults (`resolveClientOptions`), done once when a client
 * is created (a bad endpoint throws there; credentials are checked per call, by the wire building).
 */
import type { ApiModel, ApiName, ContractModel, DefaultApi } from '@rd-contract/contract';
import type { RetryOptions, Site } from './types.js';
import { ResourceDirectoryClientError } from './errors.js';
import { nodeHttpFetch } from './node-http-fetch.js';

export type SignatureAlgorithm = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

export interface ClientOptions<A extends ApiName = DefaultApi> {
  /**
   * The contract whose rules the client applies (parameters, versions, documented errors, endpoints). Default: the
   * `contract` of @rd-contract/contract.
   */
  contract?: ContractModel;
  /**
   * Which API to speak: `'ResourceManager/2020-03-31'` or `'ResourceDirectoryMaster/2022-04-19'`; default: the
   * contract's `defaultApi` (ResourceManager/2020-03-31 in @rd-contract/contract). It sets the Version sent, the
   * actions and parameters there are (DryRun is 2022-04-19's; InitResourceDirectory 2020-03-31's), the errors each
   * action documents and the default endpoint.
   */
  api?: A;
  /**
   * A full URL, `https://host[:port]` (a trailing `/` is fine; no path, query, fragment or user info). Default: the
   * API's endpoint, `https://resourcemanager.aliyuncs.com` or `https://resourcedirectory.aliyuncs.com`.
   */
  endpoint?: string;
  /** Default: env `ALIBABA_CLOUD_ACCESS_KEY_ID`. */
  accessKeyId?: string;
  /** Default: env `ALIBABA_CLOUD_ACCESS_KEY_SECRET`. */
  accessKeySecret?: string;
  /** STS token. Default: env `ALIBABA_CLOUD_SECURITY_TOKEN`. */
  securityToken?: string;
  /** Default `ACS3-HMAC-SHA256` (what the official SDKs send). */
  signatureAlgorithm?: SignatureAlgorithm;
  /**
   * The fetch every request is sent with, given the signed Request. Default: `nodeHttpFetch`, `http.request` /
   * `https.request` through the global agents (as the official SDK sends; cheaper per call than Node's fetch, with the
   * same bytes on the wire). Give `fetch: (r) => fetch(r)` to send with Node's fetch (undici: a `MockAgent` or
   * `ProxyAgent` set as its global dispatcher then applies, and a global fetch replaced later is looked up per
   * request).
   */
  fetch?: (input: Request) => Promise<Response>;
  /** Retry Throttling* and 5xx answers: `true` for the defaults (3 attempts). Off by default. */
  retry?: boolean | RetryOptions;
  /** Time limit of each attempt, in milliseconds. None by default. */
  timeoutMs?: number;
  /**
   * Also apply one site's own parameter rules (`x-acs-site-rules`): `intl` (alibabacloud.com) or `china` (aliyun.com).
   * Default: neither, only the rules both sites share, so a request either site might accept is not refused locally.
   */
  site?: Site;
}

/** Options whose `contract` has been given (the package's entry point gives its default). */
export type WithContract<O> = O & { readonly contract: ContractModel };

/** The options of one client, checked, with their defaults and the environment's credentials filled in. */
export interface ClientSettings {
  readonly contract: ContractModel;
  readonly api: ApiName;
  /** The model of `api` in `contract`. */
  readonly model: ApiModel;
  /** `scheme://host[:port]` of the endpoint. */
  readonly origin: string;
  /** `host[:port]` of the endpoint (the signed `host` header). */
  readonly host: string;
  readonly accessKeyId: string | undefined;
  readonly accessKeySecret: string | undefined;
  readonly securityToken: string | undefined;
  readonly algorithm: SignatureAlgorithm;
  readonly site: Site | undefined;
  readonly fetch: (input: Request) => Promise<Response>;
  readonly timeoutMs: number | undefined;
  readonly retry: boolean | RetryOptions | undefined;
}

export function optionError(message: string): ResourceDirectoryClientError {
  return new ResourceDirectoryClientError('InvalidClientOptions', message);
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw optionError('endpoint must be a full URL such as https://resourcemanager.aliyuncs.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw optionError('endpoint must be an http: or https: URL');
  if (url.username || url.password) throw optionError('endpoint must not contain user info');
  if (url.pathname !== '/' || url.search || url.hash)
    throw optionError('endpoint must not have a path, query or fragment: RPC actions are sent to /');
  return url;
}

/** Throws InvalidClientOptions unless `v` is undefined or a finite number >= min. */
export function checkMs(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min))
    throw optionError(`${name} must be a finite number >= ${min}`);
}

/** Checks the options (throwing InvalidClientOptions) and fills in the defaults and the environment's credentials. */
export function resolveClientOptions(options: WithContract<ClientOptions<ApiName>>): ClientSettings {
  const env = typeof process === 'object' && process?.env ? process.env : {};
  const { contract } = options;
  const api = options.api ?? (contract.defaultApi as ApiName);
  const model = Object.hasOwn(contract.apis, api) ? contract.apis[api] : undefined;
  if (!model) throw optionError(`api must be one of ${Object.keys(contract.apis).join(', ')}`);
  const endpointUrl = parseEndpoint(options.endpoint ?? `https://${model.endpoint}`);
  const algorithm: SignatureAlgorithm = options.signatureAlgorithm ?? 'ACS3-HMAC-SHA256';
  if (algorithm !== 'ACS3-HMAC-SHA256' && algorithm !== 'HMAC-SHA1')
    throw optionError('signatureAlgorithm must be ACS3-HMAC-SHA256 or HMAC-SHA1');
  const site = options.site;
  if (site !== undefined && site !== 'intl' && site !== 'china') throw optionError('site must be intl or china');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw optionError('fetch must be a function');
  checkMs('timeoutMs', options.timeoutMs, 1);
  return {
    contract,
    api,
    model,
    origin: endpointUrl.origin,
    host: endpointUrl.host,
    accessKeyId: options.accessKeyId ?? env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: options.accessKeySecret ?? env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    securityToken: options.securityToken ?? env.ALIBABA_CLOUD_SECURITY_TOKEN,
    algorithm,
    site,
    fetch: options.fetch ?? nodeHttpFetch,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
  };
}
