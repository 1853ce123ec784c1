// `--verify-signatures`: both signing styles verified like the gateway, every signature error with its documented
// status, the contract's x-acs-error-precedence around and within the signature step, the 15-minute window, and
// nonce replay with bounded memory. Requests are signed with packages/client/src/protocol/signing.ts; the mock's clock
// is fake. Every answer the mock writes here is checked against the contract (tests/helpers/mock.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NonceCache, parseAccessKeys, SIGNATURE_WINDOW_MS } from '../../../../packages/mock/src/index.js';
import {
  acs3Sign,
  newNonce,
  rpcStringToSign,
  sha256Hex,
  signRpc,
  utcTimestamp,
} from '../../../../packages/client/src/protocol/signing.js';
import { bodyOf, startMock, statusOf, VERSION, type TestMock } from '../../../helpers/mock.js';
import type { Json } from '../../../helpers/contract.js';

const ID = 'LTAI5tSigKey';
const SECRET = 'SigSecret0123456789abcdef';
const T0 = Date.parse('2026-03-01T12:00:00Z');
let clock = T0;

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({
    verifySignatures: true,
    accessKeys: new Map([
      [ID, SECRET],
      ['second', 'second-secret'],
    ]),
    now: () => clock,
  });
});
afterEach(() => {
  clock = T0;
  expect(mock.problems).toEqual([]);
});
afterAll(() => mock.close());

interface Answer {
  status: number;
  body: Json;
  requestId: string | null;
}

async function fetchAnswer(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    body: bodyOf(text, res.headers.get('content-type')),
    requestId: res.headers.get('x-acs-request-id'),
  };
}

function expectCode(a: Answer, code: string, action = 'GetResourceDirectory'): void {
  expect(a.body.Code, JSON.stringify(a.body)).toBe(code);
  expect(a.status).toBe(statusOf(action, code));
}

// ------------------------------------------------------------------------------------------- classic (HMAC-SHA1)

interface ClassicOptions {
  method?: 'GET' | 'POST';
  id?: string;
  secret?: string;
  time?: number;
  nonce?: string;
  /** Where the action's parameters travel. */
  inBody?: boolean;
  /** Common parameters to change (undefined removes one) before signing. */
  override?: Record<string, string | undefined>;
  /** Changes after signing (tampering). */
  after?: Record<string, string>;
}

function classicParams(
  action: string,
  params: Record<string, string>,
  o: ClassicOptions = {},
): { all: Record<string, string>; stringToSign: string } {
  const all: Record<string, string | undefined> = {
    Action: action,
    Version: VERSION,
    Format: 'JSON',
    AccessKeyId: o.id ?? ID,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: o.nonce ?? newNonce(),
    Timestamp: utcTimestamp(new Date(o.time ?? clock)),
    ...params,
    ...o.override,
  };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  const signed = all as Record<string, string>;
  const stringToSign = rpcStringToSign(o.method ?? 'POST', signed);
  return {
    all: { ...signed, Signature: signRpc(o.method ?? 'POST', signed, o.secret ?? SECRET), ...o.after },
    stringToSign,
  };
}

