/**
 * The request journal (`GET /_mock/requests`): the last `capacity` API requests the mock answered, oldest first (an
 * entry past the capacity replaces the oldest). An entry keeps the request's raw query string and form body rather
 * than its parsed parameters, and is parsed, formatted and redacted only when it is read.
 *
 * Entries are not kept as objects: under load, a ring of objects (one record and its strings per request) lives long
 * enough to be copied by young-generation collections and promoted, and the collector's work grew with it (see
 * docs/performance.md). Here an entry's strings go into one byte arena used as a ring, as UTF-8 (UTF-16 for text with a
 * lone surrogate, which UTF-8 cannot carry), and its numbers and string lengths into typed arrays; recording keeps
 * no object of its own. The arena and the arrays start small and double as entries arrive (the only allocations
 * that outlive a request), so a large `--journal-size` costs memory only as it fills.
 */
import { constants } from 'node:buffer';
import { REDACTED, type Redactor } from '@rd-contract/client/protocol';
import { isWellFormed, urlencodedPairs } from '../frontend/request.js';

/** Parameters whose value is a credential: never shown. */
const SECRET_PARAMETERS = new Set(['Signature', 'SecurityToken', 'AccessKeySecret']);

/** What the gateway tells the journal about one answer. */
export interface JournalRecord {
  /** The mock's clock when the request arrived (ms since the epoch). */
  readonly time: number;
  readonly durationMs: number;
  /** `<Product>/<version>`, once the version named an API served. */
  readonly api: string | undefined;
  /** The version the request named (`Version` / `x-acs-version`), as given. */
  readonly version: string | undefined;
  readonly action: string | undefined;
  readonly accessKeyId: string | undefined;
  /** The request's raw query string (without `?`). */
  readonly query: string;
  /** Its `application/x-www-form-urlencoded` body, if it had one. */
  readonly form: string | undefined;
  /** The HTTP status; 0 when a fault reset the connection. */
  readonly status: number;
  /** The error code of an error answer. */
  readonly code: string | undefined;
  readonly requestId: string;
  /** The index of the fault rule applied, if one was. */
  readonly fault: number | undefined;
}

/** An entry of `GET /_mock/requests` (docs/mock.md, openapi/control/). */
export interface JournalEntry {
  readonly time: string;
  readonly api: string | null;
  readonly version: string | null;
  readonly action: string | null;
  readonly accessKeyId: string | null;
  readonly parameters: Readonly<Record<string, string>>;
  readonly status: number;
  readonly code: string | null;
  readonly requestId: string;
  readonly durationMs: number;
  readonly fault: number | null;
}

/** What `GET /_mock/requests` and `/_mock/requests/count` filter on (every one given must match). */
export interface JournalFilter {
  readonly action?: string | undefined;
  readonly version?: string | undefined;
  readonly status?: number | undefined;
  readonly accessKeyId?: string | undefined;
}

export const JOURNAL_FILTERS = ['action', 'version', 'status', 'accessKeyId'] as const;

/** The default capacity (`--journal-size`). */
export const DEFAULT_JOURNAL_SIZE = 1000;

const matches = (r: JournalRecord, f: JournalFilter): boolean =>
  (f.action === undefined || r.action === f.action) &&
  (f.version === undefined || r.version === f.version) &&
  (f.status === undefined || r.status === f.status) &&
  (f.accessKeyId === undefined || r.accessKeyId === f.accessKeyId);

/** Per entry in `lengths`: the length of each string (UTF-16 code units, -1 for undefined), in the order written. */
const TEXTS = 8;
/** Per entry in `numbers`: time, durationMs, status, fault (-1: none), text offset, text bytes, text encoding. */
const NUMBERS = 7;
const [TIME, DURATION, STATUS, FAULT, OFFSET, BYTES, WIDE] = [0, 1, 2, 3, 4, 5, 6];
/** Entries the arrays hold at first, and the arena's bytes per entry at first. */
const INITIAL_ENTRIES = 64;
const INITIAL_BYTES_PER_ENTRY = 512;

export class Journal {
  /** The entries' text; the live bytes run from the oldest entry's offset to `end`, wrapping to 0 at most once. */
  private arena!: Buffer;
  private lengths!: Int32Array;
  private numbers!: Float64Array;
  /** Where the next entry goes, in the ring of `capacity` entries. */
  private head = 0;
  private size = 0;
  /** The arena offset after the newest entry's text. */
  private end = 0;

