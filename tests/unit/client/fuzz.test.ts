// Property-based fuzzing of the client (fast-check), against a local server that checks every request it receives:
// - arbitrary parameter objects (unknown keys, wrong types, huge strings, unicode and lone surrogates, __proto__ and
//   other prototype names, numbers / objects / arrays / symbols / bigints as values) with both signing styles, STS
//   and sites: whatever reaches the server is valid for the contract and correctly signed (the
//   packages/client/src/protocol/signing.ts verify functions); a call the contract allows is sent; anything else is
//   refused before sending.
//   What the contract allows is read from the published description (generated/ResourceManager-2020-03-31/openapi.json)
//   by tests/helpers/contract.ts `requestRulesOf`, with an ajv of its own: never by the client's validator;
// - arbitrary answers (garbage, wrong content types, HTML, XML, truncated and deeply nested JSON, 1xx-5xx statuses,
//   undocumented codes, wrong field types, compressed garbage, raw bytes that are not HTTP, resets, closes, hangs),
//   with and without retry: the call resolves with `data` only for a 2xx JSON object, with `error` only for a
//   documented error body, and otherwise rejects with a ResourceDirectoryClientError subclass, never a TypeError,
//   SyntaxError or RangeError.
// What the fuzzing found in the client (fixed since) is pinned at the end.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  ResourceDirectoryAbortError,
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
  ResourceDirectoryTimeoutError,
  ResourceDirectoryValidationError,
  type ClientOptions,
} from '../../../packages/client/src/index.js';
import { verifyAcs3, verifyRpc } from '../../../packages/client/src/protocol/signing.js';
import { successBodies } from '../../helpers/capture-server.js';
import { contracts, requestRulesOf } from '../../helpers/contract.js';
import { parseResponses } from '../../helpers/wire.js';

const ID = 'LTAI5tFuzzKeyId';
const SECRET = 'FuzzSecret0123456789abcdef';
const TOKEN = 'CAIS.Fuzz/Token+With=Specials';
const published = contracts['ResourceManager/2020-03-31']!;
const rules = requestRulesOf(published);
const VERSION: string = published.doc['x-acs-rpc'].version;
const ACTIONS = published.operations.map((o) => o.action);
/** The error codes each action documents: its JSON error examples (name = code) in the published description. */
const DOCUMENTED_CODES: Record<string, readonly string[]> = Object.fromEntries(
  ACTIONS.map((a) => [a, published.errorCodes(a).map((e) => e.code)]),
);
const DOCUMENTED_CLASSES = [
  ResourceDirectoryValidationError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryTimeoutError,
  ResourceDirectoryAbortError,
  ResourceDirectoryNetworkError,
  ResourceDirectoryResponseError,
];
const TRANSPORT = [
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'SecurityToken',
];
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

// ------------------------------------------------------------------------------------------------ the checking server

interface Received {
  /** The AccessKey ID the request was signed with: each call of a property uses its own (see keyId). */
  readonly id: string;
  readonly action: string;
  readonly problems: string[];
  /** The signature nonce (header in ACS3, query in HMAC-SHA1): one per attempt the client makes. */
  readonly nonce?: string;
}

/**
 * A fresh AccessKey ID per call (same secret), so that a request the server reads late is not taken for another call's.
 */
let calls = 0;
const keyId = (): string => `${ID}-${++calls}`;

