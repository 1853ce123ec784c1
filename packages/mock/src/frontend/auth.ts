/**
 * Signatures as the front end reads them: which signing style a request uses, the AccessKeyId it claims, and the
 * gateway's signature step (`--verify-signatures`), for both signing styles, in the order of the contract's
 * `x-acs-error-precedence` (signature step):
 * IncompleteSignature, InvalidSignatureMethod, InvalidTimeStamp.Format, InvalidTimeStamp.Expired,
 * InvalidAccessKeyId.NotFound, SignatureNonceUsed, SignatureDoesNotMatch.
 * The signatures themselves are computed by packages/client/src/protocol/signing.ts.
 */
import {
  ACS3_ALGORITHM,
  parseAcs3Authorization,
  verifyAcs3,
  verifyRpc,
  type ParamList,
  type VerifyFailure,
} from '@rd-contract/client/protocol';
import type { SharedRules } from '@rd-contract/contract';
import { firstHeader, present, type RpcRequest } from './request.js';

type SigningRequired = SharedRules['commonParameters']['signingRequired'];

/** Requests more than this far from the server's clock are refused, and nonces are remembered this long. */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export type SignatureErrorCode =
  | 'IncompleteSignature'
  | 'InvalidSignatureMethod'
  | 'InvalidTimeStamp.Format'
  | 'InvalidTimeStamp.Expired'
  | 'InvalidAccessKeyId.NotFound'
  | 'SignatureNonceUsed'
  | 'SignatureDoesNotMatch';

export type SignatureCheck =
  | { readonly ok: true; readonly style: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1'; readonly accessKeyId: string }
  | {
      readonly ok: false;
      readonly code: SignatureErrorCode;
      /** Appended to the documented message. */ readonly messageSuffix?: string;
    };

/**
 * Remembers used nonces per AccessKey for {@link SIGNATURE_WINDOW_MS} (a request older than that is refused as
 * expired anyway), holding at most `maxEntries`; past that the oldest are forgotten first.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly maxEntries = 100_000,
    private readonly ttlMs = SIGNATURE_WINDOW_MS,
  ) {}

  has(key: string, now: number): boolean {
    const until = this.seen.get(key);
    return until !== undefined && until > now;
  }

  add(key: string, now: number): void {
    this.prune(now);
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
  }

  get size(): number {
    return this.seen.size;
  }

  /** Entries are in expiry order (constant TTL, re-inserted on add): drop from the front while expired. */
  private prune(now: number): void {
    for (const [k, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(k);
    }
  }
}

/**
 * Which signing style a request uses: an Authorization header (ACS3-HMAC-SHA256), any of the parameters that HMAC-SHA1
 * requires (the contract's), or none.
 */
export function signingStyle(r: RpcRequest, required: SigningRequired): 'ACS3-HMAC-SHA256' | 'HMAC-SHA1' | undefined {
  if (firstHeader(r.headers, 'authorization') !== undefined) return 'ACS3-HMAC-SHA256';
  return required['HMAC-SHA1'].some((n) => r.params[n] !== undefined) ? 'HMAC-SHA1' : undefined;
}

/** The AccessKeyId a request claims, unverified: the ACS3 `Credential=` or the `AccessKeyId` parameter. */
export function claimedAccessKeyId(r: RpcRequest): string | undefined {
  if (r.claimed === undefined) {
    const authorization = firstHeader(r.headers, 'authorization');
    const accessKeyId =
      authorization !== undefined
        ? parseAcs3Authorization(authorization)?.accessKeyId
        : present(r.params.AccessKeyId)
          ? r.params.AccessKeyId
          : undefined;
    r.claimed = { accessKeyId };
  }
  return r.claimed.accessKeyId;
}

export interface SignatureVerifierOptions {
  /**
   * What each style must carry: the contract's signing parameters with a missing code (the ACS3 headers must also be
   * signed: they bind the time, the nonce and the body to the signature).
   */
  readonly signingRequired: SigningRequired;
  /** AccessKeyId -> AccessKeySecret. */
  readonly keys: ReadonlyMap<string, string>;
  readonly now: () => number;
  readonly nonces: NonceCache;
}

function timeCheck(value: string, now: number): SignatureCheck | undefined {
  if (!TIMESTAMP.test(value)) return { ok: false, code: 'InvalidTimeStamp.Format' };
  const t = Date.parse(value);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 19) !== value.slice(0, 19))
    return { ok: false, code: 'InvalidTimeStamp.Format' };
  if (Math.abs(now - t) > SIGNATURE_WINDOW_MS) return { ok: false, code: 'InvalidTimeStamp.Expired' };
  return undefined;
}

function mismatch(reason: VerifyFailure | undefined, stringToSign: string): SignatureCheck {
  if (reason === 'signature-mismatch' || reason === 'payload-hash-mismatch') {
    return { ok: false, code: 'SignatureDoesNotMatch', messageSuffix: ` server string to sign is:${stringToSign}` };
  }
  if (reason === 'unknown-access-key') return { ok: false, code: 'InvalidAccessKeyId.NotFound' };
  // missing-signature, malformed-authorization, duplicate-parameter, invalid-encoding
  return { ok: false, code: 'IncompleteSignature' };
}

