// The official SDK (@alicloud/resourcemanager20200331 2.6.1 on @alicloud/openapi-core 1.0.8), changed only in endpoint
// and protocol, against the mock: every action succeeds with a parsed body, in both signing styles, with signatures
// verified or not; every documented error code of every action, selected through Prefer or __code/__example, in JSON
// and in XML, reaches it as the right error class with the right code, status and request id.
// Every answer the mock writes here is checked against the contract (tests/helpers/mock.ts).
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiActions, documentedRows, RM as DEFAULT_API } from '../../../fixtures/seed-facts.js';
import { actionNames, documentedErrors, startMock, type TestMock } from '../../../helpers/mock.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's CommonJS modules are untyped here */
const RM: any = require('@alicloud/resourcemanager20200331');
const OpenApi: any = require('@alicloud/openapi-core');

const ID = 'LTAI5tMockTestKey';
const SECRET = 'MockTestSecret0123456789abcd';

type Style = 'ACS3' | 'v2';

function sdk(port: number, style: Style, options: { secret?: string; id?: string } = {}): any {
  return new RM.default(
    new OpenApi.$OpenApiUtil.Config({
      accessKeyId: options.id ?? ID,
      accessKeySecret: options.secret ?? SECRET,
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
      ...(style === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
      // No retry policy: one request per call (also asserted by counting the mock's answers).
      retryOptions: undefined,
    }),
  );
}

/** Runtime options: no retries, and extra headers / query parameters (Prefer, __code, __example, Accept, Format). */
const runtime = (extra: { headers?: Record<string, string>; queries?: Record<string, string> } = {}) => ({
  autoretry: false,
  maxAttempts: 0,
  extendsParameters: { headers: extra.headers ?? {}, queries: extra.queries ?? {} },
});

/** Calls one action with valid parameters through the official SDK. */
function call(client: any, action: string, rt: ReturnType<typeof runtime>): Promise<any> {
  switch (action) {
    case 'EnableResourceDirectory':
      return client.enableResourceDirectoryWithOptions(
        new RM.EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' }),
        rt,
      );
    case 'InitResourceDirectory':
      return client.initResourceDirectoryWithOptions(rt);
    case 'SendVerificationCodeForEnableRD':
      return client.sendVerificationCodeForEnableRDWithOptions(
        new RM.SendVerificationCodeForEnableRDRequest({ secureMobilePhone: '852-61234567' }),
        rt,
      );
    case 'GetResourceDirectory':
      return client.getResourceDirectoryWithOptions(rt);
    default:
      throw new Error(`no SDK call for ${action}`);
  }
}

async function expectSdkError(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('the SDK call succeeded');
}

/** The SDK's class for an error: codes with "Throttling" -> ThrottlingError, 4xx -> ClientError, 5xx -> ServerError. */
const sdkClass = (code: string, status: number) =>
  code.includes('Throttling') ? OpenApi.ThrottlingError : status < 500 ? OpenApi.ClientError : OpenApi.ServerError;

it('the contract documents errors for every action (the enumeration below is not empty)', () => {
  expect(actionNames).toEqual(Object.keys(apiActions[DEFAULT_API]!));
  // one per code the seeds give the action, per gateway code and per Missing{Parameter}
  for (const action of actionNames)
    expect(documentedErrors(action), action).toHaveLength(documentedRows(DEFAULT_API, action).length);
  expect(new Set(actionNames.flatMap((a) => documentedErrors(a).map((e) => e.status)))).toEqual(
    new Set([400, 403, 404, 409, 500, 503]),
  );
});

describe('without signature verification', () => {
  let mock: TestMock;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterEach(() => expect(mock.problems).toEqual([]));
  afterAll(() => mock.close());

  describe.each(['ACS3', 'v2'] as const)('%s signing', (style) => {
    it.each(actionNames)('%s answers its first success example, parsed by the SDK', async (action) => {
      const before = mock.events.length;
      const res = await call(sdk(mock.port, style), action, runtime());
      expect(mock.events.length).toBe(before + 1);
      const e = mock.last();
      expect(e.action).toBe(action);
      expect(e.status).toBe(200);
      expect(res.statusCode).toBe(200);
      expect(res.body.requestId).toBe(e.requestId);
      expect(res.headers['x-acs-request-id']).toBe(e.requestId);
      if (action !== 'SendVerificationCodeForEnableRD') {
        const rd = res.body.resourceDirectory;
        expect(rd.resourceDirectoryId).toMatch(/^rd-/);
        expect(rd.rootFolderId).toMatch(/^r-/);
        expect(rd.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);
      }
      if (action === 'GetResourceDirectory') {
        expect(res.body.resourceDirectory.controlPolicyStatus).toBe('Enabled');
        expect(res.body.resourceDirectory.masterAccountName).toBe('aliyun-admin');
      }
    });

    it('a fresh RequestId per response', async () => {
      const client = sdk(mock.port, style);
      const a = await call(client, 'GetResourceDirectory', runtime());
      const b = await call(client, 'GetResourceDirectory', runtime());
      expect(a.body.requestId).not.toBe(b.body.requestId);
      expect(a.body.requestId).not.toBe('CD76D376-2517-4924-92C5-DBC52262F93A');
    });

    it('Prefer example=chinaSite selects the named success example', async () => {
      const res = await call(
        sdk(mock.port, style),
        'EnableResourceDirectory',
        runtime({ headers: { prefer: 'code=200, example=chinaSite' } }),
      );
      expect(res.body.resourceDirectory.masterAccountName).toBe('alice@example.com');
    });
  });

  // Every documented code of every action, enumerated from the bundled contract.
  const cases = actionNames.flatMap((action) =>
    documentedErrors(action).map(({ code, status }) => [action, code, status] as const),
  );
  it('enumerates every documented code of every action', () => {
    expect(cases).toHaveLength(actionNames.reduce((n, a) => n + documentedRows(DEFAULT_API, a).length, 0));
  });

  /** The SDK raised the class its status and code call for, with the code, status and request id the mock sent. */

  const expectDocumentedError = (err: any, code: string, status: number, requestId: string) => {
    expect(err).toBeInstanceOf(sdkClass(code, status));
    expect(err.code).toBe(code);
    expect(err.statusCode).toBe(status);
    expect(err.requestId).toBe(requestId);
  };

  it.each(cases)('%s %s (%i) via Prefer, JSON, HMAC-SHA1 (v2) SDK', async (action, code, status) => {
    const before = mock.events.length;
    const err = await expectSdkError(
      call(sdk(mock.port, 'v2'), action, runtime({ headers: { prefer: `code=${status}, example=${code}` } })),
    );
    expect(mock.events.length, 'one request, no retry').toBe(before + 1);
    const e = mock.last();
    expect(e.format).toBe('json');
    expectDocumentedError(err, code, status, e.requestId);
    expect(e.status).toBe(status);
  });

  it.each(cases)('%s %s (%i) via __code/__example, JSON, ACS3 SDK', async (action, code, status) => {
    const before = mock.events.length;
    const err = await expectSdkError(
      call(sdk(mock.port, 'ACS3'), action, runtime({ queries: { __code: String(status), __example: code } })),
    );
    expect(mock.events.length, 'one request, no retry').toBe(before + 1);
    const e = mock.last();
    expect(e.format).toBe('json');
    expectDocumentedError(err, code, status, e.requestId);
    if (code.includes('Throttling')) expect(err.retryAfter).toBe(1000);
  });

  it.each(cases)('%s %s (%i) via Prefer, XML (Accept), ACS3 SDK', async (action, code, status) => {
    const before = mock.events.length;
    const err = await expectSdkError(
      call(
        sdk(mock.port, 'ACS3'),
        action,
        runtime({ headers: { accept: 'application/xml', prefer: `example=${code}` } }),
      ),
    );
    expect(mock.events.length, 'one request, no retry').toBe(before + 1);
    const e = mock.last();
    expect(e.format).toBe('xml');
    expect(e.contentType).toBe('text/xml;charset=utf-8');
    expectDocumentedError(err, code, status, e.requestId);
  });

  it.each(cases)('%s %s (%i) via __example, XML (Format=XML), ACS3 SDK', async (action, code, status) => {
    const err = await expectSdkError(
      call(sdk(mock.port, 'ACS3'), action, runtime({ queries: { Format: 'XML', __example: code } })),
    );
    const e = mock.last();
    expect(e.format).toBe('xml');
    expectDocumentedError(err, code, status, e.requestId);
  });

  it('an unknown Prefer example reaches the SDK as a 400 ClientError, not a 500', async () => {
    const err = await expectSdkError(
      call(sdk(mock.port, 'v2'), 'GetResourceDirectory', runtime({ headers: { prefer: 'example=NoSuchExample' } })),
    );
    expect(err).toBeInstanceOf(OpenApi.ClientError);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('Mock.InvalidPrefer');
    expect(err.message).toContain('NoSuchExample');
  });

  it('a parameter the SDK leaves out gets the documented error (EnableMode missing)', async () => {
    const err = await expectSdkError(
      sdk(mock.port, 'ACS3').enableResourceDirectoryWithOptions(new RM.EnableResourceDirectoryRequest({}), runtime()),
    );
    expect(err).toBeInstanceOf(OpenApi.ClientError);
    expect(err.code).toBe('MissingEnableMode');
    expect(err.statusCode).toBe(400);
  });
});

describe('with signature verification', () => {
  let mock: TestMock;
  beforeAll(async () => {
    mock = await startMock({ verifySignatures: true, accessKeys: { [ID]: SECRET, other: 'other-secret' } });
  });
  afterEach(() => expect(mock.problems).toEqual([]));
  afterAll(() => mock.close());

  describe.each(['ACS3', 'v2'] as const)('%s signing', (style) => {
    it.each(actionNames)('%s: the SDK is accepted', async (action) => {
      const res = await call(sdk(mock.port, style), action, runtime());
      expect(res.statusCode).toBe(200);
      expect(res.body.requestId).toBe(mock.last().requestId);
    });

    it('accepted with Prefer / __example in the signed request too', async () => {
      const err = await expectSdkError(
        call(
          sdk(mock.port, style),
          'GetResourceDirectory',
          runtime({ headers: { prefer: 'example=ResourceDirectoryNotInUse' }, queries: { __code: '404' } }),
        ),
      );
      expect(err.code).toBe('ResourceDirectoryNotInUse');
      expect(err.statusCode).toBe(404);
    });

    it('a wrong secret gets SignatureDoesNotMatch as a ClientError, with the server string to sign', async () => {
      const err = await expectSdkError(
        call(sdk(mock.port, style, { secret: 'wrong' }), 'GetResourceDirectory', runtime()),
      );
      const e = mock.last();
      expect(err).toBeInstanceOf(OpenApi.ClientError);
      expect(err.code).toBe('SignatureDoesNotMatch');
      expect(err.statusCode).toBe(400);
      expect(err.requestId).toBe(e.requestId);
      const expected =
        style === 'ACS3'
          ? /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/
          : /server string to sign is:POST&%2F&AccessKeyId%3D/;
      expect(err.data.Message).toMatch(
        /^Specified signature is not matched with our calculation\. server string to sign is:/,
      );
      expect(err.data.Message).toMatch(expected);
    });

    it('an unknown AccessKeyId gets InvalidAccessKeyId.NotFound (404)', async () => {
      const err = await expectSdkError(
        call(sdk(mock.port, style, { id: 'nobody' }), 'GetResourceDirectory', runtime()),
      );
      expect(err).toBeInstanceOf(OpenApi.ClientError);
      expect(err.code).toBe('InvalidAccessKeyId.NotFound');
      expect(err.statusCode).toBe(404);
      expect(err.requestId).toBe(mock.last().requestId);
    });
  });
});
