// Differential test: the same action sent by this client and by the official SDK
// (@alicloud/resourcemanager20200331 2.6.1 on @alicloud/openapi-core 1.0.8) to the same capture server.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createClient, type ResourceDirectoryClient } from '../../../packages/client/src/index.js';
import type { ClientActionName } from '../../../generated/contract.js';
import { parseAcs3Authorization, verifyAcs3, verifyRpc } from '../../../packages/client/src/protocol/signing.js';
import { useCaptureServer, type Captured } from '../../helpers/capture-server.js';

const require = createRequire(import.meta.url);
// The SDK is CommonJS and loosely typed here on purpose: we drive it exactly as its README does.
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's CommonJS modules are untyped here */
const RM: any = require('@alicloud/resourcemanager20200331');
const OpenApi: any = require('@alicloud/openapi-core');

const ID = 'LTAI5tDiffKeyId';
const SECRET = 'DiffSecret0123456789abcdef';
const TOKEN = 'CAISDiffToken0123456789';

/**
 * Documented differences between the official SDK and this client.
 * - Headers the SDK signs and this client does not: `x-acs-credentials-provider` (which credential provider the SDK
 *   used, e.g. `static_ak`) and, with STS, `x-acs-accesskey-id`. Neither is required by the service.
 * - Unsigned headers the SDK sends: `user-agent` (AlibabaCloud ... TeaDSL) in both forms, and in the HMAC-SHA1 form
 *   also `x-acs-action`, `x-acs-version` and `x-acs-credentials-provider` (unsigned there). This client sends only
 *   `accept: application/json` in the HMAC-SHA1 form; fetch adds its own `user-agent: node` etc.
 * - HMAC-SHA1 query: the SDK sends `Format=json`, this client `Format=JSON` (both are valid; the contract allows both);
 *   parameter order differs (the SDK: Action, Format, Version, Timestamp, SignatureNonce, <params>, SecurityToken,
 *   SignatureMethod, SignatureVersion, AccessKeyId, Signature; this client: the common parameters first, then the
 *   action's, then Signature). The order is not signed (the string to sign sorts the names).
 * - Nonce and timestamp values differ per request by design.
 * - DryRun: the SDK's 2020-03-31 models do not have it, so it is not compared.
 */
const SDK_ONLY_SIGNED = (sts: boolean) =>
  new Set(['x-acs-credentials-provider', ...(sts ? ['x-acs-accesskey-id'] : [])]);
const SDK_ONLY_UNSIGNED_V1 = new Set(['x-acs-action', 'x-acs-version', 'x-acs-credentials-provider', 'user-agent']);

const server = useCaptureServer();

type Algorithm = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

