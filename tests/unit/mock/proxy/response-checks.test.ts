// The response direction, against upstreams that drift from the contract on purpose (tests/helpers/capture-server.ts
// with a handler per test): an extra field, an undocumented code, a wrong status, XML with the wrong content type,
// a missing x-acs-request-id, a body missing a required field; and upstreams that are slow or drop the connection,
// which the proxy answers with an Alibaba-shaped 504/502 and keeps serving. Both signing styles throughout.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_ERRORS } from '../../../../packages/mock/src/proxy/index.js';
import { useCaptureServer, successBodies, type Captured } from '../../../helpers/capture-server.js';
import {
  send,
  startProxy,
  STYLES,
  type ProxyAnswer,
  type SignedRequestOptions,
  type Style,
  type TestProxy,
} from '../../../helpers/proxy.js';

const CALLER = { id: 'LTAI5tResponseChecks', secret: 'ResponseChecksSecret01' };
const UPSTREAM = { accessKeyId: 'LTAI5tDriftUpstream', accessKeySecret: 'DriftUpstreamSecret987' };
const RID = '0B7A2B2E-1D4D-4B54-9E47-5C2C1F2A3B4C';

const drift = useCaptureServer();
let proxy: TestProxy;
let errors: TestProxy;
let strictFields: TestProxy;
let slow: TestProxy;
beforeAll(async () => {
  proxy = await startProxy({ upstream: drift.origin, credentials: UPSTREAM });
  errors = await startProxy({ upstream: drift.origin, credentials: UPSTREAM, errors: true });
  strictFields = await startProxy({ upstream: drift.origin, credentials: UPSTREAM, strictFields: true });
  slow = await startProxy({ upstream: drift.origin, credentials: UPSTREAM, upstreamTimeoutMs: 300 });
});
afterAll(async () => {
  for (const p of [proxy, errors, strictFields, slow]) await p.close();
});

type Reply = (req: Captured, res: ServerResponse) => void;
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': RID, ...headers });
    res.end(text);
  };
const good = {
  ...(successBodies.GetResourceDirectory as { ResourceDirectory: Record<string, string> }),
  RequestId: RID,
};
const errorOf = (code: string, message = 'message') => ({
  RequestId: RID,
  HostId: 'resourcemanager.aliyuncs.com',
  Code: code,
  Message: message,
  Recommend: 'https://api.aliyun.com/troubleshoot',
});

const call = (style: Style, via: TestProxy, o: Partial<SignedRequestOptions> = {}) =>
  send(style, via.url, { id: CALLER.id, secret: CALLER.secret, ...o });

function response(a: ProxyAnswer) {
  return a.violations
    .filter((v) => v.location[0] === 'response')
    .map((v) => ({ code: v.code, where: v.location.slice(1).join('.'), severity: v.severity }));
}

