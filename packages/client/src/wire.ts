/**
 * The client's wire building: checks an action's parameters, then builds and signs the wire request from scratch
 * (packages/client/src/client.ts's header says how it looks for each signature style). The only way a request leaves the client: the
 * action methods send what `wireRequest` returns; `client.raw` goes through it in its middleware.
 *
 * The signatures are packages/client/src/protocol/signing.ts's: ACS3-HMAC-SHA256 through `acs3Signer` (the canonical request is built here from
 * parts computed once per action and per client, in the shape `acs3CanonicalRequest` gives), HMAC-SHA1 through `signRpc`.
 */
import { clientActionsByApi } from '@rd-contract/contract';
import { apis, rules, type ActionName, type ApiName } from '@rd-contract/contract';
import type { ActionRules } from '@rd-contract/contract';
import type { Site } from './types.js';
import { ResourceDirectoryClientError, ResourceDirectoryCredentialsError, ResourceDirectoryValidationError, type ClientViolation } from './errors.js';
import type { ClientSettings } from './options.js';
import { EMPTY_BODY_SHA256, acs3Signer, newNonce, percentEncodeAcs3, percentEncodeRpc, signRpc, utcTimestamp } from './protocol/signing.js';
import type { WireRequest } from './protocol/http-sender.js';
import { checkAllParameters, isPresent } from './protocol/validate.js';

/** The query parameters the client itself sets (routing and classic signing), from the contract model; a caller may not give them. */
const TRANSPORT_PARAMETERS = new Set<string>([...rules.commonParameters.routing, ...rules.commonParameters.signing['HMAC-SHA1']]);

export type AnyParams = Readonly<Record<string, unknown>>;

function serialise(value: unknown, schemaType: unknown): string {
  if (schemaType === 'boolean') return value === true || value === 'true' || value === 1 || value === '1' ? 'true' : 'false';
  return String(value);
}

/** An action of an API, by name. */
type Action = string;

const actionRules = (api: ApiName, action: Action): ActionRules => (apis[api].actions as Readonly<Record<string, ActionRules>>)[action]!;
const clientActionsOf = (api: ApiName) => clientActionsByApi[api] as Readonly<Record<string, { readonly method: string; readonly parameters: readonly string[] }>>;

function violation(api: ApiName, action: Action, parameter: string, kind: 'unknown' | 'transport', detail: string): ClientViolation {
  const entry = actionRules(api, action).errors.InvalidParameter!;
  return { code: 'InvalidParameter', status: entry.status, message: entry.message, parameter, kind, detail };
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

/** Every API's plans, by API and action. */
const plans = Object.fromEntries(
  (Object.keys(apis) as ApiName[]).map((api) => [
    api,
    Object.fromEntries(
      Object.keys(clientActionsOf(api)).map((action) => {
        const parameters = actionRules(api, action).parameters.map((p) => ({ name: p.name, encodedName: percentEncodeAcs3(p.name), type: p.schema.type }));
        const names = parameters.map((p) => p.name);
        const canonicalOrder = [...names].sort().map((n) => names.indexOf(n));
        const plan: ActionPlan = { own: new Set<string>(clientActionsOf(api)[action]!.parameters), parameters, canonicalOrder };
        return [action, plan];
      }),
    ),
  ]),
) as Record<ApiName, Record<Action, ActionPlan>>;

/** The other APIs whose same action declares a parameter this one does not (DryRun: 2022-04-19 only). */
function apisDeclaring(api: ApiName, action: Action, name: string): ApiName[] {
  return (Object.keys(apis) as ApiName[]).filter((other) => other !== api && plans[other][action]?.own.has(name));
}

function unknownParameter(api: ApiName, action: Action, name: string): ClientViolation {
  const elsewhere = apisDeclaring(api, action, name);
  const detail = elsewhere.length
    ? `${name} is not a parameter of ${action} in ${api}, which would ignore it and perform the action; it is one in ${elsewhere.join(', ')}: createClient({ api: '${elsewhere[0]}' })`
    : `${name} is not a parameter of ${action}`;
  return violation(api, action, name, 'unknown', detail);
}

/**
 * The caller's values for the action's own parameters, once every check passed: no unknown or transport parameter
 * (`Action` and `Version` only with the client's values), `checkAllParameters` (with `site`, the site rules) clean.
 * Otherwise throws a ResourceDirectoryValidationError listing every violation.
 */
function checkedValues(api: ApiName, action: Action, query: AnyParams, site: Site | undefined): Record<string, unknown> {
  const plan = Object.hasOwn(plans[api], action) ? plans[api][action] : undefined;
  if (!plan) throw new ResourceDirectoryClientError('InvalidAction.NotFound', `${action || '(no action)'} is not an action of ${api}; nothing was sent`, { action });
  const version = apis[api].version;
  const extra: ClientViolation[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(query)) {
    const v = query[name];
    if (plan.own.has(name)) values[name] = v;
    else if (name === 'Action' && v === action) continue;
    else if (name === 'Version' && v === version) continue;
    else if (TRANSPORT_PARAMETERS.has(name)) extra.push(violation(api, action, name, 'transport', `${name} is set by the client and cannot be given${name === 'Action' || name === 'Version' ? ' with another value' : ''}`));
    else extra.push(unknownParameter(api, action, name));
  }
  const checked = checkAllParameters(action as ActionName, values, { site, api });
  if (extra.length || checked.length) throw new ResourceDirectoryValidationError(action as ActionName, [...extra, ...checked]);
  return values;
}

/** What signing one client's requests needs besides the action and values: computed once per client. */
interface WireSigner {
  readonly api: ApiName;
  /** The API's version, sent as Version / x-acs-version. */
  readonly version: string;
  readonly origin: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string | undefined;
  readonly hasToken: boolean;
  /** ACS3: the signed header names (the same for every request), joined by `;`. */
  readonly acs3SignedHeaders: string;
  /** ACS3: the canonical `host` line, and the token's line (or ''). */
  readonly acs3HostLine: string;
  readonly acs3TokenLine: string;
  /** ACS3: keyed with the secret on first use. */
  acs3Authorization: ((canonicalRequest: string) => string) | undefined;
}

/**
 * ACS3-HMAC-SHA256: the query in the contract's order, and the canonical query (names in code-unit order, values
 * encoded the same way): what acs3Authorization would build from the same parts, without building them twice.
 */
function acs3Wire(s: WireSigner, action: Action, values: Record<string, unknown>, nonce: string, timestamp: string): WireRequest {
  const method = clientActionsOf(s.api)[action]!.method;
  const { parameters, canonicalOrder } = plans[s.api][action]!;
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
    `${s.acs3HostLine}x-acs-action:${action}\nx-acs-content-sha256:${EMPTY_BODY_SHA256}\nx-acs-date:${timestamp}\n` +
    `${s.acs3TokenLine}x-acs-signature-nonce:${nonce}\nx-acs-version:${s.version}\n`;
  const canonicalRequest = `${method}\n/\n${canonicalQuery}\n${canonicalHeaders}\n${s.acs3SignedHeaders}\n${EMPTY_BODY_SHA256}`;
  const authorization = (s.acs3Authorization ??= acs3Signer(s.accessKeyId, s.accessKeySecret, s.acs3SignedHeaders))(canonicalRequest);
  // fetch sends host itself, from the URL. The names in code-unit order: the order `Headers` lists them in, so that
  // Node's fetch and the node:http fetch, given the same Request, send them in the same order.
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization,
    'x-acs-action': action,
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
    'x-acs-date': timestamp,
  };
  if (s.hasToken) headers['x-acs-security-token'] = s.securityToken as string;
  headers['x-acs-signature-nonce'] = nonce;
  headers['x-acs-version'] = s.version;
  return { url: `${s.origin}/${search}`, method, headers };
}

