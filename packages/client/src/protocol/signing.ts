/**
 * Request signing for Alibaba Cloud RPC APIs (both APIs of the contract, ResourceManager 2020-03-31 and
 * ResourceDirectoryMaster 2022-04-19, sign alike).
 *
 * Two styles are implemented, both byte-for-byte compatible with the official signer
 * `@alicloud/openapi-core` 1.0.8 (`OpenApiUtil.getAuthorization` / `OpenApiUtil.getRPCSignature`):
 *
 * - ACS3-HMAC-SHA256 (the SDKs' default): signature in the `Authorization` header.
 * - HMAC-SHA1 "signature version 1.0" (classic RPC): `Signature` query/form parameter.
 *
 * Every function here is pure (no I/O) except `newNonce`, which reads random bytes.
 * Strings are hashed and MAC'ed as UTF-8.
 *
 * Known, deliberate choices (see tests/unit/client/protocol/signing.test.ts for the pinned behaviour):
 * - ACS3 canonical query: like the official SDKs (TypeScript and C#), only the *values* are
 *   percent-encoded, the *keys* are used as they are. Alibaba's V3 document says both are encoded;
 *   the two agree for keys made of `A-Za-z0-9-_.~`, which covers every Resource Manager parameter name.
 * - Percent-encoding is `encodeURIComponent` plus `!'()*`; like the official util it throws
 *   `URIError` on strings containing a lone UTF-16 surrogate.
 * - Signature v1: a parameter named `__proto__` is signed here; the official util silently drops it.
 */
import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The ACS3 algorithm name, used in the string to sign and the Authorization header. */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** Hex SHA-256 of the empty body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Header values: `undefined` counts as empty; an array holds repeated headers of one name. */
export type HeaderValue = string | readonly string[] | undefined;
export type HeaderMap = Readonly<Record<string, HeaderValue>>;

/** Parameters as a record, or as ordered `[name, value]` pairs straight off the wire. */
export type ParamRecord = Readonly<Record<string, string | undefined>>;
export type ParamList = ReadonlyArray<readonly [string, string]>;

/** A secret, or a lookup from AccessKeyId to secret (`undefined` = unknown key). */
export type SecretSource = string | ((accessKeyId: string) => string | undefined);

/** Why a verification failed. */
export type VerifyFailure =
  | 'missing-signature'
  | 'malformed-authorization'
  | 'unknown-access-key'
  | 'duplicate-parameter'
  | 'invalid-encoding'
  | 'payload-hash-mismatch'
  | 'signature-mismatch';

// ---------------------------------------------------------------------------------------------
// Encoding and small helpers
// ---------------------------------------------------------------------------------------------

const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;

function rfc3986(s: string): string {
  if (UNRESERVED.test(s)) return s; // nothing to encode (most values): skip encodeURIComponent and the replace
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Percent-encoding of signature v1: UTF-8, only `A-Za-z0-9-_.~` left as is
 * (space -> `%20`, `*` -> `%2A`, `~` kept). Throws `URIError` on a lone surrogate.
 */
export function percentEncodeRpc(s: string): string {
  return rfc3986(s);
}

/**
 * Percent-encoding of ACS3 query values: `encodeURIComponent` with `!'()*` also escaped.
 * This leaves exactly the same set as {@link percentEncodeRpc}; both names exist so callers say which
 * protocol they mean. Throws `URIError` on a lone surrogate.
 */
export function percentEncodeAcs3(s: string): string {
  return rfc3986(s);
}

/** Hex SHA-256 of a body (strings are hashed as UTF-8). */
export function sha256Hex(body: string | Uint8Array): string {
  return hash('sha256', body, 'hex'); // the one-shot form of createHash('sha256'), without a Hash object
}

const NONCE_BYTES = 32;
const NONCE_POOL_BYTES = NONCE_BYTES * 128;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

/**
 * A fresh signature nonce: 32 random bytes as 64 lower-case hex characters (the SDK's length). The bytes come from
 * the CSPRNG 4 KiB at a time, and each byte is used for one nonce only.
 */
export function newNonce(): string {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    noncePoolOffset = 0;
  }
  const nonce = noncePool.toString('hex', noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, without milliseconds (Timestamp / x-acs-date). */
export function utcTimestamp(date: Date = new Date()): string {
  const iso = date.toISOString(); // always ends in .sssZ
  return `${iso.slice(0, -5)}Z`;
}

/** Code-unit order, as `Array.prototype.sort()` without a comparator (what the official util uses). */
function sortedKeys(o: object): string[] {
  return Object.keys(o).sort();
}

/** Constant-time string comparison (lengths are compared first; unequal length returns false). */
function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Turns a list of pairs into a record; `undefined` if a name repeats. Records are copied as they are. */
function toRecord(params: ParamRecord | ParamList): Record<string, string | undefined> | undefined {
  if (!Array.isArray(params)) return { ...(params as ParamRecord) };
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of params as ParamList) {
    if (Object.prototype.hasOwnProperty.call(out, k)) return undefined;
    out[k] = v;
  }
  return out;
}

/** Runs a canonicalisation; `undefined` if a value cannot be percent-encoded (lone surrogate). */
function encodable(build: () => string): string | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof URIError) return undefined;
    throw e;
  }
}

