// packages/mock/src/frontend/request.ts and steps.ts: the one parse of an RPC request (mock and proxy), the action
// and version it names, and the steps' shape: the first answer is the request's, and nothing after it runs.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseRequest,
  urlencodedPairs,
  requestedAction,
  requestedVersion,
  splitTarget,
} from '../../../../packages/mock/src/frontend/request.js';
import { answerWith, proceed, runSteps, type Steps } from '../../../../packages/mock/src/frontend/steps.js';
import type { Answer } from '../../../../packages/mock/src/frontend/answer.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const parse = (url: string, headers: Record<string, string> = {}, body = '') =>
  parseRequest('POST', splitTarget(url), headers, Buffer.from(body));

describe('splitTarget and parseRequest', () => {
  it('splits path and raw query; an absolute-form target loses its origin', () => {
    expect(splitTarget('/?Action=A&x=%20')).toEqual({ path: '/', queryString: 'Action=A&x=%20' });
    expect(splitTarget('/docs/index.html')).toEqual({ path: '/docs/index.html', queryString: '' });
    expect(splitTarget('http://example.com:8080/?a=1')).toEqual({ path: '/', queryString: 'a=1' });
    expect(splitTarget('http://example.com')).toEqual({ path: '/', queryString: '' });
  });

  it('collects the query, then a form body; the first occurrence of a name wins; names are case-sensitive', () => {
    const r = parse('/?A=1&b=2&A=3', FORM, 'A=4&c=5&B=6');
    expect(r.query).toEqual([
      ['A', '1'],
      ['b', '2'],
      ['A', '3'],
    ]);
    expect(r.form).toEqual([
      ['A', '4'],
      ['c', '5'],
      ['B', '6'],
    ]);
    expect({ ...r.params }).toEqual({ A: '1', b: '2', c: '5', B: '6' });
  });

  it('reads a body only as a form when it says it is one; the parameters have no prototype', () => {
    const r = parse('/?__proto__=x', { 'content-type': 'application/json' }, 'c=5');
    expect(r.form).toEqual([]);
    expect(Object.getPrototypeOf(r.params)).toBeNull();
    expect(r.params.__proto__).toBe('x');
    expect(r.params.constructor).toBeUndefined();
  });
});

describe('urlencodedPairs', () => {
  // The oracle is URLSearchParams, which the parser hands the text to where its own decoding could differ; the test
  // counts those hand-overs, so that it sees both paths taken.
  const Original = globalThis.URLSearchParams;
  let handedOver = 0;
  afterEach(() => {
    globalThis.URLSearchParams = Original;
  });
  const expected = (text: string): [string, string][] => [...new Original(text)];

  it('gives the pairs URLSearchParams gives, for any text (3000 runs)', () => {
    globalThis.URLSearchParams = class extends Original {
      constructor(init?: ConstructorParameters<typeof Original>[0]) {
        super(init);
        handedOver++;
      }
    };
    const piece = fc.oneof(
      fc.constantFrom('&', '=', '+', '%', '?', '%20', '%2B', '%26', '%3D', '%25', '%4', '%zz', '%C3%A9', '%E4%B8%AD'),
      fc.constantFrom('%C3', '%FF', '%ED%A0%80', '%F0%9F%98%80', '%c3%a9', 'é', '中', '😀', '\uD800', '\uDC00', ' '),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/),
      fc.string({ maxLength: 3, unit: 'binary' }),
    );
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    let runs = 0;
    fc.assert(
      fc.property(text, (t) => {
        runs++;
        expect(urlencodedPairs(t)).toEqual(expected(t));
      }),
      { numRuns: 3000 },
    );
    expect(runs).toBeGreaterThanOrEqual(3000);
    expect(handedOver).toBeGreaterThan(100);
    expect(handedOver).toBeLessThan(runs - 100);
  });

  it('reads what the SDKs send without URLSearchParams', () => {
    globalThis.URLSearchParams = class extends Original {
      constructor() {
        super();
        throw new Error('handed over');
      }
    };
    const sdk =
      'AccessKeyId=ak&Action=GetResourceDirectory&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=1e6b' +
      '&SignatureVersion=1.0&Timestamp=2026-12-03T10%3A00%3A00Z&Version=2020-03-31&Signature=ab%2Fc%2Bd%3D' +
      '&MAName=%E7%AE%A1%E7%90%86&Empty=&Flag&&x=a+b';
    expect(urlencodedPairs(sdk)).toEqual(expected(sdk));
    expect(Object.fromEntries(urlencodedPairs(sdk))).toMatchObject({
      Timestamp: '2026-12-03T10:00:00Z',
      Signature: 'ab/c+d=',
      MAName: '管理',
      Empty: '',
      Flag: '',
      x: 'a b',
    });
  });
});

describe('requestedAction and requestedVersion', () => {
  it.each([
    ['/', {}, { given: 'none' }],
    ['/?Action=', { 'x-acs-action': '' }, { given: 'none' }],
    ['/?Action=A', {}, { given: 'one', value: 'A', byParameter: true }],
    ['/', { 'x-acs-action': 'A' }, { given: 'one', value: 'A', byParameter: false }],
    ['/?Action=A', { 'x-acs-action': 'A' }, { given: 'one', value: 'A', byParameter: true }],
    ['/?Action=A', { 'x-acs-action': 'B' }, { given: 'conflict', header: 'B', parameter: 'A' }],
  ])('%s with %j: %j', (url, headers, expected) => {
    expect(requestedAction(parse(url, headers))).toEqual(expected);
  });

  it('the version the same way, from Version and x-acs-version', () => {
    expect(requestedVersion(parse('/?Version=1', { 'x-acs-version': '2' }))).toEqual({
      given: 'conflict',
      header: '2',
      parameter: '1',
    });
    expect(requestedVersion(parse('/', { 'x-acs-version': '2' }))).toEqual({
      given: 'one',
      value: '2',
      byParameter: false,
    });
  });
});

describe('runSteps', () => {
  const answer = (status: number): Answer => ({ status, headers: {}, body: String(status) });
  const steps: Steps<{ route: 'go' | 'stop'; validate: 'go' | 'stop'; seen: string[] }, string, string> = {
    route: (c) => (c.seen.push('route'), c.route === 'go' ? proceed('routed') : answerWith(answer(404))),
    validate: (c, _r, routed) => (
      c.seen.push(`validate ${routed}`),
      c.validate === 'go' ? proceed('valid') : answerWith(answer(400))
    ),
    produce: (c, _r, valid) => (c.seen.push(`produce ${valid}`), answer(200)),
  };

  it("the first answer is the request's, and no later step runs", () => {
    const request = parse('/');
    for (const [route, validate, status, ran] of [
      ['stop', 'go', 404, ['route']],
      ['go', 'stop', 400, ['route', 'validate routed']],
      ['go', 'go', 200, ['route', 'validate routed', 'produce valid']],
    ] as const) {
      const seen: string[] = [];
      expect((runSteps(steps, { route, validate, seen }, request) as Answer).status).toBe(status);
      expect(seen).toEqual(ran);
    }
  });
});
