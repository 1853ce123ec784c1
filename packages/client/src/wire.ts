/**
 * The client's wire building: checks an action's parameters, then builds and signs the wire request from scratch
 * (packages/client/src/client.ts's header says how it looks for each signature style). The only way a request leaves
 * the client: the action methods send what `wireRequest` returns; `client.raw` goes through it in its middleware.
 *
 * The signatures are packages/client/src/protocol/signing.ts's: ACS3-HMAC-SHA256 through `acs3Signer` (the canonical
 * request is built here from parts computed once per action and per client, in the shape `acs3CanonicalRequest` gives),
 * HMAC-SHA1 through `signRpc`.
 */
import type { ActionName, ActionRules, ApiName, ContractModel } from '@rd-contract/contract';
import type { Site } from './types.js';
import {
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryValidationError,
  type ClientViolation,
} from './errors.js';
import type { ClientSettings } from './options.js';
import {
  EMPTY_BODY_SHA256,
  acs3Signer,
  newNonce,
  percentEncodeAcs3,
  percentEncodeRpc,
  signRpc,
  utcTimestamp,
} from './protocol/signing.js';
import type { WireRequest } from './protocol/http-sender.js';
import { checkAllParameters, isPresent } from './protocol/validate.js';

export type AnyParams = Readonly<Record<string, unknown>>;

function serialise(value: unknown, schemaType: unknown): string {
  if (schemaType === 'boolean')
    return value === true || value === 'true' || value === 1 || value === '1' ? 'true' : 'false';
  return String(value);
}

/** An action of an API, by name. */
type Action = string;

function violation(
  rules: ActionRules,
  parameter: string,
  kind: 'unknown' | 'transport',
  detail: string,
): ClientViolation {
  const entry = rules.errors.InvalidParameter!;
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
  readonly rules: ActionRules;
  /** The names the caller may give. */
  readonly own: ReadonlySet<string>;
  /** The parameters in the contract's declared order (the wire order), with their percent-encoded names. */
  readonly parameters: readonly { readonly name: string; readonly encodedName: string; readonly type: unknown }[];
  /** Indexes into `parameters` in code-unit order of the names: the order of the ACS3 canonical query. */
  readonly canonicalOrder: readonly number[];
}

/** What building requests needs from one contract: every API's plans, by API and action, computed once. */
interface ContractPlan {
  readonly contract: ContractModel;
  readonly plans: Readonly<Record<string, Readonly<Record<Action, ActionPlan>>>>;
  /** The query parameters the client itself sets (routing and classic signing); a caller may not give them. */
  readonly transportParameters: ReadonlySet<string>;
}

const contractPlans = new WeakMap<ContractModel, ContractPlan>();

function planOf(contract: ContractModel): ContractPlan {
  let plan = contractPlans.get(contract);
  if (plan) return plan;
  const plans = Object.fromEntries(
    Object.entries(contract.apis).map(([api, model]) => [
      api,
      Object.fromEntries(
        Object.values(model.actions).map((rules) => {
          const parameters = rules.parameters.map((p) => ({
            name: p.name,
            encodedName: percentEncodeAcs3(p.name),
            type: p.schema.type,
          }));
          const names = parameters.map((p) => p.name);
          const canonicalOrder = [...names].sort().map((n) => names.indexOf(n));
          const actionPlan: ActionPlan = { rules, own: new Set<string>(names), parameters, canonicalOrder };
          return [rules.action, actionPlan];
        }),
      ),
    ]),
  );
  const { routing, signing } = contract.shared.commonParameters;
  plan = { contract, plans, transportParameters: new Set<string>([...routing, ...signing['HMAC-SHA1']]) };
  contractPlans.set(contract, plan);
  return plan;
}

/** The other APIs whose same action declares a parameter this one does not (DryRun: 2022-04-19 only). */
function apisDeclaring(c: ContractPlan, api: ApiName, action: Action, name: string): string[] {
  return Object.keys(c.plans).filter((other) => other !== api && c.plans[other]![action]?.own.has(name));
}

function unknownParameter(c: ContractPlan, api: ApiName, plan: ActionPlan, name: string): ClientViolation {
  const action = plan.rules.action;
  const elsewhere = apisDeclaring(c, api, action, name);
  const detail = elsewhere.length
    ? `${name} is not a parameter of ${action} in ${api}, which would ignore it and perform the action; it is one in` +
      ` ${elsewhere.join(', ')}: createClient({ api: '${elsewhere[0]}' })`
    : `${name} is not a parameter of ${action}`;
  return violation(plan.rules, name, 'unknown', detail);
}

/**
 * The caller's values for the action's own parameters, once every check passed: no unknown or transport parameter
 * (`Action` and `Version` only with the client's values), `checkAllParameters` (with `site`, the site rules) clean.
 * Otherwise throws a ResourceDirectoryValidationError listing every violation.
 */