/** HMAC-SHA1 (signature version 1.0): the signing parameters, then the action's in the contract's order, then Signature. */
function rpcWire(s: WireSigner, action: Action, values: Record<string, unknown>, nonce: string, timestamp: string): WireRequest {
  const method = clientActionsOf(s.api)[action]!.method;
  const pairs: [string, string][] = [
    ['Action', action],
    ['Format', 'JSON'],
    ['Version', s.version],
    ['AccessKeyId', s.accessKeyId],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', nonce],
    ['Timestamp', timestamp],
    ...(s.hasToken ? [['SecurityToken', s.securityToken as string] as [string, string]] : []),
  ];
  for (const p of plans[s.api][action]!.parameters) if (isPresent(values[p.name])) pairs.push([p.name, serialise(values[p.name], p.type)]);
  pairs.push(['Signature', signRpc(method, Object.fromEntries(pairs), s.accessKeySecret)]);
  const search = pairs.map(([k, v]) => `${percentEncodeRpc(k)}=${percentEncodeRpc(v)}`).join('&');
  return { url: `${s.origin}/?${search}`, method, headers: { accept: 'application/json' } };
}

/** Builds wire requests for one client's settings: `wireRequest(action, query)`. */
export type WireBuilder = (action: Action, query: AnyParams) => WireRequest;

export function createWireBuilder(settings: ClientSettings): WireBuilder {
  const { api, accessKeyId, accessKeySecret, securityToken, site, algorithm } = settings;
  const hasToken = isPresent(securityToken);
  const signer: WireSigner | undefined =
    accessKeyId && accessKeySecret
      ? {
          api,
          version: apis[api].version,
          origin: settings.origin,
          accessKeyId,
          accessKeySecret,
          securityToken,
          hasToken,
          acs3SignedHeaders: ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', ...(hasToken ? ['x-acs-security-token'] : []), 'x-acs-signature-nonce', 'x-acs-version'].join(';'),
          acs3HostLine: `host:${settings.host.trim()}\n`,
          acs3TokenLine: hasToken ? `x-acs-security-token:${(securityToken as string).trim()}\n` : '',
          acs3Authorization: undefined,
        }
      : undefined;
  return (action, query) => {
    const values = checkedValues(api, action, query, site);
    if (!signer) {
      throw new ResourceDirectoryCredentialsError(
        'MissingCredentials',
        `${action}: no AccessKey ID or secret (options accessKeyId/accessKeySecret or env ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET); nothing was sent`,
        { action },
      );
    }
    const nonce = newNonce();
    const timestamp = currentTimestamp();
    return algorithm === 'ACS3-HMAC-SHA256' ? acs3Wire(signer, action, values, nonce, timestamp) : rpcWire(signer, action, values, nonce, timestamp);
  };
}