type ServerAnswer =
  | { readonly kind: 'http'; readonly status: number; readonly headers: Record<string, string>; readonly body: Buffer }
  | { readonly kind: 'raw'; readonly bytes: Buffer; readonly then: 'close' | 'reset' | 'keep' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close' }
  | { readonly kind: 'hang' };

interface Expectation {
  readonly algorithm: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
  readonly token: string | undefined;
  readonly site: 'intl' | 'china' | undefined;
}

/** Every problem of one received request, measured against the contract and the signing rules. */
function requestProblems(
  req: IncomingMessage,
  body: Buffer,
  e: Expectation,
): { id: string; action: string; problems: string[] } {
  const problems: string[] = [];
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const raw = q < 0 ? '' : url.slice(q + 1);
  if (path !== '/') problems.push(`path ${path}`);
  // RFC 3986 unreserved characters and escapes only: the mock (WHATWG) and a strict decoder then read the same
  if (!/^[A-Za-z0-9\-_.~%=&]*$/.test(raw))
    problems.push(`query characters outside unreserved and escapes: ${raw.slice(0, 200)}`);
  const pairs: [string, string][] = [];
  for (const part of raw === '' ? [] : raw.split('&')) {
    const eq = part.indexOf('=');
    try {
      pairs.push([
        decodeURIComponent(eq < 0 ? part : part.slice(0, eq)),
        decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1)),
      ]);
    } catch {
      problems.push(`bad percent-encoding in ${part.slice(0, 100)}`);
    }
  }
  if (JSON.stringify(pairs) !== JSON.stringify([...new URLSearchParams(raw)]))
    problems.push('the query decodes differently with WHATWG rules');
  const names = pairs.map(([k]) => k);
  if (new Set(names).size !== names.length) problems.push(`repeated parameters: ${names.join(',')}`);
  if (body.length !== 0) problems.push(`a body of ${body.length} bytes`);
  const headers = req.headers;
  const lookup = (id: string) => (id.startsWith(ID) ? SECRET : undefined);
  let id: string;
  const fresh = (t: string | undefined) =>
    t !== undefined && TIMESTAMP.test(t) && Math.abs(Date.parse(t) - Date.now()) < 15 * 60_000;
  let action: string;
  let params: [string, string][];
  if (e.algorithm === 'ACS3-HMAC-SHA256') {
    action = String(headers['x-acs-action'] ?? '');
    if (headers['x-acs-version'] !== VERSION) problems.push(`x-acs-version ${String(headers['x-acs-version'])}`);
    if (!fresh(headers['x-acs-date'] as string | undefined))
      problems.push(`x-acs-date ${String(headers['x-acs-date'])}`);
    if (!headers['x-acs-signature-nonce']) problems.push('no x-acs-signature-nonce');
    if (headers['x-acs-content-sha256'] !== createHash('sha256').update(body).digest('hex'))
      problems.push('x-acs-content-sha256 is not the body hash');
    if (headers['x-acs-security-token'] !== e.token)
      problems.push(`x-acs-security-token ${String(headers['x-acs-security-token'])}`);
    const v = verifyAcs3({ method: req.method ?? '', pathname: path, query: pairs, headers, body }, lookup);
    if (!v.ok) problems.push(`ACS3 signature: ${v.reason}`);
    id = v.accessKeyId ?? '';
    for (const h of [
      'host',
      'x-acs-action',
      'x-acs-version',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-content-sha256',
    ]) {
      if (!String(headers.authorization ?? '').includes(h)) problems.push(`${h} is not signed`);
    }
    params = pairs;
  } else {
    const get = (n: string) => pairs.find(([k]) => k === n)?.[1];
    action = get('Action') ?? '';
    id = get('AccessKeyId') ?? '';
    if (!id.startsWith(ID)) problems.push(`AccessKeyId ${id}`);
    const want: Record<string, string | undefined> = {
      Version: VERSION,
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SecurityToken: e.token,
    };
    for (const [k, v] of Object.entries(want)) if (get(k) !== v) problems.push(`${k} ${String(get(k))}`);
    if (!fresh(get('Timestamp'))) problems.push(`Timestamp ${String(get('Timestamp'))}`);
    if (!get('SignatureNonce')) problems.push('no SignatureNonce');
    const v = verifyRpc(req.method ?? '', pairs, lookup);
    if (!v.ok) problems.push(`HMAC-SHA1 signature: ${v.reason}`);
    params = pairs.filter(([k]) => !TRANSPORT.includes(k));
  }
  const spec = Object.hasOwn(rules.actions, action) ? rules.actions[action] : undefined;
  if (!spec) return { id, action, problems: [...problems, `unknown action ${action}`] };
  if (req.method !== spec.method) problems.push(`method ${req.method}`);
  const declared = new Set<string>(spec.parameters.map((p) => p.name));
  for (const [k] of params) if (!declared.has(k)) problems.push(`parameter ${k} is not ${action}'s`);
  for (const [k, v] of params) if (v === '') problems.push(`${k} sent empty`);
  for (const p of rules.problems(action, Object.fromEntries(params), e.site))
    problems.push(`invalid for the contract: ${p}`);
  return { id, action, problems };
}

let server: Server;
let origin = '';
const received: Received[] = [];
/** The answers for the next requests, in order (the last one repeats); the default answers success. */
let answers: ServerAnswer[] = [];
let expectation: Expectation = { algorithm: 'ACS3-HMAC-SHA256', token: undefined, site: undefined };
const sockets = new Set<Socket>();

function answerWith(a: ServerAnswer, res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return; // the client is gone (or an earlier raw answer holds the connection)
  switch (a.kind) {
    case 'http':
      // every answer on its own connection: one left in a strange state cannot be reused by a later call
      res.writeHead(a.status, { ...a.headers, connection: 'close' });
      res.end(a.body);
      return;
    case 'raw':
      socket.write(a.bytes);
      if (a.then === 'close') socket.end();
      else if (a.then === 'reset') socket.resetAndDestroy();
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'close':
      socket.destroy();
      return;
    case 'hang':
      return;
  }
}