function resolveSecret(secret: SecretSource, accessKeyId: string): string | undefined {
  return typeof secret === 'function' ? secret(accessKeyId) : secret;
}

// ---------------------------------------------------------------------------------------------
// Signature version 1.0 (HMAC-SHA1)
// ---------------------------------------------------------------------------------------------

/**
 * Canonical query of signature v1: every parameter except `Signature` (and except `undefined`
 * values, which the official util skips), sorted by name, `enc(k)=enc(v)` joined by `&`.
 */
export function rpcCanonicalQuery(params: ParamRecord): string {
  return sortedKeys(params)
    .filter((k) => k !== 'Signature' && params[k] !== undefined)
    .map((k) => `${percentEncodeRpc(k)}=${percentEncodeRpc(params[k] as string)}`)
    .join('&');
}

/** StringToSign of signature v1: `METHOD&%2F&` + percentEncode(canonical query). */
export function rpcStringToSign(method: string, params: ParamRecord): string {
  return `${method}&${percentEncodeRpc('/')}&${percentEncodeRpc(rpcCanonicalQuery(params))}`;
}

/** Base64 HMAC-SHA1: the one HMAC-SHA1 of this package (signature version 1.0 keys it with `secret&`). */
function hmacSha1Base64(key: string, data: string): string {
  return createHmac('sha1', key).update(data).digest('base64');
}

/** Signature v1: base64(HMAC-SHA1(secret + "&", StringToSign)). `Signature` in params is ignored. */
export function signRpc(method: string, params: ParamRecord, accessKeySecret: string): string {
  return hmacSha1Base64(`${accessKeySecret}&`, rpcStringToSign(method, params));
}

export interface RpcVerifyResult {
  ok: boolean;
  /** The server-side StringToSign ('' when it could not be built, e.g. duplicate parameters). */
  stringToSign: string;
  accessKeyId?: string;
  reason?: VerifyFailure;
}

/**
 * Verifies a signature-v1 request. `params` are all received parameters (query merged with the
 * form body), including `Signature`; a list with a repeated name is rejected. With a lookup as
 * `secret`, the key is looked up by the `AccessKeyId` parameter.
 */
export function verifyRpc(method: string, params: ParamRecord | ParamList, secret: SecretSource): RpcVerifyResult {
  const record = toRecord(params);
  if (!record) return { ok: false, stringToSign: '', reason: 'duplicate-parameter' };
  const accessKeyId = record.AccessKeyId ?? '';
  const stringToSign = encodable(() => rpcStringToSign(method, record));
  if (stringToSign === undefined) return { ok: false, stringToSign: '', accessKeyId, reason: 'invalid-encoding' };
  const given = record.Signature;
  if (given === undefined || given === '') return { ok: false, stringToSign, accessKeyId, reason: 'missing-signature' };
  const key = resolveSecret(secret, accessKeyId);
  if (key === undefined) return { ok: false, stringToSign, accessKeyId, reason: 'unknown-access-key' };
  const expected = hmacSha1Base64(`${key}&`, stringToSign);
  return safeEqual(expected, given)
    ? { ok: true, stringToSign, accessKeyId }
    : { ok: false, stringToSign, accessKeyId, reason: 'signature-mismatch' };
}

// ---------------------------------------------------------------------------------------------
// ACS3-HMAC-SHA256
// ---------------------------------------------------------------------------------------------

export interface Acs3RequestParts {
  method: string;
  /** Request path as sent, e.g. `/`. */
  pathname: string;
  /** Decoded query parameters; `undefined` values canonicalise as `k=`. */
  query: ParamRecord;
  headers: HeaderMap;
  /** Hex SHA-256 of the body (the `x-acs-content-sha256` value). */
  payloadHash: string;
  /**
   * Header names to sign. Omitted (signing): `host`, `content-type` and every `x-acs-*` present.
   * Given (verifying): exactly these, in this order, as listed in the Authorization header.
   */
  signedHeaders?: readonly string[];
}

export interface Acs3Canonical {
  canonicalRequest: string;
  /** Lower-cased header names as they appear in `SignedHeaders=`. */
  signedHeaders: string[];
}

