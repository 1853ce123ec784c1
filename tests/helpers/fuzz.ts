/**
 * Shared pieces of the property-based fuzz tests of the mock (tests/unit/mock/mock/fuzz*.test.ts,
 * tests/e2e/mock-fuzz-emulator.test.ts): the four server modes, a vocabulary of parameter names and values that reaches
 * every step of the mock, hostile keys, broken percent-encoding, signing a fuzzed request so that it passes
 * `verifySignatures`, and the rule for what an answer may be.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { contract } from '../../generated/contract.js';
import type { MockServerOptions } from '../../packages/mock/src/index.js';
import { acs3Authorization, sha256Hex, signRpc, utcTimestamp } from '../../packages/client/src/protocol/signing.js';
import { VERSION } from './mock.js';
import { alibabaProblem, codeOf, type AnswerLike } from './wire.js';

export const ACCESS_KEY_ID = 'AK-FUZZ';
export const ACCESS_KEY_SECRET = 'fuzz-secret-0123456789';
/** Keys only the liveness checks use, one per check, so that emulator state from the fuzzing never gets in the way. */
export const saneKey = (n: number): string => `AK-SANE-${n}`;

export interface Mode {
  readonly name: string;
  readonly options: MockServerOptions;
  readonly verify: boolean;
  readonly stateful: boolean;
}

export const MODES: readonly Mode[] = [false, true].flatMap((stateful) =>
  [false, true].map((verify) => ({
    name: `${stateful ? 'stateful' : 'stateless'}${verify ? ', verifySignatures' : ''}`,
    verify,
    stateful,
    options: {
      ...(stateful ? { stateful: true } : {}),
      ...(verify
        ? {
            verifySignatures: true,
            accessKeys: Object.fromEntries([
              [ACCESS_KEY_ID, ACCESS_KEY_SECRET],
              ...Array.from({ length: 50 }, (_, i) => [saneKey(i), ACCESS_KEY_SECRET]),
            ]),
          }
        : {}),
    },
  })),
);

const rules = contract.apis['ResourceManager/2020-03-31'];
export const ACTIONS = Object.keys(rules.actions);
const PARAMETER_NAMES = [...new Set(Object.values(rules.actions).flatMap((a) => a.parameters.map((p) => p.name)))];
const COMMON = [
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
  '__code',
  '__example',
];
export const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];
/** Percent-encoding that does not decode (or decodes to invalid UTF-8). */
export const BAD_PERCENT = [
  '%ZZ',
  '%E0%A4',
  '%',
  '%F',
  '%FF',
  '%FE%FF',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%%',
  '%E0%A4%A',
  '%2',
  '%u0041',
  '%F0%9F%98',
  '%80',
];
const EXAMPLE_NAMES = [
  'InvalidParameter',
  'InternalError',
  'ServiceUnavailable',
  'Throttling.User',
  'NoPermission',
  'chinaSite',
  'internationalSite',
  'MissingEnableMode',
  'EntityAlreadyExists.ResourceDirectory',
];
const GOOD_VALUES = [
  ...ACTIONS,
  VERSION,
  'JSON',
  'XML',
  'xml',
  'json',
  'CurrentAccount',
  'NewManagementAccount',
  'user01',
  'user01@rdadmin.aliyunid.com',
  '852-61234567',
  '86-13900001234',
  '123456',
  'true',
  'false',
  'HMAC-SHA1',
  '1.0',
  '400',
  '404',
  '409',
  '500',
  '503',
  '999',
  ...EXAMPLE_NAMES,
];

/** A name: the mock's own vocabulary mostly, hostile keys, then anything. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PARAMETER_NAMES, ...COMMON) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/**
 * A value: good ones (so that requests get far), hostile keys as values, unicode, lone surrogates, numbers, big ones.
 */
export const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...GOOD_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS, '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 3,
    }),
  },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5_000), '\u00e9'.repeat(3_000), '9'.repeat(20_000)) },
);

/** Percent-encodes the UTF-8 bytes of a string (a lone surrogate becomes EF BF BD), keeping A-Z a-z 0-9 - _ . ~ */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export type Encoding = 'encoded' | 'bad' | 'plus' | 'bare';
export type Entry = readonly [key: string, value: string, encoding: Encoding, bad: string];

export const entryArb: fc.Arbitrary<Entry> = fc.tuple(
  keyArb,
  valueArb,
  fc.constantFrom<Encoding>('encoded', 'encoded', 'encoded', 'bad', 'plus', 'bare'),
  fc.constantFrom(...BAD_PERCENT),
);

/** `k=v&...` from entries: percent-encoded, with broken escapes spliced in, `+` for spaces, or a name alone. */
export function formText(entries: readonly Entry[], separator = '&'): string {
  return entries
    .map(([k, v, enc, bad]) => {
      if (enc === 'bare') return pct(k);
      if (enc === 'plus') return `${pct(k)}=${pct(v).replace(/%20/g, '+')}`;
      if (enc === 'bad') {
        const e = pct(v);
        const at = e.length === 0 ? 0 : Math.min(e.length, (k.length * 7) % (e.length + 1));
        return `${pct(k)}=${e.slice(0, at)}${bad}${e.slice(at)}`;
      }
      return `${pct(k)}=${pct(v)}`;
    })
    .join(separator);
}