/**
 * Ends every connection to the server. After a raw answer that left the connection open, or a hang, the server would
 * never answer another request on it (Node waits for the unfinished response first): no later call may reuse it.
 */
async function dropConnections(): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 5));
}

beforeAll(async () => {
  server = createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const nonceHeader = req.headers['x-acs-signature-nonce'];
      const nonceQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('SignatureNonce');
      const r = {
        ...requestProblems(req, Buffer.concat(chunks), expectation),
        nonce: typeof nonceHeader === 'string' ? nonceHeader : (nonceQuery ?? undefined),
      };
      received.push(r);
      const { action } = r;
      const a = answers.length > 1 ? answers.shift()! : answers[0];
      if (a) return answerWith(a, res);
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(successBodies[action] ?? {}));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type Outcome = { ok: true; data?: unknown; error?: unknown } | { ok: false; thrown: unknown };

async function outcome(run: () => Promise<{ data?: unknown; error?: unknown }>): Promise<Outcome> {
  try {
    const r = await run();
    return {
      ok: true,
      ...('data' in r && r.data !== undefined ? { data: r.data } : {}),
      ...('error' in r && r.error !== undefined ? { error: r.error } : {}),
    };
  } catch (thrown) {
    return { ok: false, thrown };
  }
}

/** Not a ResourceDirectoryClientError subclass the client documents: a TypeError, SyntaxError, RangeError, ... */
function undocumented(thrown: unknown): string | undefined {
  if (thrown instanceof ResourceDirectoryClientError && DOCUMENTED_CLASSES.some((c) => thrown instanceof c))
    return undefined;
  const e = thrown as Error;
  const message = String(e?.message ?? thrown).slice(0, 300);
  const stack = String(e?.stack ?? '')
    .split('\n')
    .slice(1, 5)
    .join('\n');
  return `rejected with ${e?.constructor?.name ?? typeof thrown}: ${message}\n${stack}`;
}

const optionsArb = fc.record({
  signatureAlgorithm: fc.constantFrom<'ACS3-HMAC-SHA256' | 'HMAC-SHA1'>('ACS3-HMAC-SHA256', 'HMAC-SHA1'),
  token: fc.option(fc.constant(TOKEN), { freq: 3 }),
  site: fc.constantFrom<'intl' | 'china' | undefined>(undefined, undefined, 'intl', 'china'),
  // both fetches: the default (node:http) and Node's
  transport: fc.constantFrom<Transport>('node:http', 'fetch'),
});

type Transport = 'node:http' | 'fetch';
function clientFor(
  o: {
    signatureAlgorithm: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
    token: string | null;
    site: 'intl' | 'china' | undefined;
    transport?: Transport;
  },
  extra: Partial<ClientOptions> = {},
  accessKeyId = keyId(),
) {
  expectation = { algorithm: o.signatureAlgorithm, token: o.token ?? undefined, site: o.site };
  return createClient({
    endpoint: origin,
    accessKeyId,
    accessKeySecret: SECRET,
    signatureAlgorithm: o.signatureAlgorithm,
    ...(o.transport === 'fetch' ? { fetch: (r: Request) => fetch(r) } : {}),
    ...(o.token ? { securityToken: o.token } : {}),
    ...(o.site ? { site: o.site } : {}),
    ...extra,
  });
}

/** A value for a failure message (String() throws for a null-prototype object or a throwing toString). */
function describeValue(v: unknown): string {
  try {
    return (
      JSON.stringify(v, (_k, x) =>
        typeof x === 'bigint' ? `${x}n` : typeof x === 'symbol' || typeof x === 'function' ? String(x) : x,
      )?.slice(0, 300) ?? String(v)
    );
  } catch {
    return Object.prototype.toString.call(v);
  }
}

type Call = (params?: unknown, co?: object) => Promise<{ data?: unknown; error?: unknown }>;
const method = (client: object, action: string): Call => (client as Record<string, Call>)[action]!;

// ------------------------------------------------------------------------------------------------ parameters

const GOOD: Record<string, readonly unknown[]> = {
  EnableMode: ['CurrentAccount', 'NewManagementAccount'],
  MAName: ['user01', 'a1', 'user.name-01', 'user01@rdadmin.aliyunid.com'],
  MASecureMobilePhone: ['852-61234567', '86-13900001234', '1-5550100'],
  SecureMobilePhone: ['852-61234567', '86-13900001234', '1-5550100'],
  VerificationCode: ['123456', '000000', 123456],
  DryRun: [true, false, 'true', 'false', 1, 0],
};
const ALL_NAMES = [...new Set(Object.values(rules.actions).flatMap((a) => a.parameters.map((p) => p.name)))];
const ownNames = (action: string): string[] => rules.actions[action]!.parameters.map((p) => p.name);
const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

const throwingToString = {
  toString(): string {
    throw new Error('toString was called');
  },
};
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 3,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'x'.repeat(100_000),
      '1'.repeat(6).padEnd(60_000, ' '),
      `${'\u{1F600}'.repeat(2_000)}`,
      '',
      ' ',
      '\u0000',
      '852-61234567\n',
      '１２３４５６',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e21, 0.1, 123456, 1)),
  },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constantFrom(null, undefined)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.bigInt(),
      fc.constant(Symbol('s')),
      fc.constant(() => 'CurrentAccount'),
      fc.date({ noInvalidDate: false }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.object({ maxDepth: 2 }),
      fc.array(fc.constantFrom('CurrentAccount', 1, null)),
      fc.constantFrom(
        ['CurrentAccount'],
        [],
        {},
        Object.create(null),
        new String('CurrentAccount'),
        throwingToString,
        JSON.parse('{"__proto__":{"x":1}}'),
      ),
    ),
  },
);