export interface Acs3Signed extends Acs3Canonical {
  stringToSign: string;
  /** Lower-case hex HMAC-SHA256. */
  signature: string;
  /** The full `Authorization` header value. */
  authorization: string;
}

function isSignableHeader(lowerName: string): boolean {
  return lowerName === 'host' || lowerName === 'content-type' || lowerName.startsWith('x-acs-');
}

/** Trimmed values of every header whose lower-cased name is in `wanted` (or is signable). */
function collectHeaders(headers: HeaderMap, wanted?: ReadonlySet<string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (wanted ? !wanted.has(lower) : !isSignableHeader(lower)) continue;
    const raw = headers[name];
    const values = typeof raw === 'string' ? [raw] : raw === undefined || raw === null ? [''] : [...raw];
    const group = groups.get(lower) ?? [];
    for (const v of values) group.push((v ?? '').trim());
    groups.set(lower, group);
  }
  return groups;
}

/**
 * ACS3 canonical request:
 * `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`, where QUERY is sorted by raw name,
 * `name=encode(value)`; HEADERS are `name:value\n` (values trimmed; repeated headers sorted and
 * joined by `,`); SIGNED_HEADERS are the names joined by `;`.
 */
export function acs3CanonicalRequest(parts: Acs3RequestParts): Acs3Canonical {
  const { method, pathname, query, headers, payloadHash } = parts;
  const uri = (pathname || '').replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const canonicalQuery = sortedKeys(query)
    .map((k) => {
      const v = query[k];
      return v === undefined || v === null ? `${k}=` : `${k}=${percentEncodeAcs3(v)}`;
    })
    .join('&');

  let names: string[];
  let groups: Map<string, string[]>;
  if (parts.signedHeaders) {
    names = parts.signedHeaders.map((n) => n.toLowerCase());
    groups = collectHeaders(headers, new Set(names));
  } else {
    groups = collectHeaders(headers);
    names = [...groups.keys()].sort();
  }
  const canonicalHeaders = names.map((n) => `${n}:${(groups.get(n) ?? ['']).sort().join(',')}\n`).join('');

  const canonicalRequest = [method, uri, canonicalQuery, canonicalHeaders, names.join(';'), payloadHash].join('\n');
  return { canonicalRequest, signedHeaders: names };
}

/** StringToSign: `ACS3-HMAC-SHA256\n` + hex(sha256(canonicalRequest)). */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/**
 * HMAC-SHA256 keyed with one secret, as hex: RFC 2104 over two one-shot SHA-256 digests (`crypto.hash`) with the key
 * pads computed once. The same bytes as `createHmac('sha256', secret)`, without an Hmac object per message (which
 * costs more than the two digests). The one HMAC-SHA256 of this package: the client keeps one per secret.
 */