describe.each(STYLES)('%s', (style) => {
  it('a conforming answer: nothing reported, passed on as it is', async () => {
    drift.handler = json(200, good);
    const a = await call(style, proxy);
    expect(a.status).toBe(200);
    expect(a.violations).toEqual([]);
    expect(a.body).toEqual(good);
    expect(a.headers.get('x-acs-request-id')).toBe(RID);
  });

  it('an undocumented extra field (ScpStatus): info, the answer passed on', async () => {
    drift.handler = json(200, { ...good, ResourceDirectory: { ...good.ResourceDirectory, ScpStatus: 'Enabled' } });
    const a = await call(style, proxy);
    expect(a.status).toBe(200);
    expect(response(a)).toEqual([
      { code: 'response.field.undocumented', where: 'body.ResourceDirectory.ScpStatus', severity: 'Information' },
    ]);
    const line = proxy.records.at(-1)!;
    expect(line).toMatchObject({
      direction: 'response',
      rule: 'response.field.undocumented',
      severity: 'info',
      seen: 'Enabled',
      RequestId: RID,
      action: 'GetResourceDirectory',
      version: '2020-03-31',
    });
  });

  it('an undocumented extra field with strictFields: an error', async () => {
    drift.handler = json(200, { ...good, Extra: 1 });
    const a = await call(style, strictFields);
    expect(response(a)).toEqual([{ code: 'response.field.undocumented', where: 'body.Extra', severity: 'Error' }]);
  });

  it('an undocumented extra field with errors (not strict): passed on', async () => {
    drift.handler = json(200, { ...good, Extra: 1 });
    const a = await call(style, errors);
    expect(a.status).toBe(200);
    expect(a.body.Extra).toBe(1);
  });

  it('an error code the action does not document', async () => {
    drift.handler = json(400, errorOf('Foo.Bar'));
    const a = await call(style, proxy);
    expect(a.status).toBe(400);
    expect(response(a)).toEqual([{ code: 'response.error-code', where: 'body.Code', severity: 'Error' }]);
  });

  it('a documented code with another status', async () => {
    drift.handler = json(400, errorOf('ResourceDirectoryNotInUse'));
    const a = await call(style, proxy);
    expect(response(a)).toEqual([{ code: 'response.error-code', where: 'status', severity: 'Error' }]);
  });

  it('a status the action does not document', async () => {
    drift.handler = json(429, errorOf('Throttling.User'));
    const a = await call(style, proxy);
    expect(a.status).toBe(429);
    expect(response(a)).toContainEqual({ code: 'response.status', where: 'status', severity: 'Error' });
  });

  it('XML under a JSON content type: the body does not parse', async () => {
    drift.handler = json(
      200,
      `<?xml version="1.0"` +
        ` encoding="UTF-8"?><GetResourceDirectoryResponse><RequestId>${RID}</RequestId></GetResourceDirectoryResponse>`,
    );
    const a = await call(style, proxy);
    expect(response(a)).toEqual([{ code: 'response.body', where: 'body', severity: 'Error' }]);
  });

  it('XML with an undocumented content type: the content type, and the XML checked against the schema', async () => {
    drift.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'x-acs-request-id': RID });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>' +
          `<GetResourceDirectoryResponse><RequestId>${RID}</RequestId></GetResourceDirectoryResponse>`,
      );
    };
    const a = await call(style, proxy, { params: { Format: 'XML' } });
    expect(response(a)).toEqual([
      { code: 'response.content-type', where: 'header.content-type', severity: 'Error' },
      { code: 'response.body', where: 'body.ResourceDirectory', severity: 'Error' },
    ]);
  });

  it('JSON when the request asked for XML', async () => {
    drift.handler = json(200, good);
    const a = await call(style, proxy, { params: { Format: 'XML' } });
    expect(response(a)).toEqual([{ code: 'response.content-type', where: 'header.content-type', severity: 'Error' }]);
  });

  it('a body missing a required field, and a field of the wrong type', async () => {
    const { MemberDeletionStatus: _gone, ...rest } = good.ResourceDirectory;
    drift.handler = json(200, { ...good, ResourceDirectory: { ...rest, ControlPolicyStatus: 7 } });
    const a = await call(style, proxy);
    expect(response(a)).toEqual(
      expect.arrayContaining([
        { code: 'response.body', where: 'body.ResourceDirectory.MemberDeletionStatus', severity: 'Error' },
        { code: 'response.body', where: 'body.ResourceDirectory.ControlPolicyStatus', severity: 'Error' },
      ]),
    );
  });

  it('no x-acs-request-id header, and one that differs from the body', async () => {
    drift.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(good));
    };
    expect(response(await call(style, proxy))).toEqual([
      { code: 'response.request-id', where: 'header.x-acs-request-id', severity: 'Error' },
    ]);
    drift.handler = json(200, good, { 'x-acs-request-id': 'ANOTHER-ID' });
    expect(response(await call(style, proxy))).toEqual([
      { code: 'response.request-id', where: 'body.RequestId', severity: 'Error' },
    ]);
  });

  it('with errors, a response violation is a 502 naming the rule', async () => {
    drift.handler = json(400, errorOf('Foo.Bar'));
    const a = await call(style, errors);
    expect(a.status).toBe(PROXY_ERRORS['Proxy.ResponseViolation']);
    expect(a.body.Code).toBe('Proxy.ResponseViolation');
    expect(a.body.Message).toContain('response.error-code');
    expect(a.body.RequestId).toBe(a.headers.get('x-acs-request-id'));
    expect(response(a)).toEqual([{ code: 'response.error-code', where: 'body.Code', severity: 'Error' }]);
  });

  it('a slow upstream: 504 Proxy.UpstreamTimeout, then the proxy keeps serving', async () => {
    drift.handler = () => {
      /* never answers */
    };
    const started = Date.now();
    const a = await call(style, slow);
    expect(a.status).toBe(504);
    expect(a.body).toMatchObject({ Code: 'Proxy.UpstreamTimeout', RequestId: a.headers.get('x-acs-request-id') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(slow.upstreamErrors.at(-1)).toMatch(/within 300 ms/);
    drift.handler = json(200, good);
    expect((await call(style, slow)).status).toBe(200);
  });

  it('a dropped connection: 502 Proxy.UpstreamUnreachable, then the proxy keeps serving', async () => {
    drift.handler = (_req, res) => res.socket?.destroy();
    const a = await call(style, proxy);
    expect(a.status).toBe(502);
    expect(a.body.Code).toBe('Proxy.UpstreamUnreachable');
    drift.handler = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'content-length': '500',
        'x-acs-request-id': RID,
      });
      res.write('{"RequestId":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const cut = await call(style, proxy);
    expect(cut.status).toBe(502);
    expect(cut.body.Code).toBe('Proxy.UpstreamUnreachable');
    drift.handler = json(200, good);
    expect((await call(style, proxy)).status).toBe(200);
  });
});

