// packages/mock/src/control/journal.ts: the request journal kept in a byte arena. A model (an array of the records
// given) says what the journal must hand back: the last `capacity` records, oldest first, every string as it was
// given (ASCII, any UTF-16 including lone surrogates, long enough to make the arena grow and wrap), through clears.
import { constants } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Journal, type JournalRecord } from '../../../../packages/mock/src/control/journal.js';

const redact = (v: string) => v.replaceAll('s3cret', '***');

/** Any UTF-16 code units, lone surrogates included. */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((u) => String.fromCharCode(...u));
/** CJK: three bytes a code unit in UTF-8, as many as the journal makes room for, so that its room is checked tight. */
const cjk = fc
  .array(fc.integer({ min: 0x4e00, max: 0x9fff }), { maxLength: 200 })
  .map((u) => String.fromCharCode(...u));
const text = fc.oneof(fc.string({ maxLength: 30 }), anyText, cjk, fc.string({ minLength: 600, maxLength: 3000 }));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const recordArb: fc.Arbitrary<JournalRecord> = fc.record({
  time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  api: maybe(fc.constantFrom('ResourceManager/2020-03-31', 'ResourceDirectoryMaster/2022-04-19')),
  version: maybe(text),
  action: maybe(text),
  accessKeyId: maybe(text),
  query: text,
  form: maybe(text),
  status: fc.constantFrom(0, 200, 400, 404, 503),
  code: maybe(text),
  requestId: fc.oneof(fc.uuid(), fc.constant(''), cjk),
  fault: maybe(fc.nat(20)),
});
type Op = { record: JournalRecord } | { clear: true };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: recordArb.map((record) => ({ record })) },
  { weight: 1, arbitrary: fc.constant({ clear: true as const }) },
);

/** The entry fields that read null for a record field left undefined. */
const NULLABLE = ['api', 'version', 'action', 'accessKeyId', 'code', 'fault'] as const;

/**
 * What `list()` gives for a record, from docs/mock.md's description of an entry: query then form parameters, the first
 * of a name winning, `Signature`, `SecurityToken` and `AccessKeySecret` reading `[REDACTED]`, other values redacted.
 */
function expectedEntry(r: JournalRecord) {
  const pairs = [...new URLSearchParams(r.query), ...new URLSearchParams(r.form ?? '')].reverse(); // first wins
  const secret = (k: string) => ['Signature', 'SecurityToken', 'AccessKeySecret'].includes(k);
  return {
    ...Object.fromEntries(NULLABLE.map((k) => [k, r[k] ?? null])),
    time: new Date(r.time).toISOString(),
    status: r.status,
    requestId: r.requestId,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    parameters: Object.assign(
      Object.create(null),
      Object.fromEntries(pairs.map(([k, v]) => [k, secret(k) ? '[REDACTED]' : redact(v)])),
    ),
  };
}