  /**
   * `capacity` 0 keeps nothing; `redact` hides the secrets the mock knows (its access keys' secrets) in values.
   * `maxBytes` bounds the arena (default: the largest Buffer); past it, the oldest entries leave early.
   */
  constructor(
    readonly capacity: number,
    private readonly redact: Redactor,
    private readonly maxBytes = constants.MAX_LENGTH,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError('the journal size must be an integer >= 0');
    this.clear();
  }

  get length(): number {
    return this.size;
  }

  /** The bytes the journal holds now: its text buffer and its arrays. */
  get bytes(): number {
    return this.arena.length + this.lengths.byteLength + this.numbers.byteLength;
  }

  /**
   * Keeps one record. Throws a RangeError, changing nothing, only for a record whose text takes more than `maxBytes`
   * (with the default bound, none: three bytes for each of a string's `constants.MAX_STRING_LENGTH` code units fit).
   */
  record(r: JournalRecord): void {
    if (this.capacity === 0) return;
    const { api, version, action, accessKeyId, query, form, code, requestId } = r;
    // One string, one write; the concatenation is garbage as soon as it is written.
    const text =
      (api ?? '') +
      (version ?? '') +
      (action ?? '') +
      (accessKeyId ?? '') +
      query +
      (form ?? '') +
      (code ?? '') +
      requestId;
    // UTF-8 is exact for well-formed text (and one byte for ASCII); a lone surrogate needs UTF-16. Room is found for
    // the most the text can take (3 bytes per UTF-16 code unit in UTF-8, 2 in UTF-16), then what it took is kept.
    const encoding = isWellFormed(text) ? 'utf8' : 'utf16le';
    let room = Math.max(1, (encoding === 'utf8' ? 3 : 2) * text.length);
    if (room > this.maxBytes && (room = Buffer.byteLength(text, encoding)) > this.maxBytes)
      throw new RangeError(`a journal entry of ${room} bytes is larger than the journal's ${this.maxBytes}`);
    if (this.size === this.capacity)
      this.size--; // the oldest entry, the one at `head`, gives its place
    else if (this.head === this.numbers.length / NUMBERS) this.growEntries();
    const i = this.head;
    const at = this.place(room);
    const bytes = this.arena.write(text, at, encoding);
    const L = this.lengths;
    const b = i * TEXTS;
    L[b] = api === undefined ? -1 : api.length;
    L[b + 1] = version === undefined ? -1 : version.length;
    L[b + 2] = action === undefined ? -1 : action.length;
    L[b + 3] = accessKeyId === undefined ? -1 : accessKeyId.length;
    L[b + 4] = query.length;
    L[b + 5] = form === undefined ? -1 : form.length;
    L[b + 6] = code === undefined ? -1 : code.length;
    L[b + 7] = requestId.length;
    const n = this.numbers;
    const m = i * NUMBERS;
    n[m + TIME] = r.time;
    n[m + DURATION] = r.durationMs;
    n[m + STATUS] = r.status;
    n[m + FAULT] = r.fault ?? -1;
    n[m + OFFSET] = at;
    n[m + BYTES] = bytes;
    n[m + WIDE] = encoding === 'utf8' ? 0 : 1;
    this.end = at + this.held(i);
    this.head = (i + 1) % this.capacity;
    this.size++;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const r of this.records()) if (matches(r, filter)) out.push(this.entry(r));
    return out;
  }

  count(filter: JournalFilter = {}): number {
    let n = 0;
    for (const r of this.records()) if (matches(r, filter)) n++;
    return n;
  }

  /** Forgets every entry and gives back the memory the journal grew to. */
  clear(): void {
    const entries = Math.min(this.capacity, INITIAL_ENTRIES);
    this.arena = Buffer.alloc(Math.min(this.maxBytes, entries * INITIAL_BYTES_PER_ENTRY));
    this.lengths = new Int32Array(entries * TEXTS);
    this.numbers = new Float64Array(entries * NUMBERS);
    this.head = 0;
    this.size = 0;
    this.end = 0;
  }

  /** The ring indexes of the entries, oldest first. */
  private *indexes(): Generator<number> {
    for (let k = 0, i = this.oldest; k < this.size; k++, i = (i + 1) % this.capacity) yield i;
  }

  /** The ring index of the oldest entry. */
  private get oldest(): number {
    return (this.head - this.size + this.capacity) % this.capacity;
  }

  /** The arena bytes the entry at ring index `i` holds: its text's, at least one, so that no two share an offset. */
  private held(i: number): number {
    return Math.max(1, this.numbers[i * NUMBERS + BYTES]!);
  }

  /**
   * Finds room for `n` bytes in the arena after the newest entry's text, or at 0 (before the oldest's) once the end is
   * reached, and grows the arena when neither has room; returns the offset. Called once the entry being written no
   * longer counts in `size`, so the bytes of the entry it replaces are free.
   */
  private place(n: number): number {
    if (this.size === 0) this.end = 0;
    const start = this.size === 0 ? 0 : this.numbers[this.oldest * NUMBERS + OFFSET]!;
    let at: number;
    if (this.size > 0 && this.end <= start) at = this.end + n <= start ? this.end : this.grow(n);
    else if (this.end + n <= this.arena.length) at = this.end;
    else if (n <= start) at = 0;
    else at = this.grow(n);
    return at;
  }

  /**
   * Copies the live entries' text, oldest first, to the start of a new arena (twice as large, or as large as needed)
   * with room for `n` more bytes, and returns where those begin. Past `maxBytes`, the oldest entries leave first.
   */
  private grow(n: number): number {
    let live = 0;
    for (const i of this.indexes()) live += this.held(i);
    while (live + n > this.maxBytes && this.size > 0) {
      live -= this.held(this.oldest);
      this.size--;
    }
    const arena = Buffer.alloc(Math.min(this.maxBytes, Math.max(2 * this.arena.length, live + n)));
    let at = 0;
    for (const i of this.indexes()) {
      const m = i * NUMBERS;
      const from = this.numbers[m + OFFSET]!;
      const held = this.held(i);
      this.arena.copy(arena, at, from, from + held);
      this.numbers[m + OFFSET] = at;
      at += held;
    }
    this.arena = arena;
    return at;
  }

  /** Doubles the entry arrays, up to the capacity; needed only while the ring has not yet wrapped. */
  private growEntries(): void {
    const entries = Math.min(this.capacity, 2 * (this.numbers.length / NUMBERS));
    const lengths = new Int32Array(entries * TEXTS);
    lengths.set(this.lengths);
    const numbers = new Float64Array(entries * NUMBERS);
    numbers.set(this.numbers);
    this.lengths = lengths;
    this.numbers = numbers;
  }

  /** The record at ring index `i`, read back. */
  private read(i: number): JournalRecord {
    const n = this.numbers;
    const m = i * NUMBERS;
    const from = n[m + OFFSET]!;
    const text = this.arena.toString(n[m + WIDE] ? 'utf16le' : 'utf8', from, from + n[m + BYTES]!);
    const fields: (string | undefined)[] = [];
    let pos = 0;
    for (let k = i * TEXTS; k < (i + 1) * TEXTS; k++) {
      const length = this.lengths[k]!;
      fields.push(length < 0 ? undefined : text.slice(pos, (pos += length)));
    }
    const [api, version, action, accessKeyId, query, form, code, requestId] = fields;
    const fault = n[m + FAULT]!;
    return {
      time: n[m + TIME]!,
      durationMs: n[m + DURATION]!,
      api,
      version,
      action,
      accessKeyId,
      query: query!,
      form,
      status: n[m + STATUS]!,
      code,
      requestId: requestId!,
      fault: fault < 0 ? undefined : fault,
    };
  }

  /** The records, oldest first. */
  private *records(): Generator<JournalRecord> {
    for (const i of this.indexes()) yield this.read(i);
  }

  private entry(r: JournalRecord): JournalEntry {
    // Query, then form body: the first occurrence of a name wins, as the gateway reads them.
    const parameters: Record<string, string> = Object.create(null);
    for (const text of [r.query, r.form ?? '']) {
      for (const [k, v] of urlencodedPairs(text)) {
        if (Object.hasOwn(parameters, k)) continue;
        parameters[k] = SECRET_PARAMETERS.has(k) ? REDACTED : this.redact(v);
      }
    }
    return {
      time: new Date(r.time).toISOString(),
      api: r.api ?? null,
      version: r.version ?? null,
      action: r.action ?? null,
      accessKeyId: r.accessKeyId ?? null,
      parameters,
      status: r.status,
      code: r.code ?? null,
      requestId: r.requestId,
      durationMs: Math.round(r.durationMs * 1000) / 1000,
      fault: r.fault ?? null,
    };
  }
}
