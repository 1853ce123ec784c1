/**
 * The typed client: one method per action (generated/client.ts), on openapi-fetch with the contract's types
 * (generated/types.ts), signing with src/signing.ts and validating with src/validate.ts.
 *
 * ```ts
 * import { createClient } from '@rd-contract/resourcemanager-rd';
 * const rd = createClient({ accessKeyId, accessKeySecret });
 * const { data, error } = await rd.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
 * if (error) switch (error.Code) { ... } // exhaustive over the action's documented codes
 * ```
 *
 * How a call goes:
 * 1. The parameters are checked: `wireRequest` refuses unknown or transport parameters, validates the rest with
 *    `checkAllParameters` (including the contract's request rules and, with `site`, the site rules) and throws a
 *    `ResourceDirectoryValidationError` if anything is broken: nothing is sent.
 * 2. It then builds the wire request from scratch and signs it:
 *    - ACS3-HMAC-SHA256 (default): `POST /?<action parameters>` with `x-acs-action`, `x-acs-version`, `x-acs-date`,
 *      `x-acs-signature-nonce`, `x-acs-content-sha256`, `accept: application/json`, `x-acs-security-token` (STS) and
 *      `Authorization`; `host` is signed as the endpoint's host (fetch sends it).
 *    - HMAC-SHA1: `POST /?Action&Format=JSON&Version&AccessKeyId&SignatureMethod&SignatureVersion&SignatureNonce&Timestamp
 *      [&SecurityToken]&<action parameters>&Signature`, with `accept: application/json`.
 *    Parameters go in the contract's declared order; an empty value counts as absent and is not sent; booleans are
 *    `true`/`false`. The body is empty. Every attempt gets a new nonce and timestamp.
 * 3. The request is sent:
 *    - `client.raw` is openapi-fetch over the contract's paths (path key `/#Action=X`, parameters as `params.query`);
 *      its middleware reads the action from `schemaPath` and the parameters from `params.query` (never from the URL
 *      openapi-fetch built, whose `#` would swallow the query), calls `wireRequest` and replaces the request.
 *    - The action methods call `wireRequest` themselves and send the wire request with the transport
 *      (`ClientOptions.transport`): by default `node:http` (src/transport.ts: the same bytes as fetch, cheaper per
 *      call), or fetch as URL and init (to a custom or replaced fetch, as a Request), reading the answer as
 *      openapi-fetch does with `parseAs: 'text'`: one Request per call instead of three. Once middleware has been added to `client.raw` (`raw.use`), they go through `raw`
 *      instead, so that middleware sees their requests too.
 *    Nothing is allocated for a timeout or a signal unless one is set.
 * 4. The answer: 2xx with a JSON body gives `{ data, response }`; an error body with a code the action documents gives
 *    `{ error, response }` (string fields redacted of the secret and token); anything else throws a
 *    `ResourceDirectoryResponseError`. With `retry`, Throttling* codes and 5xx are retried with backoff, honouring
 *    `x-acs-retry-after` (milliseconds).
 *
 * Secrets: the AccessKey secret and the security token live only in this module's closure; they are never logged,
 * never put in an error, and texts from outside (fetch errors, error bodies) are redacted before they reach the caller.
 * With HMAC-SHA1 and STS the token is in the URL, so the response handed back then has an empty `url`.
 */
import { hash } from 'node:crypto';
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/types.js';
import { apiVersion, clientActions, type ActionTypes, type ClientActionName, type ResourceDirectoryActions } from '../generated/client.js';
import { rules } from '../generated/rules.js';
import type { ActionResult, CallOptions, RetryOptions, Site } from './client-types.js';
import {
  ResourceDirectoryAbortError,
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
  ResourceDirectoryTimeoutError,
  ResourceDirectoryValidationError,
  type ClientViolation,
} from './client-errors.js';
import { ACS3_ALGORITHM, EMPTY_BODY_SHA256, acs3StringToSign, newNonce, percentEncodeAcs3, percentEncodeRpc, signRpc, utcTimestamp } from './signing.js';
import { sendWithNodeHttp, type WireRequest } from './transport.js';
import { checkAllParameters, isPresent } from './validate.js';

