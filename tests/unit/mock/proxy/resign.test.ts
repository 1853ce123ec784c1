// The proxy re-signs: the caller signs for the proxy's host with its own key pair (unknown upstream), the proxy signs
// again for the upstream's host with the upstream's credentials. The upstream is the mock with --verify-signatures, so
// a request that was not re-signed correctly is refused there (InvalidAccessKeyId.NotFound, SignatureDoesNotMatch).
// Our client and the official SDK go through the proxy unchanged, in both signing styles.
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../../packages/client/src/protocol/signing.js';
import { startMock, type TestMock } from '../../../helpers/mock.js';
import { send, startProxy, STYLES, type TestProxy } from '../../../helpers/proxy.js';
import { useCaptureServer } from '../../../helpers/capture-server.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's CommonJS modules are untyped here */
const RM: any = require('@alicloud/resourcemanager20200331');
const OpenApi: any = require('@alicloud/openapi-core');

const CALLER = { id: 'LTAI5tCallerOfProxy', secret: 'CallerSecret0123456789' };
const UPSTREAM = { accessKeyId: 'LTAI5tUpstreamKey', accessKeySecret: 'UpstreamSecret9876543210' };

let mock: TestMock;
let proxy: TestProxy;
let plain: TestProxy;
beforeAll(async () => {
  mock = await startMock({ verifySignatures: true, accessKeys: { [UPSTREAM.accessKeyId]: UPSTREAM.accessKeySecret } });
  proxy = await startProxy({ upstream: mock.url, credentials: UPSTREAM });
  plain = await startProxy({ upstream: mock.url });
});
afterEach(() => {
  expect(mock.problems).toEqual([]);
});
afterAll(async () => {
  await proxy.close();
  await plain.close();
  await mock.close();
});

const validCalls = [
  { action: 'EnableResourceDirectory', params: { EnableMode: 'CurrentAccount' } },
  {
    action: 'EnableResourceDirectory',
    params: {
      EnableMode: 'NewManagementAccount',
      MAName: 'user01',
      MASecureMobilePhone: '852-61234567',
      VerificationCode: '123456',
    },
  },
  { action: 'InitResourceDirectory', params: {} },
  { action: 'SendVerificationCodeForEnableRD', params: { SecureMobilePhone: '852-61234567' } },
  { action: 'GetResourceDirectory', params: {} },
] as const;

describe.each(STYLES)('%s: re-signed for the upstream', (style) => {
  it("the caller's own key is unknown upstream (so a pass means the proxy re-signed)", async () => {
    const direct = await send(style, mock.url, { id: CALLER.id, secret: CALLER.secret });
    expect(direct.status).toBe(404);
    expect(direct.body.Code).toBe('InvalidAccessKeyId.NotFound');
  });

  it.each(validCalls)('our client: $action $params', async ({ action, params }) => {
    const client = createClient({
      endpoint: proxy.url,
      accessKeyId: CALLER.id,
      accessKeySecret: CALLER.secret,
      signatureAlgorithm: style,
    });
    const before = proxy.records.length;
    const { data, error, response } = await (client[action] as (p: object) => Promise<any>)(params);
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data.RequestId).toBe(response.headers.get('x-acs-request-id'));
    expect(response.headers.get('sl-violations')).toBeNull();
    expect(proxy.records.slice(before)).toEqual([]);
    expect(mock.last().status).toBe(200);
  });

  it('the official SDK', async () => {
    const sdk = new RM.default(
      new OpenApi.$OpenApiUtil.Config({
        accessKeyId: CALLER.id,
        accessKeySecret: CALLER.secret,
        endpoint: `127.0.0.1:${proxy.port}`,
        protocol: 'http',
        ...(style === 'HMAC-SHA1' ? { signatureAlgorithm: 'v2' } : {}),
      }),
    );
    const before = proxy.records.length;
    const got = await sdk.getResourceDirectory();
    expect(got.statusCode).toBe(200);
    expect(got.body.resourceDirectory.resourceDirectoryId).toBeTruthy();
    const enabled = await sdk.enableResourceDirectory(
      new RM.EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' }),
    );
    expect(enabled.statusCode).toBe(200);
    // The SDK's own extra parameters and headers are documented (or part of the signing scheme): nothing reported.
    expect(proxy.records.slice(before)).toEqual([]);
  });

  it('a documented error of the upstream reaches the caller as it is (the SDK sees its ServerError)', async () => {
    const sdk = new RM.default(
      new OpenApi.$OpenApiUtil.Config({
        accessKeyId: CALLER.id,
        accessKeySecret: CALLER.secret,
        endpoint: `127.0.0.1:${proxy.port}`,
        protocol: 'http',
        ...(style === 'HMAC-SHA1' ? { signatureAlgorithm: 'v2' } : {}),
      }),
    );
    const rejected = await sdk
      .enableResourceDirectory(
        new RM.EnableResourceDirectoryRequest({ enableMode: 'NewManagementAccount', MAName: 'user01' }),
      )
      .catch((e: any) => e);
    expect(rejected.code).toBe('MissingSecureMobilePhone');
    expect(rejected.statusCode).toBe(409);
  });
});

