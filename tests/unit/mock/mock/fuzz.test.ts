// Property-based fuzzing of the mock over HTTP (http.request: any method, header and body framing), in all four
// modes (stateless / stateful, with and without verifySignatures): random and broken query strings and form bodies,
// repeated keys, __proto__ / constructor / prototype as names, values, Action and in Prefer, 1 MB values, bodies over
// the limit, invalid UTF-8, huge headers, unknown methods, wrong content types, chunked bodies, and in the verifying
// modes requests signed over whatever was fuzzed (so that they get past the signature step). Every answer must be an
// Alibaba-shaped 2xx/4xx (or a 5xx example the request asked for), within a per-request time limit; every API answer
// must also match the contract (tests/helpers/mock.ts); nothing may reach onError; and the server must still answer a
// valid request after each run.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, VERSION, type TestMock } from '../../../helpers/mock.js';
import {
  ACTIONS,
  MODES,
  PROTO_KEYS,
  answerProblem,
  entryArb,
  formText,
  pct,
  queryArb,
  saneKey,
  signRequest,
  valueArb,
  type Mode,
} from '../../../helpers/fuzz.js';
import { alibabaProblem, httpExchange, type HttpAnswer } from '../../../helpers/wire.js';

const PER_REQUEST_MS = 5_000;
const PROTOTYPE_NAMES_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort();

const methodArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('POST') },
  { weight: 5, arbitrary: fc.constant('GET') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'HEAD',
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'PROPFIND',
      'TRACE',
      'MKCOL',
      'LOCK',
      'PURGE',
      'M-SEARCH',
      'SEARCH',
      'LINK',
      'REPORT',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,8}$/) },
);

const pathArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('/') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/x',
      '//',
      '/%ZZ',
      '/%2F',
      '/?',
      '/index.html',
      '/api',
      '/docs/%ZZ',
      '/docs/../../../etc/passwd',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/%00',
      '/openapi.json',
      '/openapi.yaml',
      '/_emulator',
      '/_emulator/',
      '/_emulator/state',
      '/_emulator/verification-codes',
      '/_emulator/accounts/__proto__',
      '/_emulator/accounts/constructor',
      '/_emulator/accounts/%ZZ',
      '/_emulator/accounts/prototype',
      '/_emulator/accounts/a%2Fb',
      '/_emulator/nope',
      'http://resourcemanager.aliyuncs.com/',
      '*',
    ),
  },
);

const ctypeArb = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/json',
  'text/plain',
  'text/xml',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '',
  ';;;',
  '__proto__',
);

/** Header values Node lets a client send (no CR, LF or NUL). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      accept: fc.constantFrom(
        'application/json',
        'text/xml',
        'application/xml',
        'application/xml;q=0, application/json',
        '*/*',
        'xml',
        'text/html',
        '',
      ),
      'content-type': ctypeArb,
      prefer: fc.oneof(
        fc.constantFrom(
          'code=400',
          'code=404',
          'code=409',
          'code=500',
          'code=503',
          'code=__proto__',
          'example=__proto__',
          'example=constructor',
          'example=prototype',
          'code=200',
          'example="InvalidParameter"',
          'code=400; example=Throttling.User',
          'code=999',
          'example=',
          'code=1e3',
        ),
        headerText,
      ),
      'x-acs-action': fc.oneof(fc.constantFrom(...ACTIONS, ...PROTO_KEYS), headerText),
      'x-acs-version': fc.constantFrom(VERSION, '2019-01-01', '', '__proto__'),
      authorization: fc.oneof(
        fc.constantFrom(
          'ACS3-HMAC-SHA256 Credential=__proto__,SignedHeaders=host,Signature=00',
          'ACS3-HMAC-SHA256 ',
          'ACS3-HMAC-SM3 Credential=a,SignedHeaders=x-acs-date,Signature=ab',
          'Basic Zm9vOmJhcg==',
          'ACS3-HMAC-SHA256' +
            ' Credential=AK-FUZZ,SignedHeaders=x-acs-date;x-acs-signature-nonce;x-acs-content-sha256,Signature=zz',
        ),
        headerText,
      ),
      'x-acs-date': fc.constantFrom('2020-01-01T00:00:00Z', 'yesterday', '', '9999-99-99T99:99:99Z'),
      'x-acs-signature-nonce': fc.constantFrom('n', '', '__proto__'),
      'x-acs-content-sha256': fc.constantFrom(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'nothex',
        '',
      ),
      'x-pad': fc.constantFrom('a'.repeat(12_000), 'b'.repeat(20_000), '\u00ff'.repeat(100)),
    },
    { requiredKeys: [] },
  )
  // each header alone is rare, so that most requests get past the step it would stop them at
  .chain((all) =>
    fc
      .subarray(Object.entries(all), { maxLength: Math.min(3, Object.keys(all).length) })
      .map((kept) => Object.fromEntries(kept)),
  )
  .chain((known) =>
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
            fc.constantFrom(...PROTO_KEYS, 'x-acs-action', 'prefer', 'content-length-x'),
          ),
          headerText,
        ),
        { maxLength: 3 },
      )
      .map((extra) => {
        // Object.fromEntries defines own properties, `__proto__` included
        return Object.fromEntries([...Object.entries(known), ...extra.filter(([k]) => !Object.hasOwn(known, k))]);
      }),
  );