export const DEFAULT_ENDPOINT = 'https://resourcemanager.aliyuncs.com';
export type SignatureAlgorithm = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
export type Transport = 'auto' | 'fetch' | 'node:http';

export interface ClientOptions {
  /** A full URL, `https://host[:port]` (a trailing `/` is fine; no path, query, fragment or user info). Default `https://resourcemanager.aliyuncs.com`. */
  endpoint?: string;
  /** Default: env `ALIBABA_CLOUD_ACCESS_KEY_ID`. */
  accessKeyId?: string;
  /** Default: env `ALIBABA_CLOUD_ACCESS_KEY_SECRET`. */
  accessKeySecret?: string;
  /** STS token. Default: env `ALIBABA_CLOUD_SECURITY_TOKEN`. */
  securityToken?: string;
  /** Default `ACS3-HMAC-SHA256` (what the official SDKs send). */
  signatureAlgorithm?: SignatureAlgorithm;
  /** A fetch to send with, given a Request (implies `transport: 'fetch'`). */
  fetch?: (input: Request) => Promise<Response>;
  /**
   * How the action methods send (`client.raw` always uses fetch). Both put the same bytes on the wire.
   * - `'auto'` (default): `node:http` (the global agents, as the official SDK does; cheaper per call than fetch),
   *   unless something else was asked for: a `fetch` option, a replaced global fetch (looked up per request, e.g.
   *   `vi.stubGlobal('fetch', ...)`), or an undici global dispatcher other than a plain `Agent` (`MockAgent`,
   *   `ProxyAgent`, ...); then fetch.
   * - `'fetch'`: the `fetch` option, else the global fetch, looked up per request.
   * - `'node:http'`: always `http.request` / `https.request` through `http.globalAgent` / `https.globalAgent`.
   */
  transport?: Transport;
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

/** The client: one method per action, plus the underlying openapi-fetch client (same signing middleware). */
export type ResourceDirectoryClient = ResourceDirectoryActions & {
  /** openapi-fetch over the contract's paths; its requests go through the same validating, signing middleware. */
  readonly raw: Client<paths>;
  readonly endpoint: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly site: Site | undefined;
  readonly transport: Transport;
};

/** The query parameters the client itself sets (routing and classic signing), from the contract model. */
const TRANSPORT_PARAMETERS = new Set<string>([...rules.commonParameters.routing, ...rules.commonParameters.signing['HMAC-SHA1']]);
const RETRY_DEFAULTS: Required<RetryOptions> = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 };
const REDACTED = '[REDACTED]';

type AnyParams = Readonly<Record<string, unknown>>;

function optionError(message: string): ResourceDirectoryClientError {
  return new ResourceDirectoryClientError('InvalidClientOptions', message);
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw optionError('endpoint must be a full URL such as https://resourcemanager.aliyuncs.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw optionError('endpoint must be an http: or https: URL');
  if (url.username || url.password) throw optionError('endpoint must not contain user info');
  if (url.pathname !== '/' || url.search || url.hash) throw optionError('endpoint must not have a path, query or fragment: RPC actions are sent to /');
  return url;
}

function checkMs(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min)) throw optionError(`${name} must be a finite number >= ${min}`);
}

function resolveRetry(r: boolean | RetryOptions | undefined): Required<RetryOptions> {
  if (!r) return { ...RETRY_DEFAULTS, maxAttempts: 1 };
  const out = { ...RETRY_DEFAULTS, ...(r === true ? {} : r) };
  if (!Number.isInteger(out.maxAttempts) || out.maxAttempts < 1) throw optionError('retry.maxAttempts must be an integer >= 1');
  checkMs('retry.baseDelayMs', out.baseDelayMs, 0);
  checkMs('retry.maxDelayMs', out.maxDelayMs, 0);
  return out;
}

/** Replaces every occurrence of a secret (as is, percent-encoded once and twice) in a text. */
function makeRedactor(secrets: readonly (string | undefined)[]): (s: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    forms.add(s);
    try {
      const once = percentEncodeRpc(s);
      forms.add(once);
      forms.add(percentEncodeRpc(once));
      forms.add(encodeURIComponent(s));
    } catch {
      /* a lone surrogate: only the raw form */
    }
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => list.reduce((t, f) => t.split(f).join(REDACTED), text);
}

