/**
 * The request direction: routing (path, method, Action, Version, Format), every parameter rule of the action (by
 * packages/client/src/protocol/validate.ts, the validator the client and the mock use), undocumented parameters, and the shape of the signing
 * parameters (not the signature itself: the proxy does not know the caller's secret).
 */
import type { SharedRules, Site } from '@rd-contract/contract';
import { parseAcs3Authorization, sha256Hex } from '@rd-contract/client/protocol';
import { actionRules, type VersionContract } from './contracts.js';
import { firstHeader, present, requestedAction, requestedVersion, signingStyle, type ProxyRequest } from '../frontend/request.js';
import { seenValue, type ContractViolation, type RuleName, type Severity } from './violations.js';

/** Parameters every action accepts besides its own: routing and the HMAC-SHA1 signing parameters. */
function commonParameters(shared: SharedRules): ReadonlySet<string> {
  const { routing, signing } = shared.commonParameters;
  return new Set([...routing, ...signing['HMAC-SHA1']]);
}
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface RequestCheck {
  readonly violations: ContractViolation[];
  /** The contract of the request's version, when the proxy has one. */
  readonly contract: VersionContract | undefined;
  /** The action, when the request names one of that contract. */
  readonly action: string | undefined;
  /** The version named (even one without a contract). */
  readonly version: string | undefined;
}

/** What the request checks need: what every API shares, and each API by version. */
export interface RequestCheckContext {
  readonly shared: SharedRules;
  readonly contracts: ReadonlyMap<string, VersionContract>;
  readonly site: Site | undefined;
}

export function checkRequest(r: ProxyRequest, { shared, contracts, site }: RequestCheckContext): RequestCheck {
  const out: ContractViolation[] = [];
  const add = (rule: RuleName, where: string, seen: unknown, expected: string, severity: Severity = 'error') =>
    out.push({ direction: 'request', rule, severity, where, seen: seenValue(seen), expected });
  const where = (name: string) => (r.form.some(([k]) => k === name) && !r.query.some(([k]) => k === name) ? `form.${name}` : `query.${name}`);

  // route
  if (r.path !== '/') add('request.route', 'path', r.path, 'RPC actions are sent to /');
  if (r.method !== 'GET' && r.method !== 'POST') add('request.route', 'method', r.method, 'GET or POST');

  // version
  const known = [...contracts.keys()].join(', ');
  const headerVersion = firstHeader(r.headers, 'x-acs-version');
  const version = requestedVersion(r);
  if (!present(headerVersion) && !present(r.params.Version)) add('request.version', 'query.Version', undefined, `Version is required (one of ${known})`);
  else if (version === undefined) add('request.version', 'header.x-acs-version', headerVersion, `x-acs-version and the Version parameter name the same version`);
  else if (!contracts.has(version)) add('request.version', present(r.params.Version) ? 'query.Version' : 'header.x-acs-version', version, `one of ${known}`);
  const contract = version !== undefined ? contracts.get(version) : undefined;

  // action
  const headerAction = firstHeader(r.headers, 'x-acs-action');
  const actionName = requestedAction(r);
  let action: string | undefined;
  if (!present(headerAction) && !present(r.params.Action)) add('request.action', 'query.Action', undefined, 'Action is required');
  else if (actionName === undefined) add('request.action', 'header.x-acs-action', headerAction, 'x-acs-action and the Action parameter name the same action');
  else if (contract) {
    if (actionRules(contract, actionName)) action = actionName;
    else add('request.action', present(r.params.Action) ? 'query.Action' : 'header.x-acs-action', actionName, `an action of ${contract.version}: ${Object.keys(contract.rules.actions).join(', ')}`);
  }

  // Format
  const format = r.params.Format;
  if (present(format) && !/^(json|xml)$/i.test(format)) add('request.format', where('Format'), format, 'JSON or XML');

  // parameters
  if (contract && action) {
    const rules = actionRules(contract, action)!;
    for (const v of contract.checkParameters(action, r.params, site)) {
      add('request.parameter', where(v.parameter), r.params[v.parameter], `${v.detail} (the service answers ${v.status} ${v.code})`);
    }
    const own = new Set(rules.parameters.map((p) => p.name));
    const common = commonParameters(shared);
    for (const name of Object.keys(r.params)) {
      if (!own.has(name) && !common.has(name)) {
        add('request.parameter.undocumented', where(name), r.params[name], `a parameter of ${action} (${[...own].join(', ') || 'none'}) or of the signing scheme`, 'warning');
      }
    }
  }

  checkSigningShape(r, shared.commonParameters.signingRequired, add);
  return { violations: out, contract, action, version };
}

function checkSigningShape(
  r: ProxyRequest,
  required: SharedRules['commonParameters']['signingRequired'],
  add: (rule: RuleName, where: string, seen: unknown, expected: string) => void,
): void {
  const acs3Headers = required['ACS3-HMAC-SHA256'];
  const style = signingStyle(r);
  if (style === undefined) {
    add('request.signature', 'header.authorization', undefined, 'an ACS3-HMAC-SHA256 Authorization header or the HMAC-SHA1 parameters (AccessKeyId, Signature, ...)');
    return;
  }
  if (style === 'ACS3-HMAC-SHA256') {
    const authorization = firstHeader(r.headers, 'authorization')!;
    const parsed = parseAcs3Authorization(authorization);
    // Only the algorithm and the header names are shown: the Credential and Signature values are the caller's business.
    if (!parsed) {
      add('request.signature', 'header.authorization', authorization.split(' ')[0], 'ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>');
    } else {
      for (const h of ['host', ...acs3Headers]) {
        if (!parsed.signedHeaders.includes(h)) add('request.signature', 'header.authorization.SignedHeaders', parsed.signedHeaders.join(';'), `SignedHeaders includes ${h}`);
      }
    }
    for (const h of acs3Headers) if (!present(firstHeader(r.headers, h))) add('request.signature', `header.${h}`, undefined, `${h} is required`);
    const date = firstHeader(r.headers, 'x-acs-date');
    if (present(date) && !TIMESTAMP.test(date)) add('request.signature', 'header.x-acs-date', date, 'yyyy-MM-ddTHH:mm:ssZ (UTC)');
    const sha = firstHeader(r.headers, 'x-acs-content-sha256');
    if (present(sha)) {
      if (!/^[0-9a-f]{64}$/.test(sha)) add('request.signature', 'header.x-acs-content-sha256', sha, 'the lower-case hex SHA-256 of the body');
      else if (sha !== sha256Hex(r.body)) add('request.signature', 'header.x-acs-content-sha256', sha, `the SHA-256 of the body (${sha256Hex(r.body)})`);
    }
    return;
  }
  for (const name of required['HMAC-SHA1']) if (!present(r.params[name])) add('request.signature', `query.${name}`, undefined, `${name} is required with HMAC-SHA1`);
  const p = r.params;
  if (present(p.SignatureMethod) && p.SignatureMethod !== 'HMAC-SHA1') add('request.signature', 'query.SignatureMethod', p.SignatureMethod, 'HMAC-SHA1');
  if (present(p.SignatureVersion) && p.SignatureVersion !== '1.0') add('request.signature', 'query.SignatureVersion', p.SignatureVersion, '1.0');
  if (present(p.Timestamp) && !TIMESTAMP.test(p.Timestamp)) add('request.signature', 'query.Timestamp', p.Timestamp, 'yyyy-MM-ddTHH:mm:ssZ (UTC)');
  if (present(p.Signature) && !BASE64.test(p.Signature)) add('request.signature', 'query.Signature', undefined, 'a base64 HMAC-SHA1');
}
