import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  ACS3_ALGORITHM,
  EMPTY_BODY_SHA256,
  acs3Authorization,
  acs3CanonicalRequest,
  acs3Sign,
  acs3StringToSign,
  newNonce,
  parseAcs3Authorization,
  percentEncodeAcs3,
  percentEncodeRpc,
  rpcStringToSign,
  sha256Hex,
  signAcs3,
  signRpc,
  utcTimestamp,
  verifyAcs3,
  verifyRpc,
  type Acs3IncomingRequest,
  type Acs3RequestParts,
} from '../../../../packages/client/src/protocol/signing.js';

// The official signer (CommonJS). Loosely typed on purpose: we feed it exactly what the SDK feeds it.
interface OfficialUtil {
  getAuthorization(
    request: {
      method: string;
      pathname: string;
      query: Record<string, string | undefined>;
      headers: Record<string, string | undefined>;
    },
    signatureAlgorithm: string,
    payload: string,
    accessKey: string,
    accessKeySecret: string,
  ): string;
  getRPCSignature(signedParams: Record<string, string | undefined>, method: string, secret: string): string;
  getTimestamp(): string;
}
const require = createRequire(import.meta.url);
const OpenApiUtil: OfficialUtil = require('@alicloud/openapi-core').OpenApiUtil;

const RUNS = 1000;

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Characters that matter to percent-encoding and to query/form syntax. */
const SPECIAL = [
  ' ',
  '*',
  '~',
  '!',
  "'",
  '(',
  ')',
  '%',
  '+',
  '/',
  '=',
  '&',
  '?',
  '#',
  ';',
  ',',
  ':',
  '@',
  '$',
  '"',
  '\t',
  '\n',
  '-',
  '_',
  '.',
];
const specialString = fc.string({ unit: fc.constantFrom(...SPECIAL, 'a', 'Z', '0', 'é', '中', '😀'), maxLength: 12 });
/** Full Unicode (valid code points, no lone surrogates), ASCII-with-controls, specials, or empty. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.string({ unit: 'binary-ascii', maxLength: 16 }),
  specialString,
  fc.constant(''),
);
const paramName = fc.oneof(
  anyString,
  fc.constantFrom(
    'Action',
    'Version',
    'Format',
    'AccessKeyId',
    'SignatureNonce',
    'Timestamp',
    'SecurityToken',
    'Signature',
    'EnableMode',
    'MAName',
    'Tag.1.Key',
    '10',
    '9',
    'a',
    'A',
    'a ',
    'a b',
    'é',
    'Z~',
  ),
);
const method = fc.constantFrom('GET', 'POST');
const secret = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('testsecret', 'YourAccessKeySecret'),
);
const accessKeyId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,30}$/), fc.constantFrom('testid', 'STS.NUabc123'));

/**
 * Parameter maps of 0..30 entries. `__proto__` is excluded because the official signature-v1 util
 * drops a parameter of that name (pinned in 'known divergences' below); fast-check does generate it.
 */
const params = <V extends string | undefined = string>(
  name: fc.Arbitrary<string> = paramName,
  value: fc.Arbitrary<V> = anyString as fc.Arbitrary<V>,
) =>
  fc
    .uniqueArray(fc.tuple(name, value), { maxLength: 30, selector: ([k]) => k })
    .map((pairs) => Object.fromEntries(pairs.filter(([k]) => k !== '__proto__')) as Record<string, V>);

const headerValue = fc.oneof(
  anyString,
  anyString.map((s) => `  ${s}\t `),
  fc.constantFrom('', ' ', 'application/json', 'application/x-www-form-urlencoded'),
);
/** Extra headers: signable ones in several spellings and unsigned ones. */
const extraHeaders = fc
  .uniqueArray(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'Content-Type',
          'content-type',
          'X-Acs-Foo',
          'x-acs-foo',
          'X-ACS-BAR',
          'user-agent',
          'accept',
          'Host',
          'x-acs-credentials-provider',
          'x-acs-retry-attempts',
          'x-acsnot',
          'x-ac-s',
          'authorization',
        ),
        anyString.map((s) => `x-acs-${s}`),
        anyString,
      ),
      headerValue,
    ),
    { maxLength: 8, selector: ([k]) => k },
  )
  .map((pairs) => Object.fromEntries(pairs));