function serialise(value: unknown, schemaType: unknown): string {
  if (schemaType === 'boolean') return value === true || value === 'true' || value === 1 || value === '1' ? 'true' : 'false';
  return String(value);
}


function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(response: Response): number | undefined {
  const h = response.headers.get('x-acs-retry-after');
  if (h === null || !/^\s*\d+(\.\d+)?\s*$/.test(h)) return undefined;
  return Math.ceil(Number(h));
}

function actionOf(schemaPath: string): ClientActionName {
  const m = /^\/#Action=([A-Za-z0-9]+)$/.exec(schemaPath);
  const name = m?.[1];
  if (!name || !Object.prototype.hasOwnProperty.call(clientActions, name)) {
    throw new ResourceDirectoryClientError('InvalidAction.NotFound', `${schemaPath} is not an action of this contract; nothing was sent`);
  }
  return name as ClientActionName;
}

function violation(action: ClientActionName, parameter: string, kind: 'unknown' | 'transport', detail: string): ClientViolation {
  const entry = rules.actions[action].errors.InvalidParameter;
  return { code: 'InvalidParameter', status: entry.status, message: entry.message, parameter, kind, detail };
}

/**
 * HMAC-SHA256 with one secret, as hex: RFC 2104 over two one-shot SHA-256 digests (`crypto.hash`) with the key pads
 * computed once. The same bytes as `createHmac('sha256', secret)`, without an Hmac object per request (which costs
 * more than the two digests).
 */
function hmacSha256Hex(secret: string): (data: string) => string {
  const BLOCK = 64;
  let key = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK) key = hash('sha256', key, 'buffer');
  let inner = Buffer.alloc(BLOCK + 128, 0x36); // K ^ ipad, then the message
  const outer = Buffer.alloc(BLOCK + 32, 0x5c); // K ^ opad, then the inner digest
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return (data) => {
    const length = BLOCK + Buffer.byteLength(data, 'utf8');
    if (length > inner.length) inner = Buffer.concat([inner.subarray(0, BLOCK), Buffer.alloc(length - BLOCK)]);
    inner.write(data, BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, length), 'buffer').copy(outer, BLOCK);
    return hash('sha256', outer, 'hex');
  };
}

let stampSecond = Number.NaN;
let stamp = '';
/** utcTimestamp() of now, formatted once per second. */
function currentTimestamp(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== stampSecond) {
    stamp = utcTimestamp(new Date(second * 1000));
    stampSecond = second;
  }
  return stamp;
}

/** Per action, computed once from the contract: what building a request needs besides the values. */
interface ActionPlan {
  /** The names the caller may give. */
  readonly own: ReadonlySet<string>;
  /** The parameters in the contract's declared order (the wire order), with their percent-encoded names. */
  readonly parameters: readonly { readonly name: string; readonly encodedName: string; readonly type: unknown }[];
  /** Indexes into `parameters` in code-unit order of the names: the order of the ACS3 canonical query. */
  readonly canonicalOrder: readonly number[];
}

const plans = Object.fromEntries(
  (Object.keys(clientActions) as ClientActionName[]).map((action) => {
    const parameters = rules.actions[action].parameters.map((p) => ({ name: p.name, encodedName: percentEncodeAcs3(p.name), type: p.schema.type }));
    const names = parameters.map((p) => p.name);
    const canonicalOrder = [...names].sort().map((n) => names.indexOf(n));
    const plan: ActionPlan = { own: new Set<string>(clientActions[action].parameters), parameters, canonicalOrder };
    return [action, plan];
  }),
) as Record<ClientActionName, ActionPlan>;

/** The global fetch as this module found it (Node's own, unless something replaced it first). */
const nativeFetch = globalThis.fetch;