/** A parameter object: valid values for the action's own names mostly, then everything else. */
function paramsArb(action: string): fc.Arbitrary<unknown> {
  const own = ownNames(action);
  const entry = fc.oneof(
    {
      weight: 8,
      arbitrary: own.length
        ? fc
            .constantFrom(...own)
            .chain((k) => fc.constantFrom(...(GOOD[k] ?? ['x'])).map((v) => [k, v] as [string, unknown]))
        : fc.constant(['Action', action] as [string, unknown]),
    },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...own, ...ALL_NAMES), anyValue) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom(...TRANSPORT),
        fc.oneof(fc.constantFrom(action, VERSION, 'JSON', 'x'), anyValue),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(fc.constantFrom(...PROTO), fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 5 })),
        anyValue,
      ),
    },
  );
  return fc.oneof(
    // Object.fromEntries defines own properties, `__proto__` included; a symbol key on some
    {
      weight: 12,
      arbitrary: fc
        .tuple(fc.array(entry, { maxLength: 6 }), fc.boolean())
        .map(([e, sym]) => Object.assign(Object.fromEntries(e), sym ? { [Symbol('k')]: 'v' } : {})),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        null,
        {},
        [],
        'EnableMode=CurrentAccount',
        42,
        ['CurrentAccount'],
        Object.create(null),
      ),
    },
  );
}

/**
 * What the contract says of a parameter object: refused before sending (a name the operation does not declare, or a
 * broken rule), or sent. The names are the operation's in the published description: its own parameters, and
 * `Action` and `Version` only with the one value each one's schema allows (the client sends those itself); the values
 * are checked with the description's schemas and rules (tests/helpers/contract.ts `requestRulesOf`).
 */
function allowed(action: string, params: unknown, site: 'intl' | 'china' | undefined): boolean {
  const query: Record<string, unknown> = { ...(params as object) };
  const own = new Set<string>(ownNames(action));
  const values: Record<string, unknown> = {};
  for (const k of Object.keys(query)) {
    if (own.has(k)) values[k] = query[k];
    else if (k === 'Action' && query[k] === action) continue;
    else if (k === 'Version' && query[k] === VERSION) continue;
    else return false;
  }
  return rules.problems(action, values, site).length === 0;
}