function keyedHmacSha256Hex(secret: string): (data: string) => string {
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

function hmacSha256Hex(secret: string, data: string): string {
  return keyedHmacSha256Hex(secret)(data);
}

/**
 * The ACS3 `Authorization` value of canonical requests, keyed once with one secret (hex HMAC-SHA256(secret,
 * StringToSign)), for a signer that builds the canonical request itself, with these signed headers (names joined by
 * `;`): the client's wire building (packages/client/src/wire.ts).
 */
export function acs3Signer(
  accessKeyId: string,
  accessKeySecret: string,
  signedHeaders: string,
): (canonicalRequest: string) => string {
  const hmac = keyedHmacSha256Hex(accessKeySecret);
  return (canonicalRequest) =>
    acs3AuthorizationValue(accessKeyId, signedHeaders, hmac(acs3StringToSign(canonicalRequest)));
}

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>` from its parts. */
function acs3AuthorizationValue(accessKeyId: string, signedHeaders: string, signature: string): string {
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

/** Every intermediate of an ACS3 signature, for clients that want to log or debug them. */
export function acs3Sign(parts: Acs3RequestParts, accessKeyId: string, accessKeySecret: string): Acs3Signed {
  const canonical = acs3CanonicalRequest(parts);
  const stringToSign = acs3StringToSign(canonical.canonicalRequest);
  const signature = hmacSha256Hex(accessKeySecret, stringToSign);
  const authorization = acs3AuthorizationValue(accessKeyId, canonical.signedHeaders.join(';'), signature);
  return { ...canonical, stringToSign, signature, authorization };
}

/** Hex HMAC-SHA256(secret, StringToSign). */
export function signAcs3(parts: Acs3RequestParts, accessKeySecret: string): string {
  return hmacSha256Hex(accessKeySecret, acs3StringToSign(acs3CanonicalRequest(parts).canonicalRequest));
}

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`. */
export function acs3Authorization(parts: Acs3RequestParts, accessKeyId: string, accessKeySecret: string): string {
  return acs3Sign(parts, accessKeyId, accessKeySecret).authorization;
}

export interface Acs3AuthorizationParts {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses `ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`. Returns `undefined` when
 * the algorithm differs, a field is missing, repeated, unknown or empty, or the signature is not hex.
 * Signed header names are lower-cased. One pass over the fields, no map: the mock parses every request's header
 * (a Map and split per header took ~0.7 µs, this ~0.3 µs).
 */
export function parseAcs3Authorization(header: string | undefined): Acs3AuthorizationParts | undefined {
  if (typeof header !== 'string') return undefined;
  const prefix = `${ACS3_ALGORITHM} `;
  if (!header.startsWith(prefix)) return undefined;
  let accessKeyId: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  // Each field runs from `from` to the next comma (or the end); its name ends at its first `=`.
  for (let from = prefix.length, end = 0; end < header.length; from = end + 1) {
    end = header.indexOf(',', from);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', from);
    if (eq < 0 || eq > end) return undefined;
    const name = header.slice(from, eq).trim();
    const value = header.slice(eq + 1, end).trim();
    if (name === 'Credential' && accessKeyId === undefined) accessKeyId = value;
    else if (name === 'SignedHeaders' && signedHeaders === undefined) signedHeaders = value;
    else if (name === 'Signature' && signature === undefined) signature = value;
    else return undefined; // unknown or repeated
  }
  if (!accessKeyId || !signedHeaders || !signature || !/^[0-9a-fA-F]+$/.test(signature)) return undefined;
  const names = signedHeaders.split(';');
  for (let i = 0; i < names.length; i++) if ((names[i] = names[i]!.trim().toLowerCase()) === '') return undefined;
  return { accessKeyId, signedHeaders: names, signature };
}

/** A request as received by a server. */
export interface Acs3IncomingRequest {
  method: string;
  pathname: string;
  /** Decoded query parameters, as pairs in wire order or as a record (no `Action`/`Version` needed). */
  query: ParamRecord | ParamList;
  /** Headers with lower-cased names (as Node gives them), including `authorization`. */
  headers: HeaderMap;
  /** The raw body bytes (a string is taken as UTF-8). */
  body: Uint8Array | string;
}

export interface Acs3VerifyResult {
  ok: boolean;
  /** Server-side StringToSign ('' when the request could not be canonicalised). */
  stringToSign: string;
  canonicalRequest: string;
  accessKeyId?: string;
  reason?: VerifyFailure;
}

function firstHeader(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : v?.[0];
}

/**
 * Verifies an ACS3-HMAC-SHA256 request: parses `authorization`, looks up the secret, checks that
 * `x-acs-content-sha256` equals the SHA-256 of the actual body, then recomputes the signature over
 * exactly the headers listed in `SignedHeaders` and compares in constant time. Failure reasons are
 * checked in that order. Duplicate query names can only be detected when `query` is a list.
 */
export function verifyAcs3(req: Acs3IncomingRequest, secret: SecretSource): Acs3VerifyResult {
  const none = { stringToSign: '', canonicalRequest: '' };
  const auth = parseAcs3Authorization(firstHeader(req.headers, 'authorization'));
  if (!auth) return { ok: false, ...none, reason: 'malformed-authorization' };
  const { accessKeyId } = auth;
  const query = toRecord(req.query);
  if (!query) return { ok: false, ...none, accessKeyId, reason: 'duplicate-parameter' };

  const payloadHash = firstHeader(req.headers, 'x-acs-content-sha256') ?? '';
  const canonicalRequest = encodable(
    () =>
      acs3CanonicalRequest({
        method: req.method,
        pathname: req.pathname,
        query,
        headers: req.headers,
        payloadHash,
        signedHeaders: auth.signedHeaders,
      }).canonicalRequest,
  );
  if (canonicalRequest === undefined) return { ok: false, ...none, accessKeyId, reason: 'invalid-encoding' };
  const stringToSign = acs3StringToSign(canonicalRequest);
  const base = { stringToSign, canonicalRequest, accessKeyId };

  const key = resolveSecret(secret, accessKeyId);
  if (key === undefined) return { ok: false, ...base, reason: 'unknown-access-key' };
  if (!safeEqual(payloadHash, sha256Hex(req.body))) return { ok: false, ...base, reason: 'payload-hash-mismatch' };
  return safeEqual(hmacSha256Hex(key, stringToSign), auth.signature)
    ? { ok: true, ...base }
    : { ok: false, ...base, reason: 'signature-mismatch' };
}
