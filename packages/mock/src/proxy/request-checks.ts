/**
 * The request direction: routing (path, method, Action, Version, Format), every parameter rule of the action (by
 * packages/client/src/protocol/validate.ts, the validator the client and the mock use), undocumented parameters, and
 * the shape of the signing parameters (not the signature itself: the proxy does not know the caller's secret).
 */
import type { SharedRules, Site } from '@rd-contract/contract';
import { parseAcs3Authorization, sha256Hex } from '@rd-contract/client/protocol';
import { actionRules, type VersionContract } from './contracts.js';
import { signingStyle } from '../frontend/auth.js';
import {
  firstHeader,
  namedValue,
  present,
  requestedAction,
  requestedVersion,
  type RpcRequest,
} from '../frontend/request.js';
import { seenValue, type ContractViolation, type RuleName, type Severity } from './violations.js';

/** Parameters every action accepts besides its own: routing and the HMAC-SHA1 signing parameters. */
function commonParameters(shared: SharedRules): ReadonlySet<string> {
  const { routing, signing } = shared.commonParameters;
  return new Set([...routing, ...signing['HMAC-SHA1']]);
}
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Where a request goes, as far as the contract knows it, and what its routing breaks. */
export interface RouteCheck {
  readonly violations: readonly ContractViolation[];
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

type Add = (rule: RuleName, where: string, seen: unknown, expected: string, severity?: Severity) => void;

function collector(): { out: ContractViolation[]; add: Add } {
  const out: ContractViolation[] = [];
  const add: Add = (rule, where, seen, expected, severity = 'error') =>
    out.push({ direction: 'request', rule, severity, where, seen: seenValue(seen), expected });
  return { out, add };
}

/** The routing rules: path and method, then the version (a contract of it) and the action (of that contract). */
export function checkRoute(r: RpcRequest, { contracts }: RequestCheckContext): RouteCheck {
  const { out, add } = collector();
  if (r.path !== '/') add('request.route', 'path', r.path, 'RPC actions are sent to /');
  if (r.method !== 'GET' && r.method !== 'POST') add('request.route', 'method', r.method, 'GET or POST');

  const known = [...contracts.keys()].join(', ');
  const named = requestedVersion(r);
  const version = namedValue(named);
  if (named.given === 'none')
    add('request.version', 'query.Version', undefined, `Version is required (one of ${known})`);
  else if (named.given === 'conflict')
    add(
      'request.version',
      'header.x-acs-version',
      named.header,
      `x-acs-version and the Version parameter name the same version`,
    );
  else if (!contracts.has(named.value))
    add(
      'request.version',
      named.byParameter ? 'query.Version' : 'header.x-acs-version',
      named.value,
      `one of ${known}`,
    );
  const contract = version !== undefined ? contracts.get(version) : undefined;

  const namedAction = requestedAction(r);
  let action: string | undefined;
  if (namedAction.given === 'none') add('request.action', 'query.Action', undefined, 'Action is required');
  else if (namedAction.given === 'conflict')
    add(
      'request.action',
      'header.x-acs-action',
      namedAction.header,
      'x-acs-action and the Action parameter name the same action',
    );
  else if (contract) {
    const where = namedAction.byParameter ? 'query.Action' : 'header.x-acs-action';
    if (actionRules(contract, namedAction.value)) action = namedAction.value;
    else
      add(
        'request.action',
        where,
        namedAction.value,
        `an action of ${contract.version}: ${Object.keys(contract.rules.actions).join(', ')}`,
      );
  }
  return { violations: out, contract, action, version };
}

/**
 * The request's other rules: Format, every parameter rule of its action, undocumented parameters, the signing
 * shape.
 */
export function checkRequestRules(
  r: RpcRequest,
  route: RouteCheck,
  { shared, site }: RequestCheckContext,
): ContractViolation[] {
  const { out, add } = collector();
  const where = (name: string) =>
    r.form.some(([k]) => k === name) && !r.query.some(([k]) => k === name) ? `form.${name}` : `query.${name}`;

  const format = r.params.Format;
  if (present(format) && !/^(json|xml)$/i.test(format)) add('request.format', where('Format'), format, 'JSON or XML');

  const { contract, action } = route;
  if (contract && action) {
    const rules = actionRules(contract, action)!;
    for (const v of contract.checkParameters(action, r.params, site)) {
      add(
        'request.parameter',
        where(v.parameter),
        r.params[v.parameter],
        `${v.detail} (the service answers ${v.status} ${v.code})`,
      );
    }
    const own = new Set(rules.parameters.map((p) => p.name));
    const common = commonParameters(shared);
    for (const name of Object.keys(r.params)) {
      if (!own.has(name) && !common.has(name)) {
        add(
          'request.parameter.undocumented',
          where(name),
          r.params[name],
          `a parameter of ${action} (${[...own].join(', ') || 'none'}) or of the signing scheme`,
          'warning',
        );
      }
    }
  }

  checkSigningShape(r, shared.commonParameters.signingRequired, add);
  return out;
}

function checkSigningShape(
  r: RpcRequest,
  required: SharedRules['commonParameters']['signingRequired'],
  add: Add,
): void {
  const acs3Headers = required['ACS3-HMAC-SHA256'];
  const style = signingStyle(r, required);
  if (style === undefined) {
    add(
      'request.signature',
      'header.authorization',
      undefined,
      'an ACS3-HMAC-SHA256 Authorization header or the HMAC-SHA1 parameters (AccessKeyId, Signature, ...)',
    );
    return;
  }
  if (style === 'ACS3-HMAC-SHA256') {
    const authorization = firstHeader(r.headers, 'authorization')!;
    const parsed = parseAcs3Authorization(authorization);
    // Only the algorithm and the header names are shown: the Credential and Signature values are the caller's business.
    if (!parsed) {
      add(
        'request.signature',
        'header.authorization',
        authorization.split(' ')[0],
        'ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>',
      );
    } else {
      for (const h of ['host', ...acs3Headers]) {
        if (!parsed.signedHeaders.includes(h))
          add(
            'request.signature',
            'header.authorization.SignedHeaders',
            parsed.signedHeaders.join(';'),
            `SignedHeaders includes ${h}`,
          );
      }
    }
    for (const h of acs3Headers)
      if (!present(firstHeader(r.headers, h))) add('request.signature', `header.${h}`, undefined, `${h} is required`);
    const date = firstHeader(r.headers, 'x-acs-date');
    if (present(date) && !TIMESTAMP.test(date))
      add('request.signature', 'header.x-acs-date', date, 'yyyy-MM-ddTHH:mm:ssZ (UTC)');
    const sha = firstHeader(r.headers, 'x-acs-content-sha256');
    if (present(sha)) {
      if (!/^[0-9a-f]{64}$/.test(sha))
        add('request.signature', 'header.x-acs-content-sha256', sha, 'the lower-case hex SHA-256 of the body');
      else if (sha !== sha256Hex(r.body))
        add('request.signature', 'header.x-acs-content-sha256', sha, `the SHA-256 of the body (${sha256Hex(r.body)})`);
    }
    return;
  }
  for (const name of required['HMAC-SHA1'])
    if (!present(r.params[name]))
      add('request.signature', `query.${name}`, undefined, `${name} is required with HMAC-SHA1`);
  const p = r.params;
  if (present(p.SignatureMethod) && p.SignatureMethod !== 'HMAC-SHA1')
    add('request.signature', 'query.SignatureMethod', p.SignatureMethod, 'HMAC-SHA1');
  if (present(p.SignatureVersion) && p.SignatureVersion !== '1.0')
    add('request.signature', 'query.SignatureVersion', p.SignatureVersion, '1.0');
  if (present(p.Timestamp) && !TIMESTAMP.test(p.Timestamp))
    add('request.signature', 'query.Timestamp', p.Timestamp, 'yyyy-MM-ddTHH:mm:ssZ (UTC)');
  if (present(p.Signature) && !BASE64.test(p.Signature))
    add('request.signature', 'query.Signature', undefined, 'a base64 HMAC-SHA1');
}
