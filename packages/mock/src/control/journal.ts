/**
 * The request journal (`GET /_mock/requests`): the last `capacity` API requests the mock answered, oldest first, in
 * a ring buffer (an entry past the capacity replaces the oldest). An entry keeps the request's raw query string and
 * form body (strings, which the request had already, rather than the parsed parameters object, which holds the same
 * strings and a table of them besides) and is parsed, formatted and redacted only when it is read, so that recording
 * costs one small object per request.
 */
import { REDACTED, type Redactor } from '@rd-contract/client/protocol';

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

export class Journal {
  private readonly ring: (JournalRecord | undefined)[];
  /** Where the next record goes. */
  private head = 0;
  private size = 0;

  /** `capacity` 0 keeps nothing; `redact` hides the secrets the mock knows (its access keys' secrets) in values. */
  constructor(
    readonly capacity: number,
    private readonly redact: Redactor,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError('the journal size must be an integer >= 0');
    this.ring = new Array<JournalRecord | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  record(r: JournalRecord): void {
    if (this.capacity === 0) return;
    this.ring[this.head] = r;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** The records, oldest first. */
  private *records(): Generator<JournalRecord> {
    const start = (this.head - this.size + this.capacity) % (this.capacity || 1);
    for (let i = 0; i < this.size; i++) yield this.ring[(start + i) % this.capacity]!;
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

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  private entry(r: JournalRecord): JournalEntry {
    // Query, then form body: the first occurrence of a name wins, as the gateway reads them.
    const parameters: Record<string, string> = Object.create(null);
    for (const text of [r.query, r.form ?? '']) {
      for (const [k, v] of new URLSearchParams(text)) {
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
