// packages/mock/src/frontend/request.ts and steps.ts: the one parse of an RPC request (mock and proxy), the action
// and version it names, and the steps' shape: the first answer is the request's, and nothing after it runs.
import { describe, expect, it } from 'vitest';
import {
  parseRequest,
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