type BodyKind = 'none' | 'form' | 'bytes' | 'json' | 'mb' | 'over';
const bodyArb: fc.Arbitrary<{ kind: BodyKind; form?: string; bytes: Buffer; parts: number }> = fc
  .tuple(
    fc.oneof(
      { weight: 12, arbitrary: fc.constant<BodyKind>('none') },
      { weight: 16, arbitrary: fc.constant<BodyKind>('form') },
      { weight: 4, arbitrary: fc.constantFrom<BodyKind>('bytes', 'json') },
      { weight: 1, arbitrary: fc.constantFrom<BodyKind>('mb', 'over') }, // big bodies are rare (time)
    ),
    fc.array(entryArb, { maxLength: 8 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.integer({ min: 1, max: 4 }),
    fc.constantFrom(...ACTIONS),
  )
  .map(([kind, entries, bytes, parts, action]) => {
    if (kind === 'form') {
      const form = formText([['Action', action, 'encoded', ''], ...entries]);
      return { kind, form, bytes: Buffer.from(form, 'latin1'), parts };
    }
    if (kind === 'bytes')
      return {
        kind,
        bytes: Buffer.concat([Buffer.from('MAName='), Buffer.from(bytes), Buffer.from([0xff, 0xfe, 0xc3])]),
        parts,
      };
    if (kind === 'json')
      return {
        kind,
        bytes: Buffer.from(JSON.stringify({ Action: action, Version: VERSION, __proto__: { polluted: true } })),
        parts,
      };
    if (kind === 'mb') {
      const form = `Action=${action}&MAName=${'m'.repeat(1_000_000)}`;
      return { kind, form, bytes: Buffer.from(form), parts };
    }
    if (kind === 'over') return { kind, bytes: Buffer.alloc(1024 * 1024 + 1, 0x61), parts };
    return { kind, bytes: Buffer.alloc(0), parts: 1 };
  });

const requestArb = fc.record({
  method: methodArb,
  path: pathArb,
  query: queryArb,
  headers: headersArb,
  body: bodyArb,
  sign: fc.constantFrom<'none' | 'HMAC-SHA1' | 'ACS3-HMAC-SHA256'>('none', 'HMAC-SHA1', 'ACS3-HMAC-SHA256'),
  accessKeyId: fc.oneof(fc.constantFrom('AK-FUZZ', 'other', ...PROTO_KEYS), valueArb),
});
type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

/** The path the mock routes on (its own rules: absolute-form stripped, the query cut off). */
function routedPath(target: string): string {
  let url = target;
  if (!url.startsWith('/')) url = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

interface Sent {
  readonly target: string;
  readonly text: string;
  readonly answer: HttpAnswer;
}

async function send(mock: TestMock, mode: Mode, r: FuzzRequest): Promise<Sent> {
  let query = r.query;
  // without verification, the emulator wants an AccessKeyId (any)
  if (mode.stateful && !mode.verify && r.sign !== 'none') query = `${query}&AccessKeyId=${pct(r.accessKeyId)}`;
  let headers: Record<string, string> = { ...r.headers };
  const formText =
    r.body.form !== undefined && /^application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '')
      ? r.body.form
      : undefined;
  if (mode.verify && r.sign !== 'none' && (r.method === 'GET' || r.method === 'POST')) {
    const host = `127.0.0.1:${mock.port}`;
    const signed = signRequest(r.sign, { method: r.method, query, host, headers, body: r.body.bytes, formText });
    query = signed.query;
    headers = { ...headers, ...signed.headers };
  }
  const target = r.path === '*' ? '*' : `${r.path}${r.path.includes('?') ? '&' : '?'}${query}`;
  const bytes = r.body.bytes;
  const parts =
    r.body.kind === 'none'
      ? undefined
      : r.body.parts === 1
        ? bytes
        : Array.from({ length: r.body.parts }, (_, i) =>
            bytes.subarray(
              Math.floor((i * bytes.length) / r.body.parts),
              Math.floor(((i + 1) * bytes.length) / r.body.parts),
            ),
          );
  const answer = await httpExchange(mock.port, {
    method: r.method,
    path: target,
    headers,
    ...(parts !== undefined ? { body: parts } : {}),
    timeoutMs: PER_REQUEST_MS,
  });
  const body = r.body.kind === 'form' || r.body.kind === 'json' ? bytes.toString('latin1') : '';
  const text = `${target}\n${JSON.stringify(headers)}\n${body}`;
  return { target, text, answer };
}

/**
 * Non-API routes answer in their own way (static files, the emulator's control routes: JSON `{error}`), never a 5xx;
 * a request refused before routing (header limit, parser) gets the gateway's error there too.
 */
function routeProblem(mode: Mode, method: string, target: string, s: Sent): string | undefined | 'api' {
  const path = routedPath(target);
  if (path === '/') return 'api';
  if (mode.stateful && (path === '/_emulator' || path.startsWith('/_emulator/'))) {
    if (s.answer.status >= 500)
      return `control route ${method} ${path}: ${s.answer.status} ${s.answer.body.toString().slice(0, 200)}`;
    if (s.answer.headers['content-type'] === 'application/json; charset=utf-8') {
      if (method !== 'HEAD') JSON.parse(s.answer.body.toString());
      return undefined;
    }
    return alibabaProblem({
      status: s.answer.status,
      headers: s.answer.headers as Record<string, string>,
      body: s.answer.body,
      head: method === 'HEAD',
    });
  }
  if (
    (method === 'GET' || method === 'HEAD') &&
    (path === '/openapi.json' || path === '/openapi.yaml' || path === '/docs' || path.startsWith('/docs/'))
  ) {
    return s.answer.status >= 500 ? `static ${path}: ${s.answer.status}` : undefined;
  }
  return 'api'; // every other path is the gateway's 404 InvalidApi.NotFound
}

/**
 * Liveness after a run: a plain valid request (signed in the verifying modes, a fresh account in the stateful ones).
 */
let sane = 0;
async function stillServes(mock: TestMock, mode: Mode): Promise<void> {
  const n = sane++;
  const action = mode.stateful ? 'InitResourceDirectory' : 'GetResourceDirectory';
  let query = `Action=${action}&Version=${VERSION}`;
  let headers: Record<string, string> = {};
  if (mode.verify) {
    const signed = signRequest(
      'ACS3-HMAC-SHA256',
      { method: 'POST', query, host: `127.0.0.1:${mock.port}`, headers, body: Buffer.alloc(0), formText: undefined },
      saneKey(n),
    );
    ({ query, headers } = signed);
  } else if (mode.stateful) query += `&AccessKeyId=sane-${randomUUID()}`;
  const a = await httpExchange(mock.port, { method: 'POST', path: `/?${query}`, headers, timeoutMs: PER_REQUEST_MS });
  expect(a.status, a.body.toString()).toBe(200);
}

describe.each(MODES)('fuzzing the mock over HTTP: $name', (mode) => {
  let mock: TestMock;
  const failures: string[] = [];
  beforeAll(async () => {
    mock = await startMock({
      ...mode.options,
      onError: (e, action) => failures.push(`${action}: ${(e as Error)?.stack ?? String(e)}`),
    });
  });
  afterAll(() => mock.close());

  it(
    'every answer is an Alibaba-shaped 2xx/4xx that matches the contract, in time; the server keeps' + ' serving',
    async () => {
      let requests = 0;
      const numRuns = 200;
      await fc.assert(
        fc.asyncProperty(requestArb, async (r) => {
          const s = await send(mock, mode, r);
          requests++;
          const route = routeProblem(mode, r.method, s.target, s);
          if (route !== 'api') {
            expect(route, s.text).toBeUndefined();
            return;
          }
          const problem = answerProblem(
            {
              status: s.answer.status,
              headers: s.answer.headers as Record<string, string>,
              body: s.answer.body,
              head: r.method === 'HEAD',
            },
            s.text,
          );
          expect(problem, s.text.slice(0, 2_000)).toBeUndefined();
        }),
        { numRuns },
      );
      expect(requests).toBeGreaterThanOrEqual(numRuns);
      expect(mock.problems).toEqual([]);
      expect(failures).toEqual([]);
      // `AccessKeyId=__proto__` and the like reached the server: nothing was written onto Object.prototype
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES_BEFORE);
      await stillServes(mock, mode);
    },
  );

  it('repeated keys, hostile names and broken escapes in a form body and the query together', async () => {
    let runs = 0;
    const numRuns = 60;
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 12 }),
        fc.array(entryArb, { maxLength: 12 }),
        fc.constantFrom(...ACTIONS),
        async (q, f, action) => {
          runs++;
          const query = formText([['Action', action, 'encoded', ''], ['Version', VERSION, 'encoded', ''], ...q, ...q]);
          const body = formText([...f, ...f, ['__proto__', 'x', 'encoded', ''], ['constructor', 'y', 'encoded', '']]);
          const a = await httpExchange(mock.port, {
            method: 'POST',
            path: `/?${query}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
            timeoutMs: PER_REQUEST_MS,
          });
          expect(
            answerProblem(
              { status: a.status, headers: a.headers as Record<string, string>, body: a.body },
              `${query}\n${body}`,
            ),
            `${query}\n${body}`,
          ).toBeUndefined();
        },
      ),
      { numRuns },
    );
    expect(runs).toBeGreaterThanOrEqual(numRuns);
    expect(mock.problems).toEqual([]);
    expect(failures).toEqual([]);
    await stillServes(mock, mode);
  });
});

describe('the checks can fail', () => {
  it('a 5xx, a plain-text 4xx, a missing RequestId or an unasked-for InternalError is a problem', async () => {
    const id = 'A9CAF610-8C78-51CF-ABF6-291C686708A4';
    const ok = {
      status: 400,
      headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': id },
      body: JSON.stringify({ RequestId: id, Code: 'InvalidParameter', Message: 'm' }),
    };
    expect(alibabaProblem(ok)).toBeUndefined();
    expect(alibabaProblem({ ...ok, status: 502 })).toMatch(/server error/);
    expect(alibabaProblem({ ...ok, headers: { 'content-type': 'text/plain' } })).toMatch(/content type/);
    expect(alibabaProblem({ ...ok, body: JSON.stringify({ Code: 'x', Message: 'm' }) })).toMatch(/RequestId/);
    expect(
      alibabaProblem({ ...ok, body: JSON.stringify({ RequestId: id, Code: 'x', Message: 'm', Stack: 'at ...' }) }),
    ).toMatch(/field Stack/);
    expect(alibabaProblem({ ...ok, status: 431, body: '' })).toMatch(/parse/);
    const internal = {
      ...ok,
      status: 500,
      body: JSON.stringify({ RequestId: id, Code: 'InternalError', Message: 'm' }),
    };
    expect(answerProblem(internal, '/?Action=GetResourceDirectory')).toMatch(/unasked-for/);
    expect(answerProblem(internal, '/?__example=InternalError')).toBeUndefined();
  });
});
