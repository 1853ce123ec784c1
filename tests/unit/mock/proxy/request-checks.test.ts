// The request direction: every rule the proxy checks on a request, in both signing styles, reported on its JSON lines
// and in sl-violations (Prism's format); with `errors`, answered 400 InvalidParameter without reaching the upstream.
// Requests are signed by hand (tests/helpers/proxy.ts) so that they can break rules a client refuses to break.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../../../packages/mock/src/proxy/index.js';
import { startMock, type TestMock } from '../../../helpers/mock.js';
import { parseResponses, rawExchange } from '../../../helpers/wire.js';
import {
  send,
  startProxy,
  STYLES,
  type ProxyAnswer,
  type SignedRequestOptions,
  type Style,
  type TestProxy,
} from '../../../helpers/proxy.js';

const CALLER = { id: 'LTAI5tRequestChecks', secret: 'RequestChecksSecret0123' };
const UPSTREAM = { accessKeyId: 'LTAI5tUpstream', accessKeySecret: 'UpstreamSecretForChecks' };

let mock: TestMock;
let proxy: TestProxy;
let strict: TestProxy;
beforeAll(async () => {
  mock = await startMock({ verifySignatures: true, accessKeys: { [UPSTREAM.accessKeyId]: UPSTREAM.accessKeySecret } });
  proxy = await startProxy({ upstream: mock.url, credentials: UPSTREAM });
  strict = await startProxy({ upstream: mock.url, credentials: UPSTREAM, errors: true });
});
afterAll(async () => {
  await proxy.close();
  await strict.close();
  await mock.close();
});

const call = (style: Style, o: Omit<SignedRequestOptions, 'id' | 'secret'>, via = proxy) =>
  send(style, via.url, { id: CALLER.id, secret: CALLER.secret, ...o });

function expectViolation(a: ProxyAnswer, rule: string, where: string, severity = 'Error'): void {
  const found = a.violations.find((v) => v.code === rule && v.location.join('.') === `request.${where}`);
  expect(found, `${rule} at ${where} in ${JSON.stringify(a.violations)}`).toBeDefined();
  expect(found!.severity).toBe(severity);
  expect(found!.message.length).toBeGreaterThan(0);
}

interface Case {
  name: string;
  rule: keyof typeof RULES;
  /** `where` per style (the ACS3 form sends Action and Version as headers). */
  where: (style: Style) => string;
  request: (style: Style) => Omit<SignedRequestOptions, 'id' | 'secret'>;
  severity?: string;
}