/** A request the way the SDK builds it for an RPC action (ACS3 style), plus noise. */
const acs3Request = fc
  .record({
    method,
    pathname: fc.oneof(fc.constantFrom('/', '', '/a+b*c%7E', '/x y'), anyString),
    query: params(paramName, fc.oneof(anyString, anyString, fc.constant(undefined))),
    host: fc.constantFrom('resourcemanager.aliyuncs.com', ' resourcemanager.aliyuncs.com '),
    action: fc.constantFrom('EnableResourceDirectory', 'GetResourceDirectory', 'InitResourceDirectory'),
    date: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    nonce: fc.stringMatching(/^[0-9a-f]{64}$/),
    body: fc.uint8Array({ maxLength: 64 }),
    securityToken: fc.option(anyString, { nil: undefined }),
    extra: extraHeaders,
    accessKeyId,
    secret,
  })
  .map((r) => {
    const payloadHash = sha256Hex(r.body);
    const headers: Record<string, string | undefined> = {
      host: r.host,
      'x-acs-version': '2020-03-31',
      'x-acs-action': r.action,
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2',
      'x-acs-date': utcTimestamp(r.date),
      'x-acs-signature-nonce': r.nonce,
      accept: 'application/json',
      ...r.extra,
      'x-acs-content-sha256': payloadHash,
    };
    if (r.securityToken !== undefined) headers['x-acs-security-token'] = r.securityToken;
    return { ...r, headers, payloadHash };
  });