/** Verifies a request's signature the way the gateway does; records its nonce when it is accepted. */
export function checkSignature(req: RpcRequest, options: SignatureVerifierOptions): SignatureCheck {
  const style = signingStyle(req, options.signingRequired);
  if (style === 'ACS3-HMAC-SHA256') return checkAcs3(req, firstHeader(req.headers, 'authorization')!, options);
  if (style === 'HMAC-SHA1') return checkClassic(req, options);
  return { ok: false, code: 'IncompleteSignature' };
}

function checkClassic(
  req: RpcRequest,
  { signingRequired, keys, now, nonces }: SignatureVerifierOptions,
): SignatureCheck {
  const get = (n: string): string | undefined => req.params[n];
  if (!signingRequired['HMAC-SHA1'].every((n) => present(get(n)))) return { ok: false, code: 'IncompleteSignature' };
  if (get('SignatureVersion') !== '1.0') return { ok: false, code: 'IncompleteSignature' };
  if (get('SignatureMethod') !== 'HMAC-SHA1') return { ok: false, code: 'InvalidSignatureMethod' };
  const t = now();
  const timeError = timeCheck(get('Timestamp')!, t);
  if (timeError) return timeError;
  const accessKeyId = get('AccessKeyId')!;
  if (!keys.has(accessKeyId)) return { ok: false, code: 'InvalidAccessKeyId.NotFound' };
  const nonceKey = `${accessKeyId}\n${get('SignatureNonce')}`;
  if (nonces.has(nonceKey, t)) return { ok: false, code: 'SignatureNonceUsed' };
  const params: ParamList = req.form.length > 0 ? [...req.query, ...req.form] : req.query;
  const result = verifyRpc(req.method, params, (id) => keys.get(id));
  if (!result.ok) return mismatch(result.reason, result.stringToSign);
  nonces.add(nonceKey, t);
  return { ok: true, style: 'HMAC-SHA1', accessKeyId };
}

function checkAcs3(
  req: RpcRequest,
  authorization: string,
  { signingRequired, keys, now, nonces }: SignatureVerifierOptions,
): SignatureCheck {
  const date = firstHeader(req.headers, 'x-acs-date');
  const nonce = firstHeader(req.headers, 'x-acs-signature-nonce');
  const contentSha = firstHeader(req.headers, 'x-acs-content-sha256');
  if (!present(date) || !present(nonce) || !present(contentSha) || !SHA256_HEX.test(contentSha))
    return { ok: false, code: 'IncompleteSignature' };

  // Another ACS3 algorithm (ACS3-HMAC-SM3, ACS3-RSA-SHA256, ...) with complete fields is a method we do not support.
  const space = authorization.indexOf(' ');
  const algorithm = space > 0 ? authorization.slice(0, space) : authorization;
  const parsed = parseAcs3Authorization(space > 0 ? `${ACS3_ALGORITHM} ${authorization.slice(space + 1)}` : undefined);
  if (!parsed) return { ok: false, code: 'IncompleteSignature' };
  if (!signingRequired['ACS3-HMAC-SHA256'].every((h) => parsed.signedHeaders.includes(h)))
    return { ok: false, code: 'IncompleteSignature' };
  if (algorithm !== ACS3_ALGORITHM)
    return { ok: false, code: algorithm.startsWith('ACS3-') ? 'InvalidSignatureMethod' : 'IncompleteSignature' };

  const t = now();
  const timeError = timeCheck(date, t);
  if (timeError) return timeError;
  if (!keys.has(parsed.accessKeyId)) return { ok: false, code: 'InvalidAccessKeyId.NotFound' };
  const nonceKey = `${parsed.accessKeyId}\n${nonce}`;
  if (nonces.has(nonceKey, t)) return { ok: false, code: 'SignatureNonceUsed' };
  const result = verifyAcs3(
    { method: req.method, pathname: req.path, query: req.query, headers: req.headers, body: req.body },
    (id) => keys.get(id),
  );
  if (!result.ok) return mismatch(result.reason, result.stringToSign);
  nonces.add(nonceKey, t);
  return { ok: true, style: 'ACS3-HMAC-SHA256', accessKeyId: parsed.accessKeyId };
}

/** Parses `MOCK_ACCESS_KEYS` (`id:secret,id2:secret2`; a secret may contain `:`). Throws on a malformed entry. */
export function parseAccessKeys(spec: string | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of (spec ?? '').split(',')) {
    const e = entry.trim();
    if (e === '') continue;
    const colon = e.indexOf(':');
    if (colon <= 0 || colon === e.length - 1)
      throw new Error(`MOCK_ACCESS_KEYS: expected id:secret, got "${e.slice(0, 40)}"`);
    keys.set(e.slice(0, colon), e.slice(colon + 1));
  }
  return keys;
}
