/**
 * What the proxy reports: one contract violation, its JSON line on stdout, and the `sl-violations` header in Prism's
 * format (a JSON array of `{ location, severity, code, message }`, `location` starting with `request` or `response`,
 * severity `Error` | `Warning` | `Information`, cut after 8 KiB with the prefix `Too many violations! `).
 */

export type Direction = 'request' | 'response';
export type Severity = 'error' | 'warning' | 'info';

/** The rules the proxy checks (README, "The proxy"). */
export const RULES = {
  'request.route': 'the request is POST or GET on /',
  'request.action': 'Action (parameter or x-acs-action header) names an action of the contract of that version',
  'request.version': 'Version (parameter or x-acs-version header) is a version the proxy has a contract for',
  'request.format': 'Format, when given, is JSON or XML',
  'request.parameter':
    'every parameter rule of the action (packages/client/src/protocol/validate.ts: required, schema, request rules,' +
    " the site's rules)",
  'request.parameter.undocumented': 'no parameter the action and the signing scheme do not document (warning)',
  'request.signature': 'the signing parameters have the shape of ACS3-HMAC-SHA256 or HMAC-SHA1 signature version 1.0',
  'response.request-id': 'the x-acs-request-id header is present and equals the body RequestId',
  'response.status': 'the status is one the action documents',
  'response.content-type': 'the content type is one documented for that status, and the representation asked for',
  'response.body': 'the body parses and matches the schema documented for that status and media type',
  'response.field.undocumented': 'no field the schema does not describe (info; an error with --strict-fields)',
  'response.error-code': 'an error Code is one the action documents, with that status',
} as const;
export type RuleName = keyof typeof RULES;

export interface ContractViolation {
  readonly direction: Direction;
  readonly rule: RuleName;
  readonly severity: Severity;
  /** Where, as a dotted path: `query.EnableMode`, `header.x-acs-date`, `status`, `body.ResourceDirectory.ScpStatus`. */
  readonly where: string;
  /** What was seen (undefined: nothing, e.g. a missing parameter). */
  readonly seen: unknown;
  /** What the contract says. */
  readonly expected: string;
}

/** One line of the proxy's stdout. */
export interface ViolationRecord extends ContractViolation {
  readonly time: string;
  readonly RequestId: string;
  readonly action: string | null;
  readonly version: string | null;
}

const MAX_SEEN = 200;

/** A value as reported: strings longer than 200 characters are cut (with `…`). */
export function seenValue(v: unknown): unknown {
  if (typeof v === 'string') return v.length > MAX_SEEN ? `${v.slice(0, MAX_SEEN)}…` : v;
  if (v !== null && typeof v === 'object') {
    const text = JSON.stringify(v);
    return text.length > MAX_SEEN ? `${text.slice(0, MAX_SEEN)}…` : v;
  }
  return v;
}

/** A JSON pointer (`/a/b`) as a dotted `body.a.b`. */
export const bodyPath = (pointer: string): string =>
  [
    'body',
    ...pointer
      .split('/')
      .filter((s) => s !== '')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
  ].join('.');

const PRISM_SEVERITY: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Information' };
/** Prism's limit for the header (8 KiB less a margin). */
const MAX_HEADER_CHARS = 8 * 1024 - 100;

/** The `sl-violations` header value (Prism's format), ASCII only; undefined when there is nothing to report. */
export function slViolationsHeader(violations: readonly ContractViolation[]): string | undefined {
  if (violations.length === 0) return undefined;
  const items = violations.map((v) => ({
    location: [v.direction, ...v.where.split('.')],
    severity: PRISM_SEVERITY[v.severity],
    code: v.rule,
    message: `${v.expected}${v.seen === undefined ? '' : `; seen ${JSON.stringify(seenValue(v.seen))}`}`,
  }));
  let value = JSON.stringify(items).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (value.length > MAX_HEADER_CHARS) value = `Too many violations! ${value.slice(0, MAX_HEADER_CHARS)}`;
  return value;
}

/** Counts of violations of severity error (the ones `--errors` acts on). */
export const errorsOf = (violations: readonly ContractViolation[]): ContractViolation[] =>
  violations.filter((v) => v.severity === 'error');