const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
/**
 * Whether an undici global dispatcher other than a plain Agent is installed (`setGlobalDispatcher(new MockAgent())`,
 * a ProxyAgent, ...): fetch would go through it, node:http would not. Node's own default dispatcher, created on the
 * first fetch, is a plain Agent.
 */
function dispatcherInstalled(): boolean {
  const d = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER];
  return d !== undefined && (d as { constructor?: { name?: string } } | null)?.constructor?.name !== 'Agent';
}

/** A parsed body as text for an error message; JSON.parse accepts nesting JSON.stringify cannot serialise. */
function showBody(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return '(a JSON body nested too deeply to show)';
  }
}

/** What openapi-fetch resolves with for `parseAs: 'text'`: the body text on success, the parsed JSON (or text) otherwise. */
interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A response without its URL (the URL of an HMAC-SHA1 request with STS holds the token). */
function withoutUrl(response: Response): Response {
  // Shadowing the getter keeps the response itself (a copy through `new Response` would throw for a status outside
  // 200-599, which fetch accepts, e.g. `HTTP/1.1 999`).
  return Object.defineProperty(response, 'url', { value: '', enumerable: true });
}

/**
 * Reads a response the way openapi-fetch does with `parseAs: 'text'`, so both paths resolve with the same shape.
 * (openapi-fetch leaves a 204 or `content-length: 0` body unread and gives `undefined`; reading it gives `''`, which
 * `call` treats exactly as `undefined`: not a JSON object, no error body.)
 */
async function readAsText(response: Response): Promise<FetchResult> {
  return textResult(response, await response.text());
}

function textResult(response: Response, text: string): FetchResult {
  if (response.ok) return { data: text, response };
  let error: unknown = text;
  try {
    error = JSON.parse(text);
  } catch {
    /* not JSON: the text */
  }
  return { error, response };
}