function checkedValues(
  c: ContractPlan,
  api: ApiName,
  action: Action,
  query: AnyParams,
  site: Site | undefined,
): Record<string, unknown> {
  const plans = c.plans[api]!;
  const plan = Object.hasOwn(plans, action) ? plans[action] : undefined;
  if (!plan) {
    const message = `${action || '(no action)'} is not an action of ${api}; nothing was sent`;
    throw new ResourceDirectoryClientError('InvalidAction.NotFound', message, { action });
  }
  const version = c.contract.apis[api]!.version;
  const extra: ClientViolation[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(query)) {
    const v = query[name];
    if (plan.own.has(name)) values[name] = v;
    else if (name === 'Action' && v === action) continue;
    else if (name === 'Version' && v === version) continue;
    else if (c.transportParameters.has(name)) {
      const other = name === 'Action' || name === 'Version' ? ' with another value' : '';
      extra.push(violation(plan.rules, name, 'transport', `${name} is set by the client and cannot be given${other}`));
    } else extra.push(unknownParameter(c, api, plan, name));
  }
  const checked = checkAllParameters(action as ActionName, values, { contract: c.contract, site, api });
  if (extra.length || checked.length)
    throw new ResourceDirectoryValidationError(action as ActionName, [...extra, ...checked]);
  return values;
}

/** What signing one client's requests needs besides the action and values: computed once per client. */
interface WireSigner {
  /** The API's plans, by action. */
  readonly plans: Readonly<Record<Action, ActionPlan>>;
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
function acs3Wire(
  s: WireSigner,
  action: Action,
  values: Record<string, unknown>,
  nonce: string,
  timestamp: string,
): WireRequest {
  const { rules, parameters, canonicalOrder } = s.plans[action]!;
  const method = rules.method;
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
  const canonicalRequest = [method, '/', canonicalQuery, canonicalHeaders, s.acs3SignedHeaders, EMPTY_BODY_SHA256].join(
    '\n',
  );
  const authorization = (s.acs3Authorization ??= acs3Signer(s.accessKeyId, s.accessKeySecret, s.acs3SignedHeaders))(
    canonicalRequest,
  );
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

/**
 * HMAC-SHA1 (signature version 1.0): the signing parameters, then the action's in the contract's order, then Signature.
 */
function rpcWire(
  s: WireSigner,
  action: Action,
  values: Record<string, unknown>,
  nonce: string,
  timestamp: string,
): WireRequest {
  const plan = s.plans[action]!;
  const method = plan.rules.method;
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
  for (const p of plan.parameters)
    if (isPresent(values[p.name])) pairs.push([p.name, serialise(values[p.name], p.type)]);
  pairs.push(['Signature', signRpc(method, Object.fromEntries(pairs), s.accessKeySecret)]);
  const search = pairs.map(([k, v]) => `${percentEncodeRpc(k)}=${percentEncodeRpc(v)}`).join('&');
  return { url: `${s.origin}/?${search}`, method, headers: { accept: 'application/json' } };
}

/** Builds wire requests for one client's settings: `wireRequest(action, query)`. */
export type WireBuilder = (action: Action, query: AnyParams) => WireRequest;

export function createWireBuilder(settings: ClientSettings): WireBuilder {
  const { api, model, accessKeyId, accessKeySecret, securityToken, site, algorithm } = settings;
  const hasToken = isPresent(securityToken);
  const plan = planOf(settings.contract);
  const signer: WireSigner | undefined =
    accessKeyId && accessKeySecret
      ? {
          plans: plan.plans[api]!,
          version: model.version,
          origin: settings.origin,
          accessKeyId,
          accessKeySecret,
          securityToken,
          hasToken,
          acs3SignedHeaders: [
            'host',
            'x-acs-action',
            'x-acs-content-sha256',
            'x-acs-date',
            ...(hasToken ? ['x-acs-security-token'] : []),
            'x-acs-signature-nonce',
            'x-acs-version',
          ].join(';'),
          acs3HostLine: `host:${settings.host.trim()}\n`,
          acs3TokenLine: hasToken ? `x-acs-security-token:${(securityToken as string).trim()}\n` : '',
          acs3Authorization: undefined,
        }
      : undefined;
  return (action, query) => {
    const values = checkedValues(plan, api, action, query, site);
    if (!signer) {
      throw new ResourceDirectoryCredentialsError(
        'MissingCredentials',
        `${action}: no AccessKey ID or secret (options accessKeyId/accessKeySecret or env` +
          ` ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET); nothing was sent`,
        { action },
      );
    }
    const nonce = newNonce();
    const timestamp = currentTimestamp();
    return algorithm === 'ACS3-HMAC-SHA256'
      ? acs3Wire(signer, action, values, nonce, timestamp)
      : rpcWire(signer, action, values, nonce, timestamp);
  };
}