function sdk(algorithm: Algorithm, sts: boolean): any {
  return new RM.default(
    new OpenApi.$OpenApiUtil.Config({
      accessKeyId: ID,
      accessKeySecret: SECRET,
      ...(sts ? { securityToken: TOKEN } : {}),
      endpoint: `127.0.0.1:${server.port}`,
      protocol: 'http',
      ...(algorithm === 'HMAC-SHA1' ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
}

function ours(algorithm: Algorithm, sts: boolean): ResourceDirectoryClient {
  return createClient({
    endpoint: server.origin,
    accessKeyId: ID,
    accessKeySecret: SECRET,
    signatureAlgorithm: algorithm,
    ...(sts ? { securityToken: TOKEN } : {}),
  });
}

const cases: { action: ClientActionName; params: Record<string, string>; viaSdk: (c: any) => Promise<unknown> }[] = [
  {
    action: 'EnableResourceDirectory',
    params: {
      EnableMode: 'NewManagementAccount',
      MAName: 'user01@rdadmin.aliyunid.com',
      MASecureMobilePhone: '852-61234567',
      VerificationCode: '123456',
    },
    viaSdk: (c) =>
      c.enableResourceDirectory(
        new RM.EnableResourceDirectoryRequest({
          enableMode: 'NewManagementAccount',
          MAName: 'user01@rdadmin.aliyunid.com',
          MASecureMobilePhone: '852-61234567',
          verificationCode: '123456',
        }),
      ),
  },
  {
    action: 'EnableResourceDirectory',
    params: { EnableMode: 'CurrentAccount' },
    viaSdk: (c) => c.enableResourceDirectory(new RM.EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' })),
  },
  { action: 'InitResourceDirectory', params: {}, viaSdk: (c) => c.initResourceDirectory() },
  {
    action: 'SendVerificationCodeForEnableRD',
    params: { SecureMobilePhone: '852-61234567' },
    viaSdk: (c) =>
      c.sendVerificationCodeForEnableRD(
        new RM.SendVerificationCodeForEnableRDRequest({ secureMobilePhone: '852-61234567' }),
      ),
  },
  { action: 'GetResourceDirectory', params: {}, viaSdk: (c) => c.getResourceDirectory() },
];

async function both(
  algorithm: Algorithm,
  sts: boolean,
  c: (typeof cases)[number],
): Promise<{ theirs: Captured; mine: Captured }> {
  await c.viaSdk(sdk(algorithm, sts));
  const fn = ours(algorithm, sts)[c.action] as (p: Record<string, string>) => Promise<{ error?: unknown }>;
  const { error } = await fn(c.params);
  expect(error).toBeUndefined();
  expect(server.requests).toHaveLength(2);
  return { theirs: server.requests[0]!, mine: server.requests[1]! };
}

const signedHeaders = (r: Captured) => parseAcs3Authorization(r.headers.authorization)?.signedHeaders ?? [];

describe.each([false, true])('ACS3-HMAC-SHA256, STS=%s: same wire request as the official SDK', (sts) => {
  it.each(cases)('$action $params', async (c) => {
    const { theirs, mine } = await both('ACS3-HMAC-SHA256', sts, c);
    expect(mine.method).toBe(theirs.method);
    expect(mine.path).toBe(theirs.path);
    // same query: names, order and values (both send only the action's parameters)
    expect(mine.query).toEqual(theirs.query);
    expect(mine.rawQuery).toBe(theirs.rawQuery);
    // same signed headers, modulo the SDK's own
    const sdkOnly = SDK_ONLY_SIGNED(sts);
    expect(signedHeaders(mine)).toEqual(signedHeaders(theirs).filter((h) => !sdkOnly.has(h)));
    for (const h of sdkOnly) expect(signedHeaders(theirs)).toContain(h);
    for (const h of [
      'host',
      'x-acs-action',
      'x-acs-version',
      'x-acs-content-sha256',
      'accept',
      'x-acs-security-token',
    ]) {
      expect(mine.headers[h], h).toBe(theirs.headers[h]);
    }
    expect(mine.headers['x-acs-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(mine.headers['x-acs-signature-nonce']).toHaveLength(theirs.headers['x-acs-signature-nonce']!.length);
    expect(mine.body.length).toBe(theirs.body.length);
    // our verifier accepts both, so both signatures are computed the same way
    for (const r of [theirs, mine]) {
      expect(
        verifyAcs3({ method: r.method, pathname: r.path, query: r.query, headers: r.headers, body: r.body }, SECRET).ok,
      ).toBe(true);
    }
  });
});

describe.each([false, true])(
  'HMAC-SHA1 (SDK signatureAlgorithm v2), STS=%s: same wire request as the official SDK',
  (sts) => {
    it.each(cases)('$action $params', async (c) => {
      const { theirs, mine } = await both('HMAC-SHA1', sts, c);
      expect(mine.method).toBe(theirs.method);
      expect(mine.path).toBe(theirs.path);
      const names = (r: Captured) => r.query.map(([k]) => k);
      expect([...names(mine)].sort()).toEqual([...names(theirs)].sort());
      expect(new Set(names(mine)).size).toBe(names(mine).length);
      const m = Object.fromEntries(mine.query);
      const t = Object.fromEntries(theirs.query);
      for (const k of [
        'Action',
        'Version',
        'AccessKeyId',
        'SignatureMethod',
        'SignatureVersion',
        ...(sts ? ['SecurityToken'] : []),
        ...Object.keys(c.params),
      ]) {
        expect(m[k], k).toBe(t[k]);
      }
      expect(t.Format).toBe('json');
      expect(m.Format).toBe('JSON');
      // neither signs headers in this form; the SDK's extra headers are the documented ones
      expect(mine.headers).not.toHaveProperty('authorization');
      expect(theirs.headers).not.toHaveProperty('authorization');
      const acs = (r: Captured) => Object.keys(r.headers).filter((h) => h.startsWith('x-acs-'));
      expect(acs(mine)).toEqual([]);
      for (const h of acs(theirs)) expect(SDK_ONLY_UNSIGNED_V1.has(h), h).toBe(true);
      for (const r of [theirs, mine]) expect(verifyRpc(r.method, r.query, SECRET).ok).toBe(true);
    });
  },
);