const cases: Case[] = [
  { name: 'a path other than /', rule: 'request.route', where: () => 'path', request: () => ({ path: '/v1/rd' }) },
  {
    name: 'a method other than GET and POST',
    rule: 'request.route',
    where: () => 'method',
    request: () => ({ method: 'PUT' }),
  },
  {
    name: 'an unknown action',
    rule: 'request.action',
    where: (s) => (s === 'HMAC-SHA1' ? 'query.Action' : 'header.x-acs-action'),
    request: () => ({ action: 'ListAccounts' }),
  },
  {
    name: 'an unknown version',
    rule: 'request.version',
    where: (s) => (s === 'HMAC-SHA1' ? 'query.Version' : 'header.x-acs-version'),
    request: () => ({ version: '2019-01-01' }),
  },
  {
    name: 'an invalid Format',
    rule: 'request.format',
    where: () => 'query.Format',
    request: () => ({ params: { Format: 'YAML' } }),
  },
  {
    name: 'a parameter breaking its schema',
    rule: 'request.parameter',
    where: () => 'query.EnableMode',
    request: () => ({ action: 'EnableResourceDirectory', params: { EnableMode: 'Bogus' } }),
  },
  {
    name: 'a missing required parameter',
    rule: 'request.parameter',
    where: () => 'query.EnableMode',
    request: () => ({ action: 'EnableResourceDirectory' }),
  },
  {
    name: 'a request rule (NewManagementAccount needs MAName)',
    rule: 'request.parameter',
    where: () => 'query.MAName',
    request: () => ({
      action: 'EnableResourceDirectory',
      params: { EnableMode: 'NewManagementAccount', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' },
    }),
  },
  {
    name: 'an undocumented parameter (warning)',
    rule: 'request.parameter.undocumented',
    where: () => 'query.Foo',
    request: () => ({ params: { Foo: 'bar' } }),
    severity: 'Warning',
  },
  {
    name: 'a broken signing parameter',
    rule: 'request.signature',
    where: (s) => (s === 'HMAC-SHA1' ? 'query.SignatureMethod' : 'header.x-acs-date'),
    request: (s) => ({
      override: s === 'HMAC-SHA1' ? { SignatureMethod: 'HMAC-SHA256' } : { 'x-acs-date': '2026-03-01 12:00:00' },
    }),
  },
  {
    name: 'a missing signing parameter',
    rule: 'request.signature',
    where: (s) => (s === 'HMAC-SHA1' ? 'query.Timestamp' : 'header.x-acs-signature-nonce'),
    request: (s) => ({
      override: s === 'HMAC-SHA1' ? { Timestamp: undefined } : { 'x-acs-signature-nonce': undefined },
    }),
  },
];

describe.each(STYLES)('%s', (style) => {
  it('a valid request: nothing reported', async () => {
    const before = proxy.records.length;
    const a = await call(style, { action: 'EnableResourceDirectory', params: { EnableMode: 'CurrentAccount' } });
    expect(a.status, a.text).toBe(200);
    expect(a.violations).toEqual([]);
    expect(proxy.records.length).toBe(before);
  });

  it.each(cases)('$name: $rule', async (c) => {
    const before = proxy.records.length;
    const a = await call(style, c.request(style));
    expectViolation(a, c.rule, c.where(style), c.severity);
    // the same, as JSON lines with the RequestId of the answer
    const lines = proxy.records.slice(before).filter((r) => r.direction === 'request');
    const line = lines.find((r) => r.rule === c.rule && r.where === c.where(style));
    expect(line, JSON.stringify(lines)).toBeDefined();
    expect(line!.RequestId).toBe(a.headers.get('x-acs-request-id'));
    expect(Date.parse(line!.time)).not.toBeNaN();
    expect(typeof line!.expected).toBe('string');
  });

  it.each(cases.filter((c) => c.severity === undefined))(
    'with errors, $name is answered 400 InvalidParameter and not forwarded',
    async (c) => {
      const forwarded = mock.events.length;
      const a = await call(style, c.request(style), strict);
      expect(a.status).toBe(400);
      expect(a.body.Code).toBe('InvalidParameter');
      expect(a.body.RequestId).toBe(a.headers.get('x-acs-request-id'));
      expect(a.body.Message).toContain(c.rule);
      expectViolation(a, c.rule, c.where(style));
      expect(mock.events.length).toBe(forwarded);
    },
  );

  it('with errors, a warning alone is forwarded', async () => {
    const a = await call(style, { params: { Foo: 'bar' } }, strict);
    expect(a.status).toBe(200);
    expectViolation(a, 'request.parameter.undocumented', 'query.Foo', 'Warning');
  });
});

it('a request without any signature is reported', async () => {
  const res = await fetch(`${proxy.url}/?Action=GetResourceDirectory&Version=2020-03-31`, { method: 'POST' });
  const sl = JSON.parse(res.headers.get('sl-violations') ?? '[]');
  expect(sl.map((v: { code: string }) => v.code)).toContain('request.signature');
});

it("the ACS3 body hash must be the body's", async () => {
  const a = await call('ACS3-HMAC-SHA256', { override: { 'x-acs-content-sha256': 'a'.repeat(64) } });
  expectViolation(a, 'request.signature', 'header.x-acs-content-sha256');
});

it("sl-violations is Prism's format: a JSON array of { location, severity, code, message }", async () => {
  const a = await call('HMAC-SHA1', { action: 'EnableResourceDirectory', params: { EnableMode: 'Bogus', Foo: 'x' } });
  expect(a.violations.length).toBe(2);
  for (const v of a.violations) {
    expect(Object.keys(v).sort()).toEqual(['code', 'location', 'message', 'severity']);
    expect(v.location[0]).toBe('request');
    expect(['Error', 'Warning', 'Information']).toContain(v.severity);
  }
});

it('a body larger than 1 MiB is answered 400 InvalidParameter', async () => {
  const res = await fetch(`${proxy.url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
    method: 'POST',
    body: 'x'.repeat(1024 * 1024 + 1),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).Code).toBe('InvalidParameter');
});

describe.each(STYLES)('%s with a site', (style) => {
  let intl: TestProxy;
  beforeAll(async () => {
    intl = await startProxy({ upstream: mock.url, credentials: UPSTREAM, site: 'intl' });
  });
  afterAll(() => intl.close());

  it("the site's rules apply only with it (a China number on the international site)", async () => {
    const o = { action: 'SendVerificationCodeForEnableRD', params: { SecureMobilePhone: '86-13900001234' } };
    expect((await call(style, o)).violations).toEqual([]);
    const a = await call(style, o, intl);
    expectViolation(a, 'request.parameter', 'query.SecureMobilePhone');
    expect(a.violations[0]!.message).toContain('InvalidParameter.MobileCountryCode');
  });
});

it.each([
  [
    'a raw non-ASCII byte in the request line',
    Buffer.from('POST /?Action=GetResourceDirectory&AccessKeyId=\xe9 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'),
  ],
  ['a malformed header line', 'POST / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'],
  ['bad chunking', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
])(
  "what Node's parser refuses (%s) is answered 400 InvalidParameter, Alibaba-shaped, and the connection closed",
  async (_name, payload) => {
    const r = await rawExchange(proxy.port, payload);
    expect(r.closed).toBe(true);
    const [answer] = parseResponses(r.data).responses;
    expect(answer?.status).toBe(400);
    const body = JSON.parse(answer!.body.toString());
    expect(body.Code).toBe('InvalidParameter');
    expect(body.RequestId).toBe(answer!.headers['x-acs-request-id']);
  },
);

it('CONNECT (no API of the endpoint): 404 InvalidApi.NotFound as from the mock; the upstream is HostId', async () => {
  const r = await rawExchange(proxy.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  expect(r.closed).toBe(true);
  const [answer] = parseResponses(r.data).responses;
  expect(answer?.status).toBe(404);
  const body = JSON.parse(answer!.body.toString());
  expect([body.Code, body.HostId]).toEqual(['InvalidApi.NotFound', new URL(mock.url).hostname]);
});