describe('fuzzing the client: parameters', () => {
  it(
    'only valid, correctly signed requests leave the client; every call the contract allows is sent; nothing else' +
      ' escapes',
    async () => {
      let sent = 0;
      let refused = 0;
      let runs = 0;
      const numRuns = 400;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ACTIONS).chain((a) => fc.tuple(fc.constant(a), paramsArb(a), optionsArb)),
          async ([action, params, o]) => {
            runs++;
            answers = [];
            const id = keyId();
            const client = clientFor(o, {}, id);
            const out = await outcome(() => method(client, action)(params));
            const arrived = received.filter((r) => r.id === id);
            for (const r of arrived) expect(r.problems, `${action} ${describeValue(params)}`).toEqual([]);
            if (!out.ok) expect(undocumented(out.thrown)).toBeUndefined();
            if (allowed(action, params, o.site)) {
              expect(out.ok ? undefined : (out.thrown as Error).message).toBeUndefined();
              expect(arrived).toHaveLength(1);
              expect(arrived[0]!.action).toBe(action);
              sent++;
            } else {
              expect(out.ok).toBe(false);
              expect(out.ok ? undefined : out.thrown).toBeInstanceOf(ResourceDirectoryValidationError);
              expect(arrived).toHaveLength(0);
              refused++;
            }
          },
        ),
        { numRuns },
      );
      expect(runs).toBeGreaterThanOrEqual(numRuns);
      expect(sent).toBeGreaterThan(40);
      expect(refused).toBeGreaterThan(40);
    },
  );

  it('the check can fail: a client whose requests are changed on the way (here by its fetch) is caught', async () => {
    for (const signatureAlgorithm of ['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const) {
      const id = keyId();
      const tampering = clientFor(
        { signatureAlgorithm, token: null, site: undefined },
        {
          fetch: (r: Request) => fetch(new Request(`${r.url}${r.url.includes('?') ? '&' : '?'}EnableMode=Sideways`, r)),
        },
        id,
      );
      await outcome(() => method(tampering, 'GetResourceDirectory')({}));
      expect(
        received
          .filter((r) => r.id === id)
          .flatMap((x) => x.problems)
          .join('\n'),
      ).toMatch(/signature[\s\S]*parameter EnableMode is not GetResourceDirectory's/);
    }
  });

  it('the check can fail: a request with a bad signature, an extra parameter or a broken rule is reported', () => {
    const req = (url: string, headers: Record<string, string>) =>
      ({ method: 'POST', url, headers }) as unknown as IncomingMessage;
    const e: Expectation = { algorithm: 'HMAC-SHA1', token: undefined, site: undefined };
    const base =
      `/?Action=EnableResourceDirectory&Format=JSON&Version=${VERSION}&AccessKeyId=${ID}` +
      '&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n' +
      `&Timestamp=${encodeURIComponent(new Date().toISOString().slice(0, 19) + 'Z')}`;
    const problems = (extra: string) =>
      requestProblems(req(`${base}${extra}&Signature=AAAA`, { host: 'x' }), Buffer.alloc(0), e).problems.join('\n');
    expect(problems('&EnableMode=CurrentAccount')).toMatch(/signature-mismatch/);
    expect(problems('&EnableMode=CurrentAccount&Nope=1')).toMatch(/parameter Nope is not/);
    expect(problems('&EnableMode=Sideways')).toMatch(/invalid for the contract: EnableMode breaks its schema/);
    expect(problems('&EnableMode=Current+Account')).toMatch(/decodes differently|outside unreserved/);
    expect(allowed('EnableResourceDirectory', { EnableMode: 'CurrentAccount' }, undefined)).toBe(true);
    expect(allowed('EnableResourceDirectory', { EnableMode: 'CurrentAccount', __proto__x: 1 }, undefined)).toBe(false);
    expect(
      allowed('EnableResourceDirectory', JSON.parse('{"EnableMode":"CurrentAccount","__proto__":1}'), undefined),
    ).toBe(false);
    // the description's rules, each able to refuse: required, schema (text, number), request rule, site rule
    expect(allowed('EnableResourceDirectory', {}, undefined)).toBe(false);
    expect(
      allowed('EnableResourceDirectory', { EnableMode: 'CurrentAccount', VerificationCode: 12345 }, undefined),
    ).toBe(false);
    expect(
      allowed('EnableResourceDirectory', { EnableMode: 'CurrentAccount', VerificationCode: 123456 }, undefined),
    ).toBe(true);
    expect(
      allowed('EnableResourceDirectory', { EnableMode: 'CurrentAccount', VerificationCode: ['123456'] }, undefined),
    ).toBe(false);
    const account = { MAName: 'user01', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' };
    expect(allowed('EnableResourceDirectory', { EnableMode: 'NewManagementAccount', ...account }, 'intl')).toBe(true);
    expect(
      allowed('EnableResourceDirectory', { EnableMode: 'NewManagementAccount', ...account, MAName: '' }, 'intl'),
    ).toBe(false);
    expect(allowed('EnableResourceDirectory', { EnableMode: 'NewManagementAccount', ...account }, 'china')).toBe(false);
    expect(allowed('GetResourceDirectory', { Action: 'GetResourceDirectory', Version: VERSION }, undefined)).toBe(true);
    expect(allowed('GetResourceDirectory', { Version: '2022-04-19' }, undefined)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------ answers

const JSON_TYPES = [
  'application/json;charset=utf-8',
  'application/json',
  'text/json',
  'text/html',
  'text/xml;charset=utf-8',
  'text/plain',
  'application/octet-stream',
  'application/json; charset=utf-16',
  '',
];
const DEEP = 100_000; // JSON.parse takes this; JSON.stringify of the value overflows the stack

function bodyArb(action: string): fc.Arbitrary<Buffer> {
  const documented = DOCUMENTED_CODES[action]!;
  const errorOf = (fields: Record<string, unknown>) =>
    JSON.stringify({
      RequestId: 'B1A2C3D4-0000-4000-8000-000000000000',
      HostId: 'resourcemanager.aliyuncs.com',
      Message: 'm',
      Recommend: 'https://api.aliyun.com/troubleshoot',
      ...fields,
    });
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...documented).map((Code) => errorOf({ Code })) },
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(
              'Throttling.User',
              'Throttling',
              'InternalError',
              '__proto__',
              'ResourceDirectoryNotInUse',
              'Unknown.Code',
            ),
          )
          .map((Code) => errorOf({ Code })),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          errorOf({ Code: 123 }),
          errorOf({ Code: null }),
          errorOf({ Code: { x: 1 } }),
          JSON.stringify({ Code: 'InvalidParameter' }),
          JSON.stringify({ Code: 'InvalidParameter', RequestId: 1, Message: 'm' }),
          JSON.stringify({ Code: 'InvalidParameter', RequestId: 'r', Message: ['m'] }),
          '{"__proto__":{"Code":"InvalidParameter"},"RequestId":"r","Message":"m"}',
          '{"Code":"InvalidParameter","RequestId":"r","Message":"m",' +
            '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          JSON.stringify(successBodies[action]),
          '{}',
          '{"RequestId":"r"}',
          '[]',
          '[1,2]',
          'null',
          '0',
          '"text"',
          'true',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '',
          'garbage',
          '<html><body><h1>502 Bad Gateway</h1></body></html>',
          '<?xml version="1.0" encoding="UTF-8"?>' +
            '<Error><RequestId>r</RequestId><Code>InvalidParameter</Code><Message>m</Message></Error>',
          '{"RequestId": "r", "Co',
          '{"Code":"InvalidParameter","RequestId":"r","Message":"m"',
          '\u00ef\u00bb\u00bf{"Code":"InvalidParameter","RequestId":"r","Message":"m"}',
          ' '.repeat(1_000_000),
        ),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
    )
    .map((s) => Buffer.from(s, s.startsWith('\u00ef\u00bb\u00bf') ? 'latin1' : 'utf8'));
}

function answerArb(action: string): fc.Arbitrary<ServerAnswer> {
  const http = fc.record({
    kind: fc.constant<'http'>('http'),
    status: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(200, 400, 403, 404, 409, 500, 503) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          201,
          202,
          203,
          204,
          205,
          206,
          300,
          301,
          302,
          304,
          307,
          401,
          405,
          408,
          413,
          429,
          431,
          501,
          502,
          504,
          599,
        ),
      },
      { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
    ),
    headers: fc
      .record(
        {
          'content-type': fc.constantFrom(...JSON_TYPES),
          'x-acs-request-id': fc.constantFrom('E0F1A2B3-0000-4000-8000-000000000000', '', 'x'.repeat(300)),
          'x-acs-retry-after': fc.constantFrom('0', '1', '2', 'abc', '-1', '1.5', '99999999999999999999'),
          location: fc.constantFrom('/', 'http://example.invalid/'),
        },
        { requiredKeys: [] },
      )
      .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>),
    body: bodyArb(action),
  });
  const deep = fc.constantFrom(
    '['.repeat(DEEP) + ']'.repeat(DEEP),
    `{"Code":"Unknown","RequestId":"r","Message":"m","X":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
  );
  return fc.oneof(
    { weight: 12, arbitrary: http },
    // a JSON body nested deeper than JSON.stringify can go (see the end)
    {
      weight: 1,
      arbitrary: fc.tuple(deep, fc.constantFrom(200, 400, 404, 500, 503)).map(([b, status]) => ({
        kind: 'http' as const,
        status,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(b),
      })),
    },
    { weight: 1, arbitrary: fc.constantFrom<ServerAnswer>({ kind: 'reset' }, { kind: 'close' }, { kind: 'hang' }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constantFrom(
              'GARBAGE\r\n\r\n',
              'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"RequestId":',
              'HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\n{"Co',
              'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\nabc\r\n',
              'HTTP/1.1 200 OK\r\nx\u0001: y\r\ncontent-length: 2\r\n\r\n{}',
              'HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 7\r\n\r\nnotgzip',
              'HTTP/1.1 500 Internal Server Error\r\ncontent-encoding: br\r\ncontent-length:' +
                ' 4\r\n\r\n\u00ff\u00fe\u00fd\u00fc',
              'HTTP/1.1 103 Early Hints\r\n\r\n',
              'HTTP/1.1 999 Odd\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
              'HTTP/1.1 600 X\r\ncontent-length: 57\r\n\r\n{"Code":"InvalidParameter","RequestId":"r","Message":"m"}',
              'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
              'HTTP/1.0 200 OK\r\n\r\n{"RequestId":"r"}',
              'HTTP/1.1 200 OK\r\n',
              '\u0000\u0001\u0002',
            ),
            fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
          ),
          fc.constantFrom<'close' | 'reset' | 'keep'>('close', 'close', 'reset', 'keep'),
        )
        .map(([s, then]) => ({ kind: 'raw' as const, bytes: Buffer.from(s, 'latin1'), then })),
    },
  );
}

/** The documented outcome for the answer that was served last. */
function outcomeProblem(action: string, out: Outcome, last: ServerAnswer | undefined): string | undefined {
  const documented = DOCUMENTED_CODES[action]!;
  if (!out.ok) return undocumented(out.thrown);
  if (last?.kind === 'raw') {
    // raw bytes can be a complete HTTP answer (framed, or until the close): judged as that answer
    const [first] = parseResponses(last.bytes).responses.filter((r) => r.status >= 200);
    if (!first)
      return (
        `resolved for raw bytes that are no answer:` + ` ${JSON.stringify(last.bytes.toString('latin1').slice(0, 100))}`
      );
    return outcomeProblem(action, out, {
      kind: 'http',
      status: first.status,
      headers: first.headers,
      body: first.body,
    });
  }
  if (!last || last.kind !== 'http') return `resolved although the last answer was ${last?.kind ?? 'none'}`;
  const text = last.body.toString('utf8').replace(/^\uFEFF/, ''); // fetch's text() drops a BOM
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `resolved for a body that is not JSON: ${text.slice(0, 100)}`;
  }
  if (out.data !== undefined) {
    if (last.status < 200 || last.status > 299) return `data for HTTP ${last.status}`;
    if (!parsed || typeof parsed !== 'object')
      return `data for a body that is not a JSON object: ${text.slice(0, 100)}`;
    return undefined;
  }
  if (last.status >= 200 && last.status <= 299) return `error for HTTP ${last.status}`;
  const body = parsed as Record<string, unknown>;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'error for a body that is not a JSON object';
  if (typeof body.Code !== 'string' || !documented.includes(body.Code))
    return `error with an undocumented code ${String(body.Code)}`;
  if (typeof body.Message !== 'string' || typeof body.RequestId !== 'string')
    return 'error without Message or RequestId';
  const e = out.error as Record<string, unknown>;
  if (e.Code !== body.Code) return `error Code ${String(e.Code)} for ${body.Code}`;
  return undefined;
}

describe('fuzzing the client: answers', () => {
  it(
    'resolves only with documented results and otherwise rejects with a ResourceDirectoryClientError subclass, with' +
      ' and without retry',
    async () => {
      const seen = new Set<string>();
      let runs = 0;
      const numRuns = 300;
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...ACTIONS)
            .chain((a) =>
              fc.tuple(
                fc.constant(a),
                fc.array(answerArb(a), { minLength: 1, maxLength: 3 }),
                optionsArb,
                fc.boolean(),
              ),
            ),
          async ([action, list, o, retry]) => {
            runs++;
            answers = [...list];
            const id = keyId();
            const hangs = list.some((a) => a.kind === 'hang' || (a.kind === 'raw' && a.then === 'keep'));
            const client = clientFor(
              { ...o, site: undefined },
              retry ? { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 } } : {},
              id,
            );
            const params =
              action === 'EnableResourceDirectory'
                ? { EnableMode: 'CurrentAccount' }
                : action === 'SendVerificationCodeForEnableRD'
                  ? { SecureMobilePhone: '852-61234567' }
                  : {};
            const out = await outcome(() => method(client, action)(params, { timeoutMs: hangs ? 300 : 10_000 }));
            if (list.some((a) => a.kind !== 'http')) await dropConnections();
            const arrived = received.filter((r) => r.id === id);
            for (const r of arrived) expect(r.problems).toEqual([]);
            // (a call that timed out may have given up before the server read its request)
            if (!(out.ok === false && out.thrown instanceof ResourceDirectoryTimeoutError))
              expect(arrived.length).toBeGreaterThanOrEqual(1);
            // Attempts (one nonce each): at most the retry budget; fetch itself sends a request again once after a 421
            // Misdirected Request (Fetch standard).
            const attempts = arrived.filter((r, i) => i === 0 || r.nonce !== arrived[i - 1]!.nonce);
            const resends421 = list.filter((a) => a.kind === 'http' && a.status === 421).length;
            expect(attempts.length).toBeLessThanOrEqual((retry ? 3 : 1) + resends421);
            // The node:http fetch sends an attempt once more when a kept-alive connection closes before any answer
            // (a stale socket, or here a server that closed it): the same request, same nonce, right after; fetch
            // never.
            expect(arrived.length).toBeLessThanOrEqual(
              attempts.length * (o.transport === 'fetch' ? 1 : 2) + resends421,
            );
            const last = list[Math.max(0, Math.min(arrived.length, list.length) - 1)];
            const shown = list.map((a) =>
              a.kind === 'http'
                ? { status: a.status, headers: a.headers, body: a.body.toString('latin1').slice(0, 120) }
                : a.kind === 'raw'
                  ? { raw: a.bytes.toString('latin1').slice(0, 120), then: a.then }
                  : a,
            );
            const where =
              `${action} ${o.signatureAlgorithm}${o.token ? ' STS' : ''}${retry ? ' retry' : ''}` +
              ` ${o.transport}:` +
              ` ${JSON.stringify(shown)}`;
            expect(outcomeProblem(action, out, last), where).toBeUndefined();
            // a complete, plain HTTP answer is never reported as a network failure or a timeout (but fetch itself makes
            // a 407 Proxy Authentication Required a network error, per the Fetch standard)
            if (!out.ok && last?.kind === 'http' && last.status !== 407 && !hangs)
              expect(out.thrown, where).toBeInstanceOf(ResourceDirectoryResponseError);
            seen.add(out.ok ? (out.data !== undefined ? 'data' : 'error') : (out.thrown as Error).constructor.name);
          },
        ),
        { numRuns },
      );
      expect(runs).toBeGreaterThanOrEqual(numRuns);
      expect([...seen].sort()).toEqual(
        expect.arrayContaining(['ResourceDirectoryNetworkError', 'ResourceDirectoryResponseError', 'data', 'error']),
      );
    },
  );
});

// ------------------------------------------------------------------------------------------------ found by fuzzing

describe('client bugs the fuzzing found (fixed; pinned here)', () => {
  const client = (extra: Partial<ClientOptions> = {}) =>
    clientFor({ signatureAlgorithm: 'ACS3-HMAC-SHA256', token: null, site: undefined }, extra);

  // packages/client/src/client.ts `call` rebuilt the body text of a ResourceDirectoryResponseError with
  // JSON.stringify(body) from the value JSON.parse gave. JSON.parse accepts nesting JSON.stringify cannot serialise
  // (about 5 000 levels), so a 400 with `[[[[...]]]]` (or an object nested as deep, undocumented Code or none) rejected
  // with a bare RangeError "Maximum call stack size exceeded" (fixed in b1af62d).
  it(
    'a non-2xx answer with deeply nested JSON rejects with ResourceDirectoryResponseError, not a bare' + ' RangeError',
    async () => {
      for (const body of [
        '['.repeat(DEEP) + ']'.repeat(DEEP),
        `{"Code":"Unknown","RequestId":"r","Message":"m","X":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
      ]) {
        answers = [
          { kind: 'http', status: 400, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) },
        ];
        const out = await outcome(() => method(client(), 'GetResourceDirectory')({}));
        expect(out.ok).toBe(false);
        expect(undocumented((out as { thrown: unknown }).thrown)).toBeUndefined();
        expect((out as { thrown: unknown }).thrown).toBeInstanceOf(ResourceDirectoryResponseError);
      }
    },
  );

  // packages/client/src/client.ts (HMAC-SHA1 with a security token only) copied the response without its URL through
  // `new Response(response.body, { status: response.status, ... })`, which throws a RangeError for a status fetch
  // itself accepts but the Response constructor does not (600-999, e.g. `HTTP/1.1 999`): the call rejected with
  // ResourceDirectoryNetworkError "the request failed: RangeError: init["status"] must be in the range of 200 to 599"
  // although an answer arrived; without STS the same answer was a ResourceDirectoryResponseError (fixed in b1af62d).
  it('HMAC-SHA1 with STS: an answer with status 999 is a ResourceDirectoryResponseError, as without STS', async () => {
    for (const token of [null, TOKEN]) {
      answers = [
        {
          kind: 'raw',
          bytes: Buffer.from('HTTP/1.1 999 Odd\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}'),
          then: 'close',
        },
      ];
      const c = clientFor({ signatureAlgorithm: 'HMAC-SHA1', token, site: undefined });
      const out = await outcome(() => method(c, 'GetResourceDirectory')({}));
      expect(out.ok).toBe(false);
      expect((out as { thrown: unknown }).thrown, `token ${String(token)}`).toBeInstanceOf(
        ResourceDirectoryResponseError,
      );
    }
  });
});