it('a kept-alive connection the upstream closed meanwhile: sent once more on a new one, not answered 502', async () => {
  const served = new WeakSet<object>();
  drift.handler = (req, res) => {
    const socket = res.socket!;
    if (served.has(socket)) return void socket.destroy(); // as if closed while idle: no byte of an answer
    served.add(socket);
    json(200, good)(req, res);
  };
  for (const style of STYLES) {
    const first = await call(style, proxy);
    expect(first.status).toBe(200);
    const before = drift.requests.length;
    const second = await call(style, proxy);
    expect(second.status, second.text).toBe(200);
    expect(drift.requests.length - before).toBe(2);
  }
});

it('an upstream that is not listening: 502 Proxy.UpstreamUnreachable in the representation asked for', async () => {
  const gone = await startProxy({ upstream: 'http://127.0.0.1:9', credentials: UPSTREAM });
  try {
    const a = await call('HMAC-SHA1', gone, { params: { Format: 'XML' } });
    expect(a.status).toBe(502);
    expect(a.headers.get('content-type')).toBe('text/xml;charset=utf-8');
    expect(a.text).toContain('<Code>Proxy.UpstreamUnreachable</Code>');
  } finally {
    await gone.close();
  }
});

it("an unknown action: the answer is checked against what every action documents (the gateway's 404)", async () => {
  drift.handler = json(404, errorOf('InvalidAction.NotFound'));
  const a = await call('ACS3-HMAC-SHA256', proxy, { action: 'ListAccounts' });
  expect(response(a)).toEqual([]);
  expect(a.violations.map((v) => v.code)).toEqual(['request.action']);
});

it('the secret and the token never appear in lines, headers, bodies or the report', async () => {
  const SECRET = 'VerySecretProxyKey-4242';
  const TOKEN = 'CAIS-proxy-token-4242';
  const leaky = await startProxy({
    upstream: drift.origin,
    credentials: { accessKeyId: 'LTAI5tLeak', accessKeySecret: SECRET, securityToken: TOKEN },
    errors: true,
  });
  try {
    // An upstream that echoes the token it received and the secret (as if misconfigured) into undocumented fields.
    drift.handler = (req, res) =>
      json(200, {
        ...good,
        Echo: req.headers['x-acs-security-token'] ?? Object.fromEntries(req.query).SecurityToken,
        Leak: SECRET,
        Code: `${SECRET}`,
      })(req, res);
    const texts: string[] = [];
    for (const style of STYLES) {
      const a = await call(style, leaky, { params: { Foo: SECRET } });
      texts.push(a.text, a.headers.get('sl-violations') ?? '');
      drift.handler = json(500, errorOf('Nope', `bad key ${SECRET} ${TOKEN}`));
      const b = await call(style, leaky);
      texts.push(b.text, b.headers.get('sl-violations') ?? '');
    }
    drift.handler = () => {
      /* silent */
    };
    texts.push(...leaky.lines, ...leaky.upstreamErrors, JSON.stringify(leaky.proxy.report()));
    const all = texts.join('\n');
    expect(leaky.lines.length).toBeGreaterThan(3);
    expect(all).toContain('[REDACTED]');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(TOKEN);
  } finally {
    await leaky.close();
  }
});