describe('without credentials, requests are forwarded as the caller signed them', () => {
  it('HMAC-SHA1 signed with a key the upstream knows verifies (the host is not signed)', async () => {
    const a = await send('HMAC-SHA1', plain.url, { id: UPSTREAM.accessKeyId, secret: UPSTREAM.accessKeySecret });
    expect(a.status, a.text).toBe(200);
  });
  it("ACS3 signed for the proxy's host does not verify upstream: the host is signed", async () => {
    const a = await send('ACS3-HMAC-SHA256', plain.url, { id: UPSTREAM.accessKeyId, secret: UPSTREAM.accessKeySecret });
    expect(a.status).toBe(400);
    expect(a.body.Code).toBe('SignatureDoesNotMatch');
  });
  it("ACS3 signed for the upstream's host verifies", async () => {
    const { signedRequest } = await import('../../../helpers/proxy.js');
    const { url, init } = signedRequest('ACS3-HMAC-SHA256', mock.url, {
      id: UPSTREAM.accessKeyId,
      secret: UPSTREAM.accessKeySecret,
    });
    const res = await fetch(url.replace(mock.url, plain.url), init);
    expect(res.status, await res.text()).toBe(200);
  });
  it("our client with the upstream's key, HMAC-SHA1", async () => {
    const client = createClient({ endpoint: plain.url, ...UPSTREAM, signatureAlgorithm: 'HMAC-SHA1' });
    const { error, response } = await client.GetResourceDirectory({});
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
  });
});

describe('what the upstream receives', () => {
  const capture = useCaptureServer();
  const TOKEN = 'CAISProxySTSToken0123456789';
  let sts: TestProxy;
  beforeAll(async () => {
    sts = await startProxy({ upstream: capture.origin, credentials: { ...UPSTREAM, securityToken: TOKEN } });
  });
  afterAll(() => sts.close());

  it("ACS3: signed for the upstream host with the proxy's key and token, the caller's token gone", async () => {
    const client = createClient({
      endpoint: sts.url,
      accessKeyId: CALLER.id,
      accessKeySecret: CALLER.secret,
      securityToken: 'CallerToken-abc',
    });
    await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
    const got = capture.requests[0]!;
    expect(got.headers.host).toBe(`127.0.0.1:${capture.port}`);
    expect(got.headers['x-acs-security-token']).toBe(TOKEN);
    expect(got.headers.authorization).toContain(`Credential=${UPSTREAM.accessKeyId},`);
    expect(JSON.stringify(got)).not.toContain('CallerToken-abc');
    const verified = verifyAcs3(
      { method: got.method, pathname: got.path, query: got.query, headers: got.headers, body: got.body },
      UPSTREAM.accessKeySecret,
    );
    expect(verified.ok, verified.reason).toBe(true);
    expect(got.query).toEqual([['EnableMode', 'CurrentAccount']]);
  });

  it(
    'HMAC-SHA1: AccessKeyId, nonce, Timestamp, SecurityToken and Signature replaced, the rest kept in' + ' order',
    async () => {
      const client = createClient({
        endpoint: sts.url,
        accessKeyId: CALLER.id,
        accessKeySecret: CALLER.secret,
        signatureAlgorithm: 'HMAC-SHA1',
      });
      await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
      const got = capture.requests[0]!;
      const params = Object.fromEntries(got.query);
      expect(params.AccessKeyId).toBe(UPSTREAM.accessKeyId);
      expect(params.SecurityToken).toBe(TOKEN);
      expect(params.EnableMode).toBe('CurrentAccount');
      expect(verifyRpc(got.method, got.query, UPSTREAM.accessKeySecret).ok).toBe(true);
      expect(got.query.map(([k]) => k).filter((k) => !['SecurityToken', 'Signature'].includes(k))).toEqual([
        'Action',
        'Format',
        'Version',
        'AccessKeyId',
        'SignatureMethod',
        'SignatureVersion',
        'SignatureNonce',
        'Timestamp',
        'EnableMode',
      ]);
    },
  );

  it('HMAC-SHA1 with the parameters in a form body: re-signed there', async () => {
    const { signedRequest } = await import('../../../helpers/proxy.js');
    const { url } = signedRequest('HMAC-SHA1', sts.url, {
      id: CALLER.id,
      secret: CALLER.secret,
      action: 'EnableResourceDirectory',
      params: { EnableMode: 'CurrentAccount' },
    });
    const all = new URL(url).searchParams;
    const query = new URLSearchParams({ Action: all.get('Action')!, Version: all.get('Version')! });
    const rest = new URLSearchParams([...all].filter(([k]) => k !== 'Action' && k !== 'Version'));
    const res = await fetch(`${sts.url}/?${query}`, {
      method: 'POST',
      body: rest,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    const got = capture.requests[0]!;
    const form = [...new URLSearchParams(got.body.toString())];
    expect(Object.fromEntries(form).AccessKeyId).toBe(UPSTREAM.accessKeyId);
    expect(verifyRpc('POST', [...got.query, ...form], UPSTREAM.accessKeySecret).ok).toBe(true);
  });
});