function withoutSignature<V extends string | undefined>(p: Record<string, V>): Record<string, V> {
  const { Signature: _ignored, ...rest } = p;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// 1. Published worked examples
// ---------------------------------------------------------------------------------------------

describe('published worked examples', () => {
  it('reproduces the V3 (ACS3-HMAC-SHA256) example of the RunInstances document', () => {
    const parts: Acs3RequestParts = {
      method: 'POST',
      pathname: '/',
      query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': EMPTY_BODY_SHA256,
      },
      payloadHash: sha256Hex(''),
    };
    const { canonicalRequest, signedHeaders } = acs3CanonicalRequest(parts);
    expect(sha256Hex(canonicalRequest)).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signedHeaders).toEqual([
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]);
    expect(acs3StringToSign(canonicalRequest)).toBe(
      'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    );
    const expected =
      'ACS3-HMAC-SHA256' +
      ' Credential=YourAccessKeyId,' +
      'SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
      'Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';
    expect(acs3Authorization(parts, 'YourAccessKeyId', 'YourAccessKeySecret')).toBe(expected);
    expect(signAcs3(parts, 'YourAccessKeySecret')).toBe(
      '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('reproduces the signature v1 (HMAC-SHA1) example of the ECS document', () => {
    const p = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(rpcStringToSign('GET', p)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
        '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(signRpc('GET', p, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    // A Signature already present is not part of what is signed.
    expect(signRpc('GET', { ...p, Signature: 'whatever' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Percent-encoding and differential tests against @alicloud/openapi-core
// ---------------------------------------------------------------------------------------------

/** Independent reference: UTF-8 bytes, unreserved kept, everything else %XX upper-case. */
function referenceRfc3986(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

describe('percent-encoding', () => {
  it.each([
    [' ', '%20'],
    ['*', '%2A'],
    ['~', '~'],
    ["!'()", '%21%27%28%29'],
    ['%', '%25'],
    ['+', '%2B'],
    ['/', '%2F'],
    ['=', '%3D'],
    ['&', '%26'],
    ['a-_.Z9', 'a-_.Z9'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
    ['', ''],
  ])('encodes %j as %j in both styles', (input, expected) => {
    expect(percentEncodeRpc(input)).toBe(expected);
    expect(percentEncodeAcs3(input)).toBe(expected);
  });

  it('matches an independent byte-wise RFC 3986 encoder on arbitrary Unicode', () => {
    let runs = 0;
    fc.assert(
      fc.property(anyString, (s) => {
        runs++;
        expect(percentEncodeRpc(s)).toBe(referenceRfc3986(s));
        expect(percentEncodeAcs3(s)).toBe(referenceRfc3986(s));
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });

  it('rejects lone surrogates with URIError, as the official util does', () => {
    expect(() => percentEncodeRpc('a\ud800')).toThrow(URIError);
    expect(() => OpenApiUtil.getRPCSignature({ a: 'a\ud800' }, 'GET', 's')).toThrow(URIError);
  });
});

describe('differential: signature v1 against OpenApiUtil.getRPCSignature', () => {
  it('gives identical signatures for arbitrary requests', () => {
    // undefined values: the SDK leaves unset optional parameters out; both signers must skip them.
    const value = fc.oneof({ weight: 4, arbitrary: anyString }, { weight: 1, arbitrary: fc.constant(undefined) });
    let runs = 0;
    fc.assert(
      fc.property(
        method,
        params(paramName, value),
        secret,
        fc.option(anyString, { nil: undefined }),
        (m, p, s, token) => {
          runs++;
          const all = token === undefined ? p : { ...p, SecurityToken: token };
          expect(signRpc(m, all, s)).toBe(OpenApiUtil.getRPCSignature(withoutSignature(all), m, s));
        },
      ),
      { numRuns: RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });

  it('agrees with it on strings containing lone surrogates (both throw, or both sign alike)', () => {
    const withSurrogates = fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.constantFrom('\ud800', '\udfff', '\udbff'),
      ),
      maxLength: 6,
    });
    let runs = 0;
    fc.assert(
      fc.property(method, params(withSurrogates, withSurrogates), secret, (m, p, s) => {
        runs++;
        const outcome = (f: () => string) => {
          try {
            return f();
          } catch (e) {
            return `throws ${(e as Error).name}`;
          }
        };
        expect(outcome(() => signRpc(m, p, s))).toBe(
          outcome(() => OpenApiUtil.getRPCSignature(withoutSignature(p), m, s)),
        );
      }),
      { numRuns: 500 },
    );
    expect(runs).toBeGreaterThanOrEqual(500);
  });
});

describe('differential: ACS3-HMAC-SHA256 against OpenApiUtil.getAuthorization', () => {
  it('gives identical Authorization values for arbitrary requests', () => {
    let runs = 0;
    fc.assert(
      fc.property(acs3Request, (r) => {
        runs++;
        const ours = acs3Authorization(
          { method: r.method, pathname: r.pathname, query: r.query, headers: r.headers, payloadHash: r.payloadHash },
          r.accessKeyId,
          r.secret,
        );
        const official = OpenApiUtil.getAuthorization(
          { method: r.method, pathname: r.pathname, query: r.query, headers: r.headers },
          'ACS3-HMAC-SHA256',
          r.payloadHash,
          r.accessKeyId,
          r.secret,
        );
        expect(ours).toBe(official);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });

  it('agrees with it on query values and keys containing lone surrogates', () => {
    const withSurrogates = fc.string({
      unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('\ud800', '\udfff')),
      maxLength: 6,
    });
    let runs = 0;
    fc.assert(
      fc.property(method, params(withSurrogates, withSurrogates), secret, (m, q, s) => {
        runs++;
        const headers = { host: 'h', 'x-acs-action': 'A\ud800' };
        const outcome = (f: () => string) => {
          try {
            return f();
          } catch (e) {
            return `throws ${(e as Error).name}`;
          }
        };
        expect(
          outcome(() =>
            acs3Authorization({ method: m, pathname: '/', query: q, headers, payloadHash: EMPTY_BODY_SHA256 }, 'id', s),
          ),
        ).toBe(
          outcome(() =>
            OpenApiUtil.getAuthorization(
              { method: m, pathname: '/', query: q, headers },
              ACS3_ALGORITHM,
              EMPTY_BODY_SHA256,
              'id',
              s,
            ),
          ),
        );
      }),
      { numRuns: 500 },
    );
    expect(runs).toBeGreaterThanOrEqual(500);
  });

  it('signs host, content-type and x-acs-* only, lower-cased and sorted, with trimmed values', () => {
    const { canonicalRequest, signedHeaders } = acs3CanonicalRequest({
      method: 'POST',
      pathname: '/',
      query: { b: 'x y', a: '', c: undefined },
      headers: {
        'X-Acs-Zeta': ' z ',
        Host: 'h ',
        'User-Agent': 'ua',
        'content-type': 'text/plain',
        accept: 'application/json',
        'x-acs-alpha': '\ta',
      },
      payloadHash: 'PH',
    });
    expect(signedHeaders).toEqual(['content-type', 'host', 'x-acs-alpha', 'x-acs-zeta']);
    expect(canonicalRequest).toBe(
      'POST\n/\na=&b=x%20y&c=\n' +
        'content-type:text/plain\nhost:h\nx-acs-alpha:a\nx-acs-zeta:z\n\n' +
        'content-type;host;x-acs-alpha;x-acs-zeta\nPH',
    );
  });
});

describe('known divergences (pinned so that a change on either side is noticed)', () => {
  it('ACS3 query keys are not percent-encoded, exactly like the official util (the V3 document says they are)', () => {
    const parts = {
      method: 'GET',
      pathname: '/',
      query: { 'a b': 'c d' },
      headers: { host: 'h' },
      payloadHash: EMPTY_BODY_SHA256,
    };
    expect(acs3CanonicalRequest(parts).canonicalRequest.split('\n')[2]).toBe('a b=c%20d');
    expect(acs3Authorization(parts, 'id', 's')).toBe(
      OpenApiUtil.getAuthorization(parts, ACS3_ALGORITHM, EMPTY_BODY_SHA256, 'id', 's'),
    );
  });

  it('signature v1: the official util drops a parameter named __proto__, we sign it', () => {
    const withProto = Object.fromEntries([
      ['__proto__', 'x'],
      ['a', 'b'],
    ]) as Record<string, string>;
    expect(Object.keys(withProto)).toEqual(['__proto__', 'a']);
    expect(OpenApiUtil.getRPCSignature(withProto, 'GET', 's')).toBe(
      OpenApiUtil.getRPCSignature({ a: 'b' }, 'GET', 's'),
    );
    expect(signRpc('GET', withProto, 's')).not.toBe(signRpc('GET', { a: 'b' }, 's'));
    expect(rpcStringToSign('GET', withProto)).toBe('GET&%2F&__proto__%3Dx%26a%3Db');
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Verification
// ---------------------------------------------------------------------------------------------

/**
 * Replaces the code point at i (modulo the length) with a different, non-space one, or appends one
 * to an empty string. Whole code points, so that no lone surrogate is produced.
 */
function mutate(s: string, i: number): string {
  const cps = Array.from(s);
  if (cps.length === 0) return 'x';
  const at = i % cps.length;
  cps[at] = cps[at] === 'x' ? 'y' : 'x';
  return cps.join('');
}

/** Turns a generated request into what a server sees: lower-cased header names, raw body. */
function incoming(
  r: {
    method: string;
    pathname: string;
    query: Record<string, string | undefined>;
    headers: Record<string, string | undefined>;
    body: Uint8Array;
  },
  authorization: string,
): Acs3IncomingRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v ?? '';
  headers.authorization = authorization;
  const query = Object.entries(r.query).map(([k, v]) => [k, v ?? ''] as const);
  return { method: r.method, pathname: r.pathname, query, headers, body: r.body };
}

/**
 * Requests a server can actually receive: header names are HTTP tokens (RFC 9110 `tchar`; so no
 * spaces, `,` or `;`, which could not be listed in SignedHeaders either) and distinct once lower-cased.
 */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const serverSideAcs3Request = acs3Request.filter((r) => {
  const names = Object.keys(r.headers).map((k) => k.toLowerCase());
  return (
    names.every((n) => HTTP_TOKEN.test(n)) && new Set(names).size === names.length && !names.includes('authorization')
  );
});

describe('verifyAcs3', () => {
  const body = new TextEncoder().encode('{"EnableMode":"CurrentAccount"}');
  const parts: Acs3RequestParts = {
    method: 'POST',
    pathname: '/',
    query: {
      EnableMode: 'NewManagementAccount',
      MAName: 'user01@rdadmin.aliyunid.com',
      VerificationCode: '123456',
      Empty: '',
    },
    headers: {
      host: 'resourcemanager.aliyuncs.com',
      'x-acs-action': 'EnableResourceDirectory',
      'x-acs-version': '2020-03-31',
      'x-acs-date': '2026-11-22T10:20:14Z',
      'x-acs-signature-nonce': 'a'.repeat(64),
      'x-acs-content-sha256': sha256Hex(body),
      'x-acs-security-token': 'sts-token',
      'content-type': 'application/json',
      'user-agent': 'test',
    },
    payloadHash: sha256Hex(body),
  };
  const signed = acs3Sign(parts, 'AKID', 'sekret');
  const request = (): Acs3IncomingRequest => ({
    method: parts.method,
    pathname: parts.pathname,
    query: Object.entries(parts.query).map(([k, v]) => [k, v ?? ''] as const),
    headers: { ...(parts.headers as Record<string, string>), authorization: signed.authorization },
    body,
  });

  it("accepts a correctly signed request and returns the signer's StringToSign and CanonicalRequest", () => {
    const result = verifyAcs3(request(), 'sekret');
    expect(result).toEqual({
      ok: true,
      stringToSign: signed.stringToSign,
      canonicalRequest: signed.canonicalRequest,
      accessKeyId: 'AKID',
    });
    expect(verifyAcs3({ ...request(), query: parts.query }, (id) => (id === 'AKID' ? 'sekret' : undefined)).ok).toBe(
      true,
    );
  });

  it('rejects the wrong secret, an unknown key, a tampered body and a missing payload hash', () => {
    expect(verifyAcs3(request(), 'sekreT')).toMatchObject({
      ok: false,
      reason: 'signature-mismatch',
      stringToSign: signed.stringToSign,
    });
    expect(verifyAcs3(request(), () => undefined)).toMatchObject({ ok: false, reason: 'unknown-access-key' });
    const tampered = Uint8Array.from(body);
    tampered[3] ^= 1;
    expect(verifyAcs3({ ...request(), body: tampered }, 'sekret')).toMatchObject({
      ok: false,
      reason: 'payload-hash-mismatch',
    });
    const { 'x-acs-content-sha256': _dropped, ...noHash } = request().headers;
    expect(verifyAcs3({ ...request(), headers: noHash }, 'sekret')).toMatchObject({ ok: false });
  });

  it('rejects a one-character change in the method, path, any query name or value, or any signed header', () => {
    expect(verifyAcs3({ ...request(), method: 'GET' }, 'sekret').ok).toBe(false);
    expect(verifyAcs3({ ...request(), pathname: '/x' }, 'sekret').ok).toBe(false);
    const q = request().query as ReadonlyArray<readonly [string, string]>;
    for (let i = 0; i < q.length; i++) {
      for (const pos of [0, 5]) {
        const changedValue = q.map(([k, v], j) => (j === i ? ([k, mutate(v, pos)] as const) : ([k, v] as const)));
        expect(verifyAcs3({ ...request(), query: changedValue }, 'sekret').ok, `value of ${q[i][0]}`).toBe(false);
        const changedName = q.map(([k, v], j) => (j === i ? ([mutate(k, pos), v] as const) : ([k, v] as const)));
        expect(verifyAcs3({ ...request(), query: changedName }, 'sekret').ok, `name ${q[i][0]}`).toBe(false);
      }
    }
    for (const name of signed.signedHeaders) {
      const headers = { ...request().headers } as Record<string, string>;
      headers[name] = mutate(headers[name], 3);
      expect(verifyAcs3({ ...request(), headers }, 'sekret').ok, name).toBe(false);
    }
    // The secret pieces of the Authorization header itself.
    const changedSig = {
      ...request().headers,
      authorization: signed.authorization.replace(/Signature=(.)/, (_, c) => `Signature=${c === 'a' ? 'b' : 'a'}`),
    };
    expect(verifyAcs3({ ...request(), headers: changedSig }, 'sekret').ok).toBe(false);
    const droppedHeader = {
      ...request().headers,
      authorization: signed.authorization.replace('x-acs-security-token;', ''),
    };
    expect(verifyAcs3({ ...request(), headers: droppedHeader }, 'sekret').ok).toBe(false);
  });

  it('ignores unsigned headers (user-agent, accept) and the order of query parameters', () => {
    const headers = { ...request().headers, 'user-agent': 'something else', accept: 'text/xml' };
    expect(verifyAcs3({ ...request(), headers }, 'sekret').ok).toBe(true);
    const reversed = [...(request().query as ReadonlyArray<readonly [string, string]>)].reverse();
    expect(verifyAcs3({ ...request(), query: reversed }, 'sekret').ok).toBe(true);
  });

  it('returns invalid-encoding instead of throwing on a lone surrogate in the query', () => {
    expect(verifyAcs3({ ...request(), query: [['EnableMode', '\udc00']] }, 'sekret')).toMatchObject({
      ok: false,
      reason: 'invalid-encoding',
    });
  });

  it('rejects a repeated query parameter and a malformed Authorization header', () => {
    const q = [
      ...(request().query as ReadonlyArray<readonly [string, string]>),
      ['EnableMode', 'CurrentAccount'] as const,
    ];
    expect(verifyAcs3({ ...request(), query: q }, 'sekret')).toMatchObject({
      ok: false,
      reason: 'duplicate-parameter',
    });
    const { authorization: _a, ...noAuth } = request().headers;
    expect(verifyAcs3({ ...request(), headers: noAuth }, 'sekret')).toMatchObject({
      ok: false,
      reason: 'malformed-authorization',
    });
  });

  it(
    'verifies every request signed by the official util,' +
      ' and fails each after a one-character change of a signed value',
    () => {
      let runs = 0;
      fc.assert(
        fc.property(serverSideAcs3Request, fc.nat(), fc.nat(), (r, pick, pos) => {
          runs++;
          const authorization = OpenApiUtil.getAuthorization(
            { method: r.method, pathname: r.pathname, query: r.query, headers: r.headers },
            ACS3_ALGORITHM,
            r.payloadHash,
            r.accessKeyId,
            r.secret,
          );
          const req = incoming(r, authorization);
          const result = verifyAcs3(req, (id) => (id === r.accessKeyId ? r.secret : undefined));
          expect(result.ok).toBe(true);
          const ours = acs3Sign(
            { method: r.method, pathname: r.pathname, query: r.query, headers: r.headers, payloadHash: r.payloadHash },
            r.accessKeyId,
            r.secret,
          );
          expect(result.stringToSign).toBe(ours.stringToSign);
          expect(result.canonicalRequest).toBe(ours.canonicalRequest);

          expect(verifyAcs3(req, r.secret + 'x').ok).toBe(false);
          // One signed header value, changed by one character.
          const signedNames = parseAcs3Authorization(authorization)!.signedHeaders;
          const name = signedNames[pick % signedNames.length];
          const headers = { ...(req.headers as Record<string, string>) };
          headers[name] = mutate(headers[name], pos);
          expect(verifyAcs3({ ...req, headers }, r.secret).ok).toBe(false);
          // One query value, changed by one character.
          const q = req.query as ReadonlyArray<readonly [string, string]>;
          if (q.length > 0) {
            const i = pick % q.length;
            const changed = q.map(([k, v], j) => (j === i ? ([k, mutate(v, pos)] as const) : ([k, v] as const)));
            expect(verifyAcs3({ ...req, query: changed }, r.secret).ok).toBe(false);
          }
          // The body, changed by one byte (or one byte added).
          const body = Uint8Array.from(r.body.length ? r.body : [0]);
          if (r.body.length) body[pos % body.length] ^= 0x20;
          expect(verifyAcs3({ ...req, body }, r.secret)).toMatchObject({ ok: false, reason: 'payload-hash-mismatch' });
        }),
        { numRuns: 500 },
      );
      expect(runs).toBeGreaterThanOrEqual(500);
    },
  );
});

describe('parseAcs3Authorization', () => {
  const sig = 'ab'.repeat(32);
  it('parses the SDK form', () => {
    expect(
      parseAcs3Authorization(`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=${sig}`),
    ).toEqual({ accessKeyId: 'AK', signedHeaders: ['host', 'x-acs-date'], signature: sig });
  });
  it.each([
    [undefined],
    [''],
    [`ACS3-HMAC-SM3 Credential=AK,SignedHeaders=host,Signature=${sig}`],
    [`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host`],
    [`ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=${sig}`],
    [`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=,Signature=${sig}`],
    [`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;;x-acs-date,Signature=${sig}`],
    [`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=not-hex`],
    [`ACS3-HMAC-SHA256 Credential=AK,Credential=AK,SignedHeaders=host,Signature=${sig}`],
    [`ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=${sig},Extra=1`],
    [`ACS3-HMAC-SHA256 Credential=AK SignedHeaders=host Signature=${sig}`],
  ])('rejects %j', (header) => {
    expect(parseAcs3Authorization(header)).toBeUndefined();
  });

  // The reference: the header split on commas, each field at its first `=`, a map of trimmed names, then the rules of
  // the doc comment read literally.
  function reference(header: string): ReturnType<typeof parseAcs3Authorization> {
    const prefix = 'ACS3-HMAC-SHA256 ';
    if (!header.startsWith(prefix)) return undefined;
    const fields = new Map<string, string>();
    for (const part of header.slice(prefix.length).split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0 || fields.has(part.slice(0, eq).trim())) return undefined;
      fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const [accessKeyId, signedHeaders, signature] = ['Credential', 'SignedHeaders', 'Signature'].map((n) =>
      fields.get(n),
    );
    if (fields.size !== 3 || !accessKeyId || !signedHeaders || !signature || !/^[0-9a-fA-F]+$/.test(signature))
      return undefined;
    const names = signedHeaders.split(';').map((n) => n.trim().toLowerCase());
    return names.includes('') ? undefined : { accessKeyId, signedHeaders: names, signature };
  }

  it('agrees with the reference on headers near the SDK form (2000 runs)', () => {
    const space = fc.constantFrom('', ' ', '  ', '\t');
    const name = fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'Extra', '', 'credential');
    const value = fc.oneof(
      fc.stringMatching(/^[0-9a-fA-F]{0,8}$/),
      fc.stringMatching(/^[ a-zA-Z;=,-]{0,12}$/),
      fc.constantFrom('host;x-acs-date', 'Host; X-Acs-Date ', 'AK', ';', ''),
    );
    const field = (n: fc.Arbitrary<string>) =>
      fc.tuple(space, n, space, fc.nat(9), value).map(([a, k, b, eq, v]) => `${a}${k}${b}${eq > 0 ? '=' : ''}${v}`);
    // The three fields in any order, some left out, and now and then a stray one.
    const fields = fc
      .tuple(
        fc
          .shuffledSubarray(
            [field(fc.constant('Credential')), field(fc.constant('SignedHeaders')), field(fc.constant('Signature'))],
            { minLength: 2 },
          )
          .chain((a) => fc.tuple(...a)),
        fc.array(field(name), { maxLength: 1 }),
        fc.nat(3),
      )
      .map(([known, stray, at]) => [...known.slice(0, at), ...stray, ...known.slice(at)]);
    const header = fc
      .tuple(fc.constantFrom('ACS3-HMAC-SHA256 ', 'ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3 '), fields)
      .map(([p, fs]) => p + fs.join(','));
    let runs = 0;
    let parsed = 0;
    fc.assert(
      fc.property(header, (h) => {
        runs++;
        const got = parseAcs3Authorization(h);
        if (got) parsed++;
        expect(got).toEqual(reference(h));
      }),
      { numRuns: 2000 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
    expect(parsed).toBeGreaterThan(0); // the generator reaches headers that parse, not only refusals
  });
});

describe('verifyRpc', () => {
  const base: Record<string, string> = {
    Action: 'EnableResourceDirectory',
    Format: 'json',
    Version: '2020-03-31',
    Timestamp: '2026-11-22T10:20:14Z',
    SignatureNonce: 'b'.repeat(64),
    EnableMode: 'NewManagementAccount',
    MAName: 'user01@rdadmin.aliyunid.com',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: 'testid',
    Empty: '',
  };
  const signature = signRpc('POST', base, 'testsecret');
  const signedParams: Record<string, string> = { ...base, Signature: signature };

  it("accepts a correctly signed request and returns the signer's StringToSign", () => {
    expect(verifyRpc('POST', signedParams, 'testsecret')).toEqual({
      ok: true,
      stringToSign: rpcStringToSign('POST', base),
      accessKeyId: 'testid',
    });
    expect(
      verifyRpc('POST', Object.entries(signedParams).reverse(), (id) => (id === 'testid' ? 'testsecret' : undefined))
        .ok,
    ).toBe(true);
  });

  it('rejects a one-character change in any name or value, the method, the secret, or the signature', () => {
    for (const key of Object.keys(base)) {
      expect(
        verifyRpc('POST', { ...signedParams, [key]: mutate(base[key], 1) }, 'testsecret').ok,
        `value of ${key}`,
      ).toBe(false);
      const { [key]: value, ...rest } = signedParams;
      expect(verifyRpc('POST', { ...rest, [mutate(key, 2)]: value }, 'testsecret').ok, `name ${key}`).toBe(false);
    }
    expect(verifyRpc('GET', signedParams, 'testsecret').ok).toBe(false);
    expect(verifyRpc('POST', signedParams, 'testsecreT')).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    expect(verifyRpc('POST', { ...signedParams, Signature: mutate(signature, 4) }, 'testsecret').ok).toBe(false);
    expect(verifyRpc('POST', { ...signedParams, Extra: 'x' }, 'testsecret').ok).toBe(false);
  });

  it('returns invalid-encoding instead of throwing on a lone surrogate', () => {
    expect(verifyRpc('POST', { ...signedParams, MAName: 'a\ud800' }, 'testsecret')).toMatchObject({
      ok: false,
      reason: 'invalid-encoding',
    });
  });

  it('rejects a missing signature, an unknown key and repeated parameters', () => {
    expect(verifyRpc('POST', base, 'testsecret')).toMatchObject({ ok: false, reason: 'missing-signature' });
    expect(verifyRpc('POST', signedParams, () => undefined)).toMatchObject({ ok: false, reason: 'unknown-access-key' });
    const repeated = [...Object.entries(signedParams), ['Action', 'EnableResourceDirectory'] as const];
    expect(verifyRpc('POST', repeated, 'testsecret')).toMatchObject({ ok: false, reason: 'duplicate-parameter' });
  });

  it('verifies requests signed by the official util and fails them after a one-character change', () => {
    let runs = 0;
    fc.assert(
      fc.property(method, params(), secret, fc.nat(), fc.nat(), (m, p, s, pick, pos) => {
        runs++;
        const unsigned = withoutSignature(p);
        const all = { ...unsigned, Signature: OpenApiUtil.getRPCSignature(unsigned, m, s) };
        const result = verifyRpc(m, all, s);
        expect(result.ok).toBe(true);
        expect(result.stringToSign).toBe(rpcStringToSign(m, unsigned));
        expect(verifyRpc(m, all, s + 'x').ok).toBe(false);
        const keys = Object.keys(unsigned);
        if (keys.length > 0) {
          const k = keys[pick % keys.length];
          expect(verifyRpc(m, { ...all, [k]: mutate(unsigned[k], pos) }, s).ok).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
    expect(runs).toBeGreaterThanOrEqual(500);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Timestamps, nonces, hashes
// ---------------------------------------------------------------------------------------------

describe('utcTimestamp, newNonce, sha256Hex', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('formats UTC without milliseconds', () => {
    expect(utcTimestamp(new Date(Date.UTC(2026, 10, 22, 10, 20, 14, 789)))).toBe('2026-11-22T10:20:14Z');
    expect(utcTimestamp(new Date('2016-02-23T20:46:24.001+08:00'))).toBe('2016-02-23T12:46:24Z');
    expect(utcTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('matches OpenApiUtil.getTimestamp for arbitrary instants', () => {
    vi.useFakeTimers();
    let runs = 0;
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (d) => {
          runs++;
          vi.setSystemTime(d);
          expect(utcTimestamp(d)).toBe(OpenApiUtil.getTimestamp());
        },
      ),
      { numRuns: RUNS },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });

  it('returns 64-hex-character nonces, unique over 10k calls', () => {
    const nonces = Array.from({ length: 10_000 }, () => newNonce());
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('hashes strings as UTF-8 and bytes as they are', () => {
    expect(sha256Hex('')).toBe(EMPTY_BODY_SHA256);
    expect(sha256Hex(new Uint8Array())).toBe(EMPTY_BODY_SHA256);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(sha256Hex(new Uint8Array([0xc3, 0xa9])));
    expect(sha256Hex('é')).not.toBe(sha256Hex(new Uint8Array([0xe9])));
  });
});
