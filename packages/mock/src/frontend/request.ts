/**
 * An RPC request as the front end reads it, for the mock and the proxy alike: the request target split into path and
 * query (once), the parameters collected from the query and an `application/x-www-form-urlencoded` body, and the
 * action and the version it names (a header, a parameter, or both agreeing).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ParamList } from '@rd-contract/client/protocol';

export interface RpcRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The raw query string (without `?`). */
  readonly queryString: string;
  /** Decoded query pairs, in wire order. */
  readonly query: ParamList;
  /** Decoded pairs of an `application/x-www-form-urlencoded` body (empty otherwise). */
  readonly form: ParamList;
  /**
   * Query then form: the first occurrence of a name wins (as the gateway reads them); names are case-sensitive. A
   * null-prototype record.
   */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** When the request arrived (performance.now()), for its duration. */
  readonly startedAt: number;
  /**
   * The server's clock when the request arrived (ms since the epoch), if its server reads one (the mock does when its
   * journal keeps entries).
   */
  readonly receivedAt: number | undefined;
  /**
   * The AccessKeyId the request claims, kept by `claimedAccessKeyId` (packages/mock/src/frontend/auth.ts) the first
   * time it is asked: the signature step and the journal both ask, and an Authorization header takes ~0.3 µs to parse.
   */
  claimed: { readonly accessKeyId: string | undefined } | undefined;
}

export const firstHeader = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** A value that counts as given: an empty parameter or header counts as absent. */
export const present = (v: string | undefined): v is string => v !== undefined && v !== '';

export function isForm(headers: IncomingHttpHeaders): boolean {
  const type = firstHeader(headers, 'content-type');
  return type !== undefined && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The path and the raw query of a request target; an absolute-form target (`http://host/...`) loses its origin. */
export function splitTarget(url: string): { readonly path: string; readonly queryString: string } {
  const target = url.startsWith('/') ? url : url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
  const q = target.indexOf('?');
  return q < 0 ? { path: target, queryString: '' } : { path: target.slice(0, q), queryString: target.slice(q + 1) };
}

const EMPTY_PAIRS: ParamList = Object.freeze([]) as ParamList;

/** `String.prototype.isWellFormed`: in every Node the packages support (20.19+), not in the ES2022 lib we type with. */
export const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The pairs of `application/x-www-form-urlencoded` text, as URLSearchParams reads them. */
function searchParamsPairs(text: string): ParamList {
  const out: [string, string][] = [];
  for (const pair of new URLSearchParams(text)) out.push(pair);
  return out;
}

/** `text[from, to)` with `+` as a space and percent-decoded; undefined when decodeURIComponent refuses it. */
function decodePart(text: string, from: number, to: number): string | undefined {
  let s = text.slice(from, to);
  if (s.includes('+')) s = s.replaceAll('+', ' ');
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * The pairs of `application/x-www-form-urlencoded` text, the same as `new URLSearchParams(text)` gives (which also
 * drops a leading `?`), in about half its time (every request is parsed). Where the two decodings could differ — a
 * lone surrogate (URLSearchParams writes U+FFFD) or a percent-escape that is not UTF-8 (decodeURIComponent throws) —
 * URLSearchParams reads the text.
 */
export function urlencodedPairs(text: string): ParamList {
  if (text === '') return EMPTY_PAIRS;
  if (!isWellFormed(text)) return searchParamsPairs(text);
  const out: [string, string][] = [];
  // Each pair runs from `from` to the next `&` (or the end), empty ones skipped; its name ends at its first `=`.
  for (let from = text.startsWith('?') ? 1 : 0, end: number; from <= text.length; from = end + 1) {
    end = text.indexOf('&', from);
    if (end < 0) end = text.length;
    if (end === from) continue;
    let eq = text.indexOf('=', from);
    if (eq < 0 || eq > end) eq = end;
    const name = decodePart(text, from, eq);
    const value = eq === end ? '' : decodePart(text, eq + 1, end);
    if (name === undefined || value === undefined) return searchParamsPairs(text);
    out.push([name, value]);
  }
  return out;
}

/** The request with its parameters collected: the query string's, then a form body's. */
export function parseRequest(
  method: string,
  target: { path: string; queryString: string },
  headers: IncomingHttpHeaders,
  body: Buffer,
  startedAt: number = performance.now(),
  receivedAt?: number,
): RpcRequest {
  const query = urlencodedPairs(target.queryString);
  const form = body.length > 0 && isForm(headers) ? urlencodedPairs(body.toString('utf8')) : EMPTY_PAIRS;
  const params: Record<string, string> = Object.create(null);
  for (const [k, v] of query) if (params[k] === undefined) params[k] = v;
  for (const [k, v] of form) if (params[k] === undefined) params[k] = v;
  const { path, queryString } = target;
  return { method, path, queryString, query, form, params, headers, body, startedAt, receivedAt, claimed: undefined };
}

/**
 * What a request names, by header (`x-acs-…`) and parameter: nothing, one value (given by either or both, agreeing;
 * `byParameter` when the parameter gave it), or two that differ.
 */
export type Named =
  | { readonly given: 'none' }
  | { readonly given: 'one'; readonly value: string; readonly byParameter: boolean }
  | { readonly given: 'conflict'; readonly header: string; readonly parameter: string };

function named(header: string | undefined, parameter: string | undefined): Named {
  if (present(parameter)) {
    return present(header) && header !== parameter
      ? { given: 'conflict', header, parameter }
      : { given: 'one', value: parameter, byParameter: true };
  }
  return present(header) ? { given: 'one', value: header, byParameter: false } : { given: 'none' };
}

/** The one value a request names, if it names exactly one. */
export const namedValue = (n: Named): string | undefined => (n.given === 'one' ? n.value : undefined);

/** The action a request names: `x-acs-action` or `Action`. */
export const requestedAction = (r: RpcRequest): Named => named(firstHeader(r.headers, 'x-acs-action'), r.params.Action);

/** The version a request names: `x-acs-version` or `Version`. */
export const requestedVersion = (r: RpcRequest): Named =>
  named(firstHeader(r.headers, 'x-acs-version'), r.params.Version);