/** Valid parameters per action, on both sites (a request made of them gets a 2xx). */
export const VALID: Readonly<Record<string, readonly Entry[]>> = {
  EnableResourceDirectory: [
    ['EnableMode', 'NewManagementAccount', 'encoded', ''],
    ['MAName', 'user01', 'encoded', ''],
    ['MASecureMobilePhone', '852-61234567', 'encoded', ''],
    ['VerificationCode', '123456', 'encoded', ''],
  ],
  InitResourceDirectory: [],
  SendVerificationCodeForEnableRD: [['SecureMobilePhone', '852-61234567', 'encoded', '']],
  GetResourceDirectory: [],
};

/** A query string: mostly a valid request for an action with noise added, sometimes noise alone. */
export const queryArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...ACTIONS), fc.array(entryArb, { maxLength: 6 }), fc.boolean())
      .map(([action, noise, noiseFirst]) => {
        const base: Entry[] = [
          ['Action', action, 'encoded', ''],
          ['Version', VERSION, 'encoded', ''],
          ...VALID[action]!,
        ];
        return formText(noiseFirst ? [...noise, ...base] : [...base, ...noise]);
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(entryArb, { maxLength: 10 }), fc.constantFrom('&', '&', '&&', ';', '&=&'))
      .map(([e, sep]) => formText(e, sep)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '%',
      '&&&===&',
      '=',
      '?',
      '%ZZ=%ZZ',
      '__proto__[x]=1',
      'a=1&a=2&a=3',
      'Action&Version',
    ),
  },
);

/** The pairs the mock reads from a query string or form body (WHATWG decoding, like the mock's). */
export const serverPairs = (text: string): [string, string][] => [...new URLSearchParams(text)];

/**
 * Signs a request the way the mock verifies it, over the parameters the mock will decode: HMAC-SHA1 adds the classic
 * parameters and `Signature` to the query; ACS3 returns the headers to add. `body`/`form` are what is sent.
 */
export function signRequest(
  style: 'HMAC-SHA1' | 'ACS3-HMAC-SHA256',
  req: {
    method: string;
    query: string;
    host: string;
    headers: Record<string, string>;
    body: Buffer;
    formText: string | undefined;
  },
  accessKeyId = ACCESS_KEY_ID,
): { query: string; headers: Record<string, string> } {
  if (style === 'HMAC-SHA1') {
    const classic =
      `AccessKeyId=${pct(accessKeyId)}&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0` +
      `&SignatureNonce=${randomUUID()}&Timestamp=${pct(utcTimestamp())}`;
    const query = req.query === '' ? classic : `${req.query}&${classic}`;
    const pairs = [...serverPairs(query), ...(req.formText !== undefined ? serverPairs(req.formText) : [])];
    const signature = signRpc(req.method, Object.fromEntries(pairs), ACCESS_KEY_SECRET);
    return { query: `${query}&Signature=${pct(signature)}`, headers: {} };
  }
  const named = serverPairs(req.query).find(([k]) => k === 'Action')?.[1];
  // a header value can only carry Latin-1 without controls
  const action = named !== undefined && !/[^\t\x20-\x7e\x80-\xff]/.test(named) ? named : 'GetResourceDirectory';
  const acs: Record<string, string> = {
    'x-acs-action': action,
    'x-acs-version': VERSION,
    'x-acs-date': utcTimestamp(),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': sha256Hex(req.body),
  };
  const headers = { ...req.headers, ...acs };
  const signed: Record<string, string> = { host: req.host };
  for (const [k, v] of Object.entries(headers))
    if (k.toLowerCase() === 'content-type' || k.toLowerCase().startsWith('x-acs-')) signed[k.toLowerCase()] = v;
  const authorization = acs3Authorization(
    {
      method: req.method,
      pathname: '/',
      query: Object.fromEntries(serverPairs(req.query)),
      headers: signed,
      payloadHash: acs['x-acs-content-sha256']!,
    },
    accessKeyId,
    ACCESS_KEY_SECRET,
  );
  return { query: req.query, headers: { ...acs, authorization } };
}

/**
 * The Prefer header or `__code` / `__example` can ask for the contract's 5xx examples (InternalError,
 * ServiceUnavailable).
 */
const ASKS_5XX = /InternalError|ServiceUnavailable|5\d\d/;

/**
 * What is wrong with an answer of the mock to a fuzzed request; undefined when nothing is. Every answer is an
 * Alibaba-shaped 2xx or 4xx, except a 5xx *example* the request asked for by Prefer / `__code` / `__example`;
 * `requestText` is everything the request said (target, headers, body) to tell.
 */
export function answerProblem(a: AnswerLike, requestText: string): string | undefined {
  if (a.status >= 500 && a.status < 600) {
    const code = codeOf(a.body);
    const asked = /prefer|__code|__example/i.test(requestText) && ASKS_5XX.test(requestText);
    if (!asked || (code !== 'InternalError' && code !== 'ServiceUnavailable'))
      return `an unasked-for server error: ${a.status} ${String(a.body).slice(0, 300)}`;
    return alibabaProblem({ ...a, status: 400 }); // the shape of an error answer all the same
  }
  return alibabaProblem(a);
}

/** Names an object has through Object.prototype (plus `__proto__`). */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  '__proto__',
]);