function classic(action: string, params: Record<string, string> = {}, o: ClassicOptions = {}): Promise<Answer> {
  const { all } = classicParams(action, params, o);
  const method = o.method ?? 'POST';
  if (o.inBody) {
    const query = new URLSearchParams({ Action: all.Action!, Version: all.Version! });
    const rest = new URLSearchParams(Object.entries(all).filter(([k]) => k !== 'Action' && k !== 'Version'));
    return fetchAnswer(`${mock.url}/?${query}`, {
      method,
      body: rest,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  return fetchAnswer(`${mock.url}/?${new URLSearchParams(all)}`, { method });
}

// ------------------------------------------------------------------------------------------- ACS3-HMAC-SHA256

interface Acs3Options {
  id?: string;
  secret?: string;
  time?: number;
  nonce?: string;
  body?: string;
  contentType?: string;
  /** Header changes before signing (undefined removes one). */
  override?: Record<string, string | undefined>;
  /** Signed header names to use instead of all of them. */
  signedHeaders?: string[];
  /** Replaces the Authorization header. */
  authorization?: (signed: string) => string;
  /** Header changes after signing. */
  after?: Record<string, string>;
  query?: Record<string, string>;
  method?: 'GET' | 'POST';
}

function acs3Request(action: string, o: Acs3Options = {}): { url: string; init: RequestInit; stringToSign: string } {
  const body = o.body ?? '';
  const query = o.query ?? {};
  const headers: Record<string, string | undefined> = {
    host: `127.0.0.1:${mock.port}`,
    'x-acs-action': action,
    'x-acs-version': VERSION,
    'x-acs-date': utcTimestamp(new Date(o.time ?? clock)),
    'x-acs-signature-nonce': o.nonce ?? newNonce(),
    'x-acs-content-sha256': sha256Hex(body),
    ...(o.contentType ? { 'content-type': o.contentType } : {}),
    ...o.override,
  };
  for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
  const method = o.method ?? 'POST';
  const signed = acs3Sign(
    {
      method,
      pathname: '/',
      query,
      headers: headers as Record<string, string>,
      payloadHash: headers['x-acs-content-sha256'] ?? '',
      ...(o.signedHeaders ? { signedHeaders: o.signedHeaders } : {}),
    },
    o.id ?? ID,
    o.secret ?? SECRET,
  );
  const { host: _host, ...sent } = headers as Record<string, string>;
  const authorization = o.authorization ? o.authorization(signed.authorization) : signed.authorization;
  const qs = new URLSearchParams(query).toString();
  return {
    url: `${mock.url}/${qs ? `?${qs}` : ''}`,
    init: {
      method,
      headers: { ...sent, authorization, accept: 'application/json', ...o.after },
      ...(body ? { body } : {}),
    },
    stringToSign: signed.stringToSign,
  };
}

function acs3(action: string, o: Acs3Options = {}): Promise<Answer> {
  const { url, init } = acs3Request(action, o);
  return fetchAnswer(url, init);
}

// ------------------------------------------------------------------------------------------- tests

describe('valid signatures are accepted', () => {
  it.each(['GET', 'POST'] as const)('classic HMAC-SHA1, %s, parameters in the query', async (method) => {
    const a = await classic('EnableResourceDirectory', { EnableMode: 'CurrentAccount' }, { method });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  });

  it('classic HMAC-SHA1, parameters in a form body (signed with the query)', async () => {
    const a = await classic('EnableResourceDirectory', { EnableMode: 'CurrentAccount' }, { inBody: true });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  });

  it('classic with special characters in values (percent-encoding both ways)', async () => {
    const a = await classic('EnableResourceDirectory', { EnableMode: 'CurrentAccount', Extra: "a b+c*d~e!'()/é€" });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  });

  it('ACS3, parameters in the query', async () => {
    const a = await acs3('EnableResourceDirectory', { query: { EnableMode: 'CurrentAccount', Extra: "a b+c*~!'()é" } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  });

  it('ACS3, parameters in a form body (bound by x-acs-content-sha256)', async () => {
    const a = await acs3('EnableResourceDirectory', {
      body: 'EnableMode=CurrentAccount',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
  });

  it('ACS3 with an STS token header (signed like every x-acs-* header)', async () => {
    const a = await acs3('GetResourceDirectory', { override: { 'x-acs-security-token': 'CAIS-token' } });
    expect(a.status).toBe(200);
  });

  it('ACS3 with GET', async () => {
    expect((await acs3('GetResourceDirectory', { method: 'GET' })).status).toBe(200);
  });

  it('each configured key works', async () => {
    expect((await classic('GetResourceDirectory', {}, { id: 'second', secret: 'second-secret' })).status).toBe(200);
    expect((await acs3('GetResourceDirectory', { id: 'second', secret: 'second-secret' })).status).toBe(200);
  });

  it('14 minutes off is still inside the window', async () => {
    expect((await classic('GetResourceDirectory', {}, { time: clock - 14 * 60_000 })).status).toBe(200);
    expect((await acs3('GetResourceDirectory', { time: clock + 14 * 60_000 })).status).toBe(200);
  });
});

describe('signature errors, classic HMAC-SHA1', () => {
  it.each([
    [
      'no credentials at all',
      () => fetchAnswer(`${mock.url}/?Action=GetResourceDirectory&Version=${VERSION}`, { method: 'POST' }),
      'IncompleteSignature',
    ],
    ['no Signature', () => classic('GetResourceDirectory', {}, { after: { Signature: '' } }), 'IncompleteSignature'],
    [
      'no SignatureNonce',
      () => classic('GetResourceDirectory', {}, { override: { SignatureNonce: undefined } }),
      'IncompleteSignature',
    ],
    [
      'no Timestamp',
      () => classic('GetResourceDirectory', {}, { override: { Timestamp: undefined } }),
      'IncompleteSignature',
    ],
    [
      'no AccessKeyId',
      () => classic('GetResourceDirectory', {}, { override: { AccessKeyId: undefined } }),
      'IncompleteSignature',
    ],
    [
      'no SignatureMethod',
      () => classic('GetResourceDirectory', {}, { override: { SignatureMethod: undefined } }),
      'IncompleteSignature',
    ],
    [
      'SignatureVersion 2.0',
      () => classic('GetResourceDirectory', {}, { override: { SignatureVersion: '2.0' } }),
      'IncompleteSignature',
    ],
    [
      'a lower-cased signature parameter does not count',
      () => classic('GetResourceDirectory', {}, { override: { SignatureNonce: undefined, signaturenonce: 'abc' } }),
      'IncompleteSignature',
    ],
    [
      'SignatureMethod HMAC-SHA256',
      () => classic('GetResourceDirectory', {}, { override: { SignatureMethod: 'HMAC-SHA256' } }),
      'InvalidSignatureMethod',
    ],
    [
      'Timestamp not ISO 8601',
      () => classic('GetResourceDirectory', {}, { override: { Timestamp: 'yesterday' } }),
      'InvalidTimeStamp.Format',
    ],
    [
      'Timestamp with milliseconds',
      () => classic('GetResourceDirectory', {}, { override: { Timestamp: '2026-03-01T12:00:00.000Z' } }),
      'InvalidTimeStamp.Format',
    ],
    [
      'Timestamp not a date',
      () => classic('GetResourceDirectory', {}, { override: { Timestamp: '2026-02-30T12:00:00Z' } }),
      'InvalidTimeStamp.Format',
    ],
    [
      'Timestamp 16 minutes old',
      () => classic('GetResourceDirectory', {}, { time: T0 - 16 * 60_000 }),
      'InvalidTimeStamp.Expired',
    ],
    [
      'Timestamp 16 minutes ahead',
      () => classic('GetResourceDirectory', {}, { time: T0 + 16 * 60_000 }),
      'InvalidTimeStamp.Expired',
    ],
    ['unknown AccessKeyId', () => classic('GetResourceDirectory', {}, { id: 'nobody' }), 'InvalidAccessKeyId.NotFound'],
    ['wrong secret', () => classic('GetResourceDirectory', {}, { secret: 'wrong' }), 'SignatureDoesNotMatch'],
    [
      'a parameter changed after signing',
      () =>
        classic(
          'EnableResourceDirectory',
          { EnableMode: 'CurrentAccount' },
          { after: { EnableMode: 'NewManagementAccount' } },
        ),
      'SignatureDoesNotMatch',
    ],
    [
      'signed for GET, sent as POST',
      () =>
        fetchAnswer(
          `${mock.url}/?${new URLSearchParams(classicParams('GetResourceDirectory', {}, { method: 'GET' }).all)}`,
          { method: 'POST' },
        ),
      'SignatureDoesNotMatch',
    ],
    [
      'a duplicated parameter',
      () =>
        fetchAnswer(`${mock.url}/?${new URLSearchParams(classicParams('GetResourceDirectory', {}).all)}&Format=JSON`, {
          method: 'POST',
        }),
      'IncompleteSignature',
    ],
  ] as const)('%s -> %s', async (_what, run, code) => {
    expectCode(await run(), code);
  });

  it('SignatureDoesNotMatch appends the server string to sign', async () => {
    const nonce = newNonce();
    const { stringToSign } = classicParams('GetResourceDirectory', {}, { nonce });
    const a = await classic('GetResourceDirectory', {}, { nonce, secret: 'wrong' });
    expect(a.body.Message).toBe(
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  });
});

describe('signature errors, ACS3-HMAC-SHA256', () => {
  it.each([
    ['no x-acs-date', { override: { 'x-acs-date': undefined } }, 'IncompleteSignature'],
    ['no x-acs-signature-nonce', { override: { 'x-acs-signature-nonce': undefined } }, 'IncompleteSignature'],
    ['no x-acs-content-sha256', { override: { 'x-acs-content-sha256': undefined } }, 'IncompleteSignature'],
    ['x-acs-content-sha256 not hex SHA-256', { override: { 'x-acs-content-sha256': 'abc' } }, 'IncompleteSignature'],
    [
      'Authorization without Signature=',
      { authorization: (s: string) => s.replace(/,Signature=.*$/, '') },
      'IncompleteSignature',
    ],
    ['Authorization of another scheme', { authorization: () => 'Bearer abc' }, 'IncompleteSignature'],
    [
      'x-acs-date not signed',
      { signedHeaders: ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-signature-nonce', 'x-acs-version'] },
      'IncompleteSignature',
    ],
    [
      'another ACS3 algorithm',
      { authorization: (s: string) => s.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3') },
      'InvalidSignatureMethod',
    ],
    [
      'x-acs-date not ISO 8601',
      { override: { 'x-acs-date': 'Sun, 01 Mar 2026 12:00:00 GMT' } },
      'InvalidTimeStamp.Format',
    ],
    ['x-acs-date 20 minutes old', { time: T0 - 20 * 60_000 }, 'InvalidTimeStamp.Expired'],
    ['unknown AccessKeyId', { id: 'nobody' }, 'InvalidAccessKeyId.NotFound'],
    ['wrong secret', { secret: 'wrong' }, 'SignatureDoesNotMatch'],
    [
      'a signed header changed after signing',
      { after: { 'x-acs-action': 'InitResourceDirectory' } },
      'SignatureDoesNotMatch',
    ],
    [
      'a body that does not match x-acs-content-sha256',
      {
        body: 'EnableMode=CurrentAccount',
        contentType: 'application/x-www-form-urlencoded',
        override: { 'x-acs-content-sha256': sha256Hex('') },
      },
      'SignatureDoesNotMatch',
    ],
  ] as const)('%s -> %s', async (_what, o, code) => {
    const action =
      'x-acs-action' in ((o as Acs3Options).after ?? {}) ? 'InitResourceDirectory' : 'GetResourceDirectory';
    expectCode(await acs3('GetResourceDirectory', o as Acs3Options), code, action);
  });

  it('a query parameter added after signing -> SignatureDoesNotMatch', async () => {
    const { url, init } = acs3Request('GetResourceDirectory');
    expectCode(await fetchAnswer(`${url}?Extra=1`, init), 'SignatureDoesNotMatch');
  });

  it('SignatureDoesNotMatch appends the server string to sign', async () => {
    const { url, init, stringToSign } = acs3Request('GetResourceDirectory', { secret: 'wrong' });
    const a = await fetchAnswer(url, init);
    expect(a.body.Message).toBe(
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  });
});

describe('replay: SignatureNonceUsed', () => {
  it.each(['classic', 'ACS3'] as const)('%s: a nonce is accepted once', async (style) => {
    const nonce = newNonce();
    const send = () =>
      style === 'classic' ? classic('GetResourceDirectory', {}, { nonce }) : acs3('GetResourceDirectory', { nonce });
    expect((await send()).status).toBe(200);
    expectCode(await send(), 'SignatureNonceUsed');
  });

  it('a request refused for its signature does not use up its nonce', async () => {
    const nonce = newNonce();
    expectCode(await classic('GetResourceDirectory', {}, { nonce, secret: 'wrong' }), 'SignatureDoesNotMatch');
    expect((await classic('GetResourceDirectory', {}, { nonce })).status).toBe(200);
  });

  it('nonces are per AccessKey', async () => {
    const nonce = newNonce();
    expect((await acs3('GetResourceDirectory', { nonce })).status).toBe(200);
    expect((await acs3('GetResourceDirectory', { nonce, id: 'second', secret: 'second-secret' })).status).toBe(200);
  });

  it('a nonce is forgotten after 15 minutes (its request would be expired by then)', async () => {
    const nonce = newNonce();
    expect((await classic('GetResourceDirectory', {}, { nonce })).status).toBe(200);
    clock = T0 + 10 * 60_000;
    expectCode(await classic('GetResourceDirectory', {}, { nonce }), 'SignatureNonceUsed');
    clock = T0 + SIGNATURE_WINDOW_MS + 1000;
    expect((await classic('GetResourceDirectory', {}, { nonce })).status).toBe(200);
  });

  it('the nonce memory is bounded: past capacity the oldest are forgotten first, expired ones are pruned', () => {
    const cache = new NonceCache(3, 1000);
    for (const k of ['a', 'b', 'c', 'd']) cache.add(k, 0);
    expect(cache.size).toBe(3);
    expect(cache.has('a', 0)).toBe(false);
    expect(cache.has('d', 0)).toBe(true);
    expect(cache.has('d', 1000)).toBe(false);
    cache.add('e', 1500);
    expect(cache.size).toBe(1);
  });
});

describe('x-acs-error-precedence around the signature step', () => {
  it('action, then version, then signature, then parameters', async () => {
    expectCode(await fetchAnswer(`${mock.url}/?Action=Nope&Version=x`, { method: 'POST' }), 'InvalidAction.NotFound');
    expectCode(
      await fetchAnswer(`${mock.url}/?Action=GetResourceDirectory&Version=x`, { method: 'POST' }),
      'InvalidVersion',
    );
    expectCode(
      await fetchAnswer(`${mock.url}/?Action=EnableResourceDirectory&Version=${VERSION}`, { method: 'POST' }),
      'IncompleteSignature',
      'EnableResourceDirectory',
    );
    expectCode(await classic('EnableResourceDirectory', {}), 'MissingEnableMode', 'EnableResourceDirectory');
    expectCode(
      await classic('EnableResourceDirectory', {}, { secret: 'wrong' }),
      'SignatureDoesNotMatch',
      'EnableResourceDirectory',
    );
  });

  it('Prefer does not bypass the signature step', async () => {
    expectCode(
      await classic('GetResourceDirectory', { __example: 'NoPermission' }, { secret: 'wrong' }),
      'SignatureDoesNotMatch',
    );
    expectCode(await classic('GetResourceDirectory', { __example: 'NoPermission' }), 'NoPermission');
  });

  it.each([
    [
      'incomplete before a wrong method',
      { override: { SignatureNonce: undefined, SignatureMethod: 'MD5' } },
      'IncompleteSignature',
    ],
    [
      'method before timestamp format',
      { override: { SignatureMethod: 'MD5', Timestamp: 'x' } },
      'InvalidSignatureMethod',
    ],
    ['format before anything about the key', { override: { Timestamp: 'x' }, id: 'nobody' }, 'InvalidTimeStamp.Format'],
    ['expired before an unknown key', { time: T0 - 60 * 60_000, id: 'nobody' }, 'InvalidTimeStamp.Expired'],
    ['unknown key before a wrong signature', { id: 'nobody', secret: 'wrong' }, 'InvalidAccessKeyId.NotFound'],
  ] as const)('within the step: %s', async (_what, o, code) => {
    expectCode(await classic('GetResourceDirectory', {}, o as ClassicOptions), code);
  });

  it('within the step: a used nonce before a wrong signature', async () => {
    const nonce = newNonce();
    expect((await acs3('GetResourceDirectory', { nonce })).status).toBe(200);
    expectCode(await acs3('GetResourceDirectory', { nonce, secret: 'wrong' }), 'SignatureNonceUsed');
  });
});

describe('without --verify-signatures', () => {
  let open: TestMock;
  beforeAll(async () => {
    open = await startMock();
  });
  afterAll(() => open.close());

  it('any credentials, or none, are accepted', async () => {
    for (const url of [
      `${open.url}/?Action=GetResourceDirectory&Version=${VERSION}`,
      `${open.url}/?Action=GetResourceDirectory&Version=${VERSION}&AccessKeyId=x&Signature=bogus&Timestamp=old`,
    ]) {
      expect((await fetch(url, { method: 'POST' })).status).toBe(200);
    }
    expect(
      (
        await fetch(`${open.url}/?Action=GetResourceDirectory&Version=${VERSION}`, {
          headers: { authorization: 'ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=00' },
        })
      ).status,
    ).toBe(200);
    expect(open.problems).toEqual([]);
  });
});

describe('MOCK_ACCESS_KEYS', () => {
  it('parses id:secret pairs; a secret may contain ":"', () => {
    expect([...parseAccessKeys(' a:b , c:d:e ,')]).toEqual([
      ['a', 'b'],
      ['c', 'd:e'],
    ]);
    expect(parseAccessKeys(undefined).size).toBe(0);
    expect(() => parseAccessKeys('nosecret')).toThrow(/id:secret/);
    expect(() => parseAccessKeys(':x')).toThrow(/id:secret/);
  });
});
