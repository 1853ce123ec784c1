/**
 * Re-signing: the caller signed for the proxy's host with its own key; the upstream gets the same request signed for
 * its host with the proxy's credentials, in the caller's style (packages/client/src/protocol/signing.ts computes both):
 *
 * - ACS3-HMAC-SHA256: `host` is the upstream's, `x-acs-date` and `x-acs-signature-nonce` are fresh,
 *   `x-acs-content-sha256` is the body's, `x-acs-security-token` (and the SDK's `x-acs-accesskey-id`) are the proxy's
 *   (or removed), and `Authorization` signs `host`, `content-type` and every `x-acs-*` header. Query and body are kept.
 * - HMAC-SHA1: `AccessKeyId`, `SignatureNonce`, `Timestamp`, `SecurityToken` and `Signature` are replaced where they
 *   were (query or form body); everything else, and the order, is kept.
 *
 * Without credentials nothing is re-signed (see `forwardUnchanged`): HMAC-SHA1 does not sign the host, so a request
 * signed with a key the upstream knows still verifies; an ACS3 signature for the proxy's host does not.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { acs3Sign, newNonce, sha256Hex, signRpc, utcTimestamp, type ParamList } from '@rd-contract/client/protocol';
import type { SharedRules } from '@rd-contract/contract';
import { signingStyle } from '../frontend/auth.js';
import { firstHeader, isForm, type RpcRequest } from '../frontend/request.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** What is sent upstream. */
export interface UpstreamRequest {
  readonly method: string;
  /** Path and query, e.g. `/?Action=...`. */
  readonly target: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** How it was signed: re-signed in a style, or forwarded as the caller signed it. */
  readonly signing: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1' | 'unchanged';
}

/** Headers that belong to one connection, not to the request (RFC 9110 7.6.1), plus what the proxy sets itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
  'expect',
]);

function baseHeaders(r: RpcRequest, upstreamHost: string, body: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { host: upstreamHost };
  for (const [name, value] of Object.entries(r.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    out[name] = value;
  }
  // The proxy reads the answer to check it: it asks for it uncompressed.
  out['accept-encoding'] = 'identity';
  if (body.length > 0 || r.method === 'POST') out['content-length'] = String(body.length);
  return out;
}

const target = (r: RpcRequest, queryString: string) => `${r.path}${queryString === '' ? '' : `?${queryString}`}`;

/** The request as the caller signed it, for the upstream host (the only header changed is `host`). */
export function forwardUnchanged(r: RpcRequest, upstreamHost: string): UpstreamRequest {
  return {
    method: r.method,
    target: target(r, r.queryString),
    headers: baseHeaders(r, upstreamHost, r.body),
    body: r.body,
    signing: 'unchanged',
  };
}

/**
 * The request re-signed for `upstreamHost` with `credentials`; a request in no known style (`signingRequired`: what
 * marks each) is forwarded unchanged.
 */
export function resign(
  r: RpcRequest,
  upstreamHost: string,
  credentials: Credentials,
  signingRequired: SharedRules['commonParameters']['signingRequired'],
  now: Date = new Date(),
): UpstreamRequest {
  const style = signingStyle(r, signingRequired);
  if (style === 'ACS3-HMAC-SHA256') return resignAcs3(r, upstreamHost, credentials, now);
  if (style === 'HMAC-SHA1') return resignClassic(r, upstreamHost, credentials, now);
  return forwardUnchanged(r, upstreamHost);
}

function resignAcs3(r: RpcRequest, upstreamHost: string, c: Credentials, now: Date): UpstreamRequest {
  const headers = baseHeaders(r, upstreamHost, r.body);
  delete headers.authorization;
  headers['x-acs-date'] = utcTimestamp(now);
  headers['x-acs-signature-nonce'] = newNonce();
  headers['x-acs-content-sha256'] = sha256Hex(r.body);
  if (c.securityToken) headers['x-acs-security-token'] = c.securityToken;
  else delete headers['x-acs-security-token'];
  if (headers['x-acs-accesskey-id'] !== undefined) headers['x-acs-accesskey-id'] = c.accessKeyId;
  const query: Record<string, string> = Object.create(null);
  for (const [k, v] of r.query) if (query[k] === undefined) query[k] = v;
  const signed = acs3Sign(
    {
      method: r.method,
      pathname: r.path,
      query,
      headers: headers as Record<string, string | string[]>,
      payloadHash: headers['x-acs-content-sha256'] as string,
    },
    c.accessKeyId,
    c.accessKeySecret,
  );
  headers.authorization = signed.authorization;
  return { method: r.method, target: target(r, r.queryString), headers, body: r.body, signing: 'ACS3-HMAC-SHA256' };
}

const REPLACED = new Set(['AccessKeyId', 'SignatureNonce', 'Timestamp', 'SecurityToken', 'Signature']);

function resignClassic(r: RpcRequest, upstreamHost: string, c: Credentials, now: Date): UpstreamRequest {
  const fresh: Record<string, string | undefined> = {
    AccessKeyId: c.accessKeyId,
    SignatureNonce: newNonce(),
    Timestamp: utcTimestamp(now),
    SecurityToken: c.securityToken,
  };
  const replace = (pairs: ParamList): [string, string][] =>
    pairs.flatMap(([k, v]): [string, string][] =>
      REPLACED.has(k) ? (k === 'Signature' || fresh[k] === undefined ? [] : [[k, fresh[k]!]]) : [[k, v]],
    );
  const inForm = r.form.length > 0 && isForm(r.headers);
  const query = replace(r.query);
  const form = inForm ? replace(r.form) : [];
  // Replaced parameters the caller did not send (a token) go into the query.
  const names = new Set([...query, ...form].map(([k]) => k));
  for (const [k, v] of Object.entries(fresh)) if (v !== undefined && !names.has(k)) query.push([k, v]);
  const all: Record<string, string> = Object.create(null);
  for (const [k, v] of [...query, ...form]) if (all[k] === undefined) all[k] = v;
  query.push(['Signature', signRpc(r.method, all, c.accessKeySecret)]);
  const body = inForm ? Buffer.from(new URLSearchParams(form).toString(), 'utf8') : r.body;
  const headers = baseHeaders(r, upstreamHost, body);
  if (firstHeader(r.headers, 'x-acs-security-token') !== undefined) {
    if (c.securityToken) headers['x-acs-security-token'] = c.securityToken;
    else delete headers['x-acs-security-token'];
  }
  return {
    method: r.method,
    target: target(r, new URLSearchParams(query).toString()),
    headers,
    body,
    signing: 'HMAC-SHA1',
  };
}
