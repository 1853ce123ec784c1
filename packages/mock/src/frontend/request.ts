/** A request as the proxy received it: its parts, parsed once for the checks and for re-signing. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ParamList } from '@rd-contract/client/protocol';

export interface ProxyRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The raw query string (without `?`). */
  readonly queryString: string;
  /** Decoded query pairs, in wire order. */
  readonly query: ParamList;
  /** Decoded pairs of an `application/x-www-form-urlencoded` body (empty otherwise). */
  readonly form: ParamList;
  /** Query then form: the first occurrence of a name wins (as the gateway and the mock read them). */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export const firstHeader = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export const present = (v: string | undefined): v is string => v !== undefined && v !== '';

function pairs(text: string): [string, string][] {
  return text === '' ? [] : [...new URLSearchParams(text)];
}

export function isForm(headers: IncomingHttpHeaders): boolean {
  return (firstHeader(headers, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export function parseRequest(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): ProxyRequest {
  let target = url;
  if (!target.startsWith('/')) target = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const queryString = q < 0 ? '' : target.slice(q + 1);
  const query = pairs(queryString);
  const form = body.length > 0 && isForm(headers) ? pairs(body.toString('utf8')) : [];
  const params: Record<string, string> = Object.create(null);
  for (const [k, v] of [...query, ...form]) if (params[k] === undefined) params[k] = v;
  return { method, path, queryString, query, form, params, headers, body };
}

/** The action a request names: `x-acs-action` or `Action` (undefined when they disagree or neither is there). */
export function requestedAction(r: ProxyRequest): string | undefined {
  const h = firstHeader(r.headers, 'x-acs-action');
  const p = r.params.Action;
  if (present(h)) return present(p) && p !== h ? undefined : h;
  return present(p) ? p : undefined;
}

/** The version a request names: `x-acs-version` or `Version` (undefined when they disagree or neither is there). */
export function requestedVersion(r: ProxyRequest): string | undefined {
  const h = firstHeader(r.headers, 'x-acs-version');
  const p = r.params.Version;
  if (present(h)) return present(p) && p !== h ? undefined : h;
  return present(p) ? p : undefined;
}

/** Which signing style a request uses: an Authorization header (ACS3), classic parameters (HMAC-SHA1), or none. */
export function signingStyle(r: ProxyRequest): 'ACS3-HMAC-SHA256' | 'HMAC-SHA1' | undefined {
  if (firstHeader(r.headers, 'authorization') !== undefined) return 'ACS3-HMAC-SHA256';
  if (['Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'AccessKeyId'].some((n) => r.params[n] !== undefined)) return 'HMAC-SHA1';
  return undefined;
}