describe('the request journal', () => {
  it('hands back the last `capacity` records as given, oldest first, through growth, wrapping and clears', () => {
    let checked = 0;
    const numRuns = 300;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(opArb, { maxLength: 60 }), (capacity, ops) => {
        const journal = new Journal(capacity, redact);
        let model: JournalRecord[] = [];
        for (const op of ops) {
          if ('clear' in op) {
            journal.clear();
            model = [];
          } else {
            journal.record(op.record);
            model = [...model, op.record].slice(-capacity);
          }
          expect(journal.length).toBe(model.length);
        }
        const entries = journal.list();
        expect(entries).toEqual(model.map(expectedEntry));
        // the strings come back code unit for code unit, lone surrogates included
        expect(entries.map((e) => e.accessKeyId)).toEqual(model.map((r) => r.accessKeyId ?? null));
        // a filter left undefined matches every entry
        const newest = model.at(-1);
        if (newest)
          expect(journal.count({ action: newest.action, status: newest.status })).toBe(
            model.filter(
              (r) => (newest.action === undefined || r.action === newest.action) && r.status === newest.status,
            ).length,
          );
        checked++;
      }),
      { numRuns },
    );
    expect(checked).toBe(numRuns);
  });

  it('places text tight: CJK-only entries (their room is their size) around the 512 bytes an entry starts with', () => {
    // Lengths around 170 code units (510 bytes) make entries end exactly at the arena's end or at the oldest entry's
    // start, or one code unit past them, so that a placement off by one code unit overwrites a kept entry.
    const entryArb = fc
      .tuple(fc.constantFrom(169, 170, 171, 172, 339, 340, 341, 1), fc.integer({ min: 0x4e00, max: 0x9fff }))
      .map(([n, c]): JournalRecord => ({ ...recordFor(0), query: String.fromCharCode(c).repeat(n), requestId: '' }))
      .map((r) => ({ ...r, api: undefined, version: undefined, action: undefined, accessKeyId: undefined }));
    let checked = 0;
    const numRuns = 500;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(entryArb, { maxLength: 40 }), (capacity, records) => {
        const journal = new Journal(capacity, redact);
        records.forEach((r, k) => {
          journal.record(r);
          expect(journal.list()).toEqual(records.slice(Math.max(0, k + 1 - capacity), k + 1).map(expectedEntry));
        });
        checked++;
      }),
      { numRuns },
    );
    expect(checked).toBe(numRuns);
  });

  it('with its bytes bounded, drops the oldest entries early and keeps the newest, in order', () => {
    let checked = 0;
    const numRuns = 200;
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 40 }), (records) => {
        // 16 KiB: more than any one generated record takes (3 bytes per code unit at most), less than many
        const journal = new Journal(1000, redact, 16 * 1024);
        for (const r of records) journal.record(r);
        const kept = journal.list();
        expect(kept.length).toBeGreaterThanOrEqual(1);
        expect(kept).toEqual(records.slice(-kept.length).map(expectedEntry));
        checked++;
      }),
      { numRuns },
    );
    expect(checked).toBe(numRuns);
  });

  it('refuses an entry larger than its byte bound with a RangeError, and keeps what it had', () => {
    const journal = new Journal(10, redact, 1024);
    const small: JournalRecord = {
      time: 0,
      durationMs: 1,
      api: undefined,
      version: '2020-03-31',
      action: 'GetResourceDirectory',
      accessKeyId: 'AK',
      query: 'Action=GetResourceDirectory',
      form: undefined,
      status: 200,
      code: undefined,
      requestId: 'R1',
      fault: undefined,
    };
    journal.record(small);
    expect(() => journal.record({ ...small, query: 'x'.repeat(2000) })).toThrow(RangeError);
    expect(journal.list().map((e) => e.requestId)).toEqual(['R1']);
    // with the default bound (the largest Buffer), the longest string's UTF-8 fits: record never throws
    expect(3 * constants.MAX_STRING_LENGTH).toBeLessThanOrEqual(constants.MAX_LENGTH);
  });

  it('costs memory only as it fills: ten million entries start under 64 KiB; clear takes it back', () => {
    const j = new Journal(10_000_000, redact);
    const start = j.bytes;
    expect(start).toBeLessThan(64 * 1024);
    const r = { ...recordFor(0), query: 'q'.repeat(100_000) };
    for (let i = 0; i < 50; i++) j.record({ ...r, requestId: `R${i}` });
    expect(j.length).toBe(50);
    expect(j.bytes).toBeGreaterThan(50 * 100_000);
    j.clear();
    expect(j.length).toBe(0);
    expect(j.bytes).toBe(start);
    expect(j.list()).toEqual([]);
    j.record(recordFor(1));
    expect(j.list().map((e) => e.requestId)).toEqual(['R1']);
  });

  it('takes about the text it keeps (a byte per ASCII character) and 88 bytes an entry, at most twice that', () => {
    for (const entries of [1000, 20_000]) {
      const r = { ...recordFor(0), query: 'q'.repeat(300) };
      const text = [r.api, r.version, r.action, r.accessKeyId, r.query, r.requestId].join('');
      const j = new Journal(entries, redact);
      // twice round the ring, so that it has wrapped
      for (let i = 0; i < 2 * entries; i++) j.record(r);
      expect(j.length).toBe(entries);
      expect(j.bytes).toBeGreaterThan(entries * (text.length + 88));
      expect(j.bytes).toBeLessThanOrEqual(2 * entries * (text.length + 88));
    }
  });

  it('reads a secret parameter as [REDACTED] and redacts the known secrets in other values', () => {
    const j = new Journal(5, redact);
    j.record(recordFor(0));
    expect(j.list()[0]!.parameters).toEqual({
      Action: 'GetResourceDirectory',
      AccessKeyId: 'AK',
      Signature: '[REDACTED]',
      Note: '***',
    });
  });

  it('keeps nothing with capacity 0, and refuses a capacity that is not an integer >= 0', () => {
    const off = new Journal(0, redact);
    off.record(recordFor(0));
    expect(off.length).toBe(0);
    expect(off.list()).toEqual([]);
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => new Journal(bad, redact)).toThrow(RangeError);
  });
});

function recordFor(i: number): JournalRecord {
  return {
    time: 1_700_000_000_000 + i,
    durationMs: 0.5,
    api: 'ResourceManager/2020-03-31',
    version: '2020-03-31',
    action: 'GetResourceDirectory',
    accessKeyId: 'AK',
    query: `Action=GetResourceDirectory&AccessKeyId=AK&Signature=x&Note=s3cret`,
    form: undefined,
    status: 200,
    code: undefined,
    requestId: `R${i}`,
    fault: undefined,
  };
}