/** Creates a client. Options are checked here (a bad endpoint throws); credentials are checked per call. */
export function createClient(options: ClientOptions = {}): ResourceDirectoryClient {
  const env = typeof process === 'object' && process?.env ? process.env : {};
  const endpointUrl = parseEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
  const origin = endpointUrl.origin;
  const host = endpointUrl.host;
  const accessKeyId = options.accessKeyId ?? env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = options.accessKeySecret ?? env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const securityToken = options.securityToken ?? env.ALIBABA_CLOUD_SECURITY_TOKEN;
  const algorithm: SignatureAlgorithm = options.signatureAlgorithm ?? 'ACS3-HMAC-SHA256';
  if (algorithm !== 'ACS3-HMAC-SHA256' && algorithm !== 'HMAC-SHA1') throw optionError('signatureAlgorithm must be ACS3-HMAC-SHA256 or HMAC-SHA1');
  const site = options.site;
  if (site !== undefined && site !== 'intl' && site !== 'china') throw optionError('site must be intl or china');
  const transport: Transport = options.transport ?? 'auto';
  if (transport !== 'auto' && transport !== 'fetch' && transport !== 'node:http') throw optionError('transport must be auto, fetch or node:http');
  if (transport === 'node:http' && options.fetch) throw optionError('a fetch option cannot be used with transport node:http');
  checkMs('timeoutMs', options.timeoutMs, 1);
  const clientRetry = resolveRetry(options.retry);
  const redact = makeRedactor([accessKeySecret, securityToken]);
  const hasToken = isPresent(securityToken);
  const tokenInUrl = algorithm === 'HMAC-SHA1' && hasToken;
  // ACS3: the signed header names are the same for every request; so is the canonical `host` line.
  const acs3SignedHeaders = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', ...(hasToken ? ['x-acs-security-token'] : []), 'x-acs-signature-nonce', 'x-acs-version'].join(';');
  const acs3HostLine = `host:${host.trim()}\n`;
  const acs3TokenLine = hasToken ? `x-acs-security-token:${(securityToken as string).trim()}\n` : '';
  let hmac: ((data: string) => string) | undefined; // keyed with accessKeySecret on first use

  /**
   * Checks the parameters, then builds and signs the wire request: the only way a request leaves this client
   * (the action methods send what it returns; `raw` goes through it in its middleware).
   */
  function wireRequest(action: ClientActionName, query: AnyParams): WireRequest {
    const spec = clientActions[action];
    const plan = plans[action];
    const extra: ClientViolation[] = [];
    const values: Record<string, unknown> = {};
    for (const name of Object.keys(query)) {
      const v = query[name];
      if (plan.own.has(name)) values[name] = v;
      else if (name === 'Action' && v === action) continue;
      else if (name === 'Version' && v === apiVersion) continue;
      else if (TRANSPORT_PARAMETERS.has(name)) extra.push(violation(action, name, 'transport', `${name} is set by the client and cannot be given${name === 'Action' || name === 'Version' ? ' with another value' : ''}`));
      else extra.push(violation(action, name, 'unknown', `${name} is not a parameter of ${action}`));
    }
    const checked = checkAllParameters(action, values, { site });
    if (extra.length || checked.length) throw new ResourceDirectoryValidationError(action, [...extra, ...checked]);
    if (!accessKeyId || !accessKeySecret) {
      throw new ResourceDirectoryCredentialsError(
        'MissingCredentials',
        `${action}: no AccessKey ID or secret (options accessKeyId/accessKeySecret or env ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET); nothing was sent`,
        { action },
      );
    }

    const method = spec.method;
    const nonce = newNonce();
    const timestamp = currentTimestamp();
    if (algorithm === 'ACS3-HMAC-SHA256') {
      // The query in the contract's order, and the canonical query (names in code-unit order, values encoded the
      // same way): what acs3Authorization would build from the same parts, without building them twice.
      const { parameters, canonicalOrder } = plan;
      const encoded: (string | undefined)[] = new Array(parameters.length);
      let search = '';
      for (let i = 0; i < parameters.length; i++) {
        const p = parameters[i]!;
        const v = values[p.name];
        if (!isPresent(v)) continue;
        const e = percentEncodeAcs3(serialise(v, p.type));
        encoded[i] = e;
        search += `${search ? '&' : '?'}${p.encodedName}=${e}`;
      }
      let canonicalQuery = '';
      for (const i of canonicalOrder) {
        const e = encoded[i];
        if (e !== undefined) canonicalQuery += `${canonicalQuery ? '&' : ''}${parameters[i]!.name}=${e}`;
      }
      const canonicalHeaders =
        `${acs3HostLine}x-acs-action:${action}\nx-acs-content-sha256:${EMPTY_BODY_SHA256}\nx-acs-date:${timestamp}\n` +
        `${acs3TokenLine}x-acs-signature-nonce:${nonce}\nx-acs-version:${apiVersion}\n`;
      const canonicalRequest = `${method}\n/\n${canonicalQuery}\n${canonicalHeaders}\n${acs3SignedHeaders}\n${EMPTY_BODY_SHA256}`;
      const signature = (hmac ??= hmacSha256Hex(accessKeySecret))(acs3StringToSign(canonicalRequest));
      // fetch sends host itself, from the URL
      const headers: Record<string, string> = {
        'x-acs-action': action,
        'x-acs-version': apiVersion,
        'x-acs-date': timestamp,
        'x-acs-signature-nonce': nonce,
        'x-acs-content-sha256': EMPTY_BODY_SHA256,
      };
      if (hasToken) headers['x-acs-security-token'] = securityToken as string;
      headers.accept = 'application/json';
      headers.authorization = `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${acs3SignedHeaders},Signature=${signature}`;
      return { url: `${origin}/${search}`, method, headers };
    }
    const pairs: [string, string][] = [
      ['Action', action],
      ['Format', 'JSON'],
      ['Version', apiVersion],
      ['AccessKeyId', accessKeyId],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureVersion', '1.0'],
      ['SignatureNonce', nonce],
      ['Timestamp', timestamp],
      ...(hasToken ? [['SecurityToken', securityToken as string] as [string, string]] : []),
    ];
    for (const p of plan.parameters) if (isPresent(values[p.name])) pairs.push([p.name, serialise(values[p.name], p.type)]);
    pairs.push(['Signature', signRpc(method, Object.fromEntries(pairs), accessKeySecret)]);
    const search = pairs.map(([k, v]) => `${percentEncodeRpc(k)}=${percentEncodeRpc(v)}`).join('&');
    return { url: `${origin}/?${search}`, method, headers: { accept: 'application/json' } };
  }

  /** The middleware of `raw`: validates and signs. (The action methods call wireRequest themselves, see send.) */
  const middleware: Middleware = {
    onRequest({ request, schemaPath, params }) {
      // The action from schemaPath and the parameters from params.query, never from the URL openapi-fetch built
      // (its `#` would swallow the query).
      const wire = wireRequest(actionOf(schemaPath), params.query ?? {});
      return new Request(wire.url, { method: wire.method, headers: wire.headers, signal: request.signal, redirect: 'manual' });
    },
    onResponse({ response }) {
      return tokenInUrl ? withoutUrl(response) : undefined;
    },
  };

  const base = createFetchClient<paths>({
    baseUrl: origin,
    // The middleware builds the wire URL from params.query; openapi-fetch's own serialisation is not used.
    querySerializer: () => '',
    fetch: (input: Request) => (options.fetch ?? globalThis.fetch)(input),
  });
  base.use(middleware);
  /** Middleware the caller added to `raw`, in openapi-fetch's order: while there is any, the action methods go through `raw` too. */
  const added: Middleware[] = [];
  const raw: Client<paths> = {
    ...base,
    use(...middlewares) {
      for (const m of middlewares) {
        base.use(m);
        if (m) added.push(m);
      }
    },
    eject(...middlewares) {
      base.eject(...middlewares);
      for (const m of middlewares) {
        const i = added.indexOf(m);
        if (i !== -1) added.splice(i, 1);
      }
    },
  };

  /**
   * What an action method sends when no middleware was added to `raw`: the wire request built once and sent by the
   * transport (see ClientOptions.transport): node:http, or Node's own fetch as URL and init (fetch then builds the
   * only Request), or a custom or replaced fetch given a Request; read as openapi-fetch would read it.
   * This is what `raw.POST(pathKey, { params: { query }, parseAs: 'text', signal })` does through the middleware,
   * without the Request that openapi-fetch builds only for the middleware to replace it.
   */
  async function send(action: ClientActionName, query: AnyParams, signal: AbortSignal | undefined): Promise<FetchResult> {
    const wire = wireRequest(action, query);
    const custom = options.fetch;
    const global = globalThis.fetch;
    if (transport === 'node:http' || (transport === 'auto' && !custom && global === nativeFetch && !dispatcherInstalled())) {
      const { response, text } = await sendWithNodeHttp(wire, signal, tokenInUrl ? '' : wire.url);
      return textResult(response, text);
    }
    const init: RequestInit = { method: wire.method, headers: wire.headers, redirect: 'manual' };
    if (signal) init.signal = signal;
    const response = custom
      ? await custom(new Request(wire.url, init))
      : global === nativeFetch
        ? await global(wire.url, init) // the only Request is the one fetch builds
        : await global(new Request(wire.url, init)); // a replaced global fetch gets a Request, as a custom one does
    return readAsText(tokenInUrl ? withoutUrl(response) : response);
  }

  function toThrown(action: string, e: unknown, timeout: AbortSignal | undefined, timeoutMs: number | undefined, user: AbortSignal | undefined, attempt: number): Error {
    if (e instanceof ResourceDirectoryClientError) return e;
    if (timeout?.aborted && timeoutMs !== undefined) return new ResourceDirectoryTimeoutError(action, timeoutMs, attempt);
    if (user?.aborted) return new ResourceDirectoryAbortError('Aborted', `${action}: aborted by the caller`, { action });
    const err = e instanceof Error ? e : new Error(String(e));
    const causeOf = (err as { cause?: unknown }).cause;
    const detail = causeOf instanceof Error ? `${causeOf.name}: ${causeOf.message}` : '';
    const cause = new Error(redact(`${err.name}: ${err.message}${detail ? ` (${detail})` : ''}`));
    const code = (causeOf as { code?: unknown } | undefined)?.code ?? (err as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(cause, { code });
    return new ResourceDirectoryNetworkError('NetworkError', `${action}: the request failed: ${cause.message}`, { action, cause });
  }

  async function call(action: ClientActionName, params: AnyParams | undefined, co: CallOptions = {}): Promise<ActionResult<unknown, unknown>> {
    const retry = co.retry === undefined ? clientRetry : resolveRetry(co.retry);
    const timeoutMs = co.timeoutMs ?? options.timeoutMs;
    checkMs('timeoutMs', timeoutMs, 1);
    const user = co.signal;
    const spec = clientActions[action];
    for (let attempt = 1; ; attempt++) {
      if (user?.aborted) throw toThrown(action, user.reason, undefined, undefined, user, attempt);
      // No timer and no signal unless asked for.
      const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
      const signal = user && timeout ? AbortSignal.any([user, timeout]) : user ?? timeout;
      let result: FetchResult;
      try {
        const query: AnyParams = { Action: action, Version: apiVersion, ...(params ?? {}) };
        result = added.length === 0
          ? await send(action, query, signal)
          : // The path key and query are checked by the middleware at run time; the per-action types are on the methods.
            await (raw.POST as unknown as (p: string, init: object) => Promise<FetchResult>)(spec.pathKey, {
              params: { query },
              parseAs: 'text',
              ...(signal ? { signal } : {}),
            });
      } catch (e) {
        throw toThrown(action, e, timeout, timeoutMs, user, attempt);
      }
      const { response } = result;
      if (response.ok) {
        const text = typeof result.data === 'string' ? result.data : '';
        try {
          const data: unknown = JSON.parse(text);
          if (data && typeof data === 'object') return { data, response };
        } catch {
          /* below */
        }
        throw new ResourceDirectoryResponseError(action, undefined, response.status, response.headers.get('x-acs-request-id') ?? undefined, redact(text.slice(0, 2000)), 'a success without a JSON object body');
      }
      const body = result.error;
      const obj = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
      const code = typeof obj?.Code === 'string' ? redact(obj.Code) : undefined;
      if ((response.status >= 500 || code?.startsWith('Throttling')) && attempt < retry.maxAttempts) {
        const told = retryAfterMs(response);
        const backoff = Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const delay = told ?? backoff;
        if (delay <= retry.maxDelayMs) {
          try {
            await sleep(delay, user);
          } catch (e) {
            throw toThrown(action, e, undefined, undefined, user, attempt);
          }
          continue;
        }
      }
      const requestId = typeof obj?.RequestId === 'string' ? redact(obj.RequestId) : response.headers.get('x-acs-request-id') ?? undefined;
      const documented = code !== undefined && (spec.errorCodes as readonly string[]).includes(code) && typeof obj?.Message === 'string' && typeof obj?.RequestId === 'string';
      if (!documented || !obj) {
        const text = typeof body === 'string' ? body : body === undefined ? '' : showBody(body);
        const why = code === undefined ? 'an error without an Alibaba Cloud error body' : (spec.errorCodes as readonly string[]).includes(code) ? 'an error body without RequestId or Message' : `an error code ${action} does not document`;
        throw new ResourceDirectoryResponseError(action, code, response.status, requestId, redact(text.slice(0, 2000)), why);
      }
      const error = Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]));
      return { error, response };
    }
  }

  const client: Record<string, unknown> = {};
  for (const name of Object.keys(clientActions) as ClientActionName[]) {
    client[name] = (params?: AnyParams, co?: CallOptions) => call(name, params, co);
  }
  Object.defineProperties(client, {
    raw: { value: raw, enumerable: false },
    endpoint: { value: origin, enumerable: true },
    signatureAlgorithm: { value: algorithm, enumerable: true },
    site: { value: site, enumerable: true },
    transport: { value: transport, enumerable: true },
  });
  return Object.freeze(client) as unknown as ResourceDirectoryClient;
}

/** The params, data and error types of one action, for code that is generic over actions. */
export type ParamsOf<A extends ClientActionName> = ActionTypes[A]['params'];
export type DataOf<A extends ClientActionName> = ActionTypes[A]['data'];
export type ErrorOf<A extends ClientActionName> = ActionTypes[A]['error'];
