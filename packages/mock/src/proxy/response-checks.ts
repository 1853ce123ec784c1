/**
 * The response direction, against the contract of the request's version and action: the `x-acs-request-id` header,
 * the status, the content type (documented for that status, and the representation the request asked for), the body
 * against the documented schema (JSON, or XML parsed with fast-xml-parser under the schema's root name), undocumented
 * fields, and the error Code.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { negotiate } from '../frontend/render.js';
import type { ActionRules } from '@rd-contract/contract';
import { actionRules, type Json, type VersionContract } from './contracts.js';
import { firstHeader } from '../frontend/request.js';
import { checkBody, documentedResponse, documentedStatuses } from './response-schemas.js';
import { bodyPath, seenValue, type ContractViolation, type RuleName, type Severity } from './violations.js';

export interface ResponseToCheck {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ResponseContext {
  readonly contract: VersionContract | undefined;
  /** The action, when the request named one of the contract. */
  readonly action: string | undefined;
  /** The request's Format parameter and Accept header, for the representation asked for. */
  readonly format: string | undefined;
  readonly accept: string | undefined;
  /** Undocumented fields are errors, not info. */
  readonly strictFields: boolean;
}

const xmlParser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true });

const MEDIA_OF: Record<string, 'json' | 'xml'> = {
  'application/json': 'json',
  'text/json': 'json',
  'text/xml': 'xml',
  'application/xml': 'xml',
};

function parseBody(text: string, kind: 'json' | 'xml'): { value: Json; root?: string } {
  if (kind === 'json') return { value: JSON.parse(text) };
  const parsed = xmlParser.parse(text, true);
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error(`one root element expected, found ${roots.length}`);
  const inner = parsed[roots[0]!];
  return { value: inner === '' ? {} : inner, root: roots[0]! };
}

/** The actions whose answers the response is checked as: the request's, or (no action) every action of the contract. */
function candidates(contract: VersionContract, action: string | undefined): ActionRules[] {
  const one = actionRules(contract, action);
  return one ? [one] : Object.values(contract.rules.actions);
}

type Add = (rule: RuleName, where: string, seen: unknown, expected: string, severity?: Severity) => void;

/** The answer as received: its request id (header and body), its media type, and its body parsed. */
interface ReadAnswer {
  readonly headerId: string | undefined;
  readonly bodyId: unknown;
  readonly contentType: string | undefined;
  readonly mediaType: string;
  readonly kind: 'json' | 'xml';
  readonly parsed: { value: Json; root?: string } | undefined;
}

/** Reads the answer, checking what needs no contract: the request id's presence and agreement, a parsable body. */
function readAnswer(res: ResponseToCheck, add: Add): ReadAnswer {
  const headerId = firstHeader(res.headers, 'x-acs-request-id');
  if (headerId === undefined || headerId === '')
    add('response.request-id', 'header.x-acs-request-id', undefined, 'x-acs-request-id is present');
  const contentType = firstHeader(res.headers, 'content-type');
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = res.body.toString('utf8');
  // The representation: by the content type; an unknown one by the first character of the body.
  const kind: 'json' | 'xml' = MEDIA_OF[mediaType] ?? (text.trimStart().startsWith('<') ? 'xml' : 'json');
  let parsed: { value: Json; root?: string } | undefined;
  try {
    parsed = text.trim() === '' ? undefined : parseBody(text, kind);
  } catch (e) {
    const what = kind === 'xml' ? 'well-formed XML' : 'JSON';
    add('response.body', 'body', text, `a ${what} body (${(e as Error).message.split('\n')[0]})`);
  }
  const value = parsed?.value;
  const bodyId = value && typeof value === 'object' ? (value as Json).RequestId : undefined;
  if (headerId && bodyId !== undefined && String(bodyId) !== headerId)
    add('response.request-id', 'body.RequestId', bodyId, `the x-acs-request-id header (${headerId})`);
  return { headerId, bodyId, contentType, mediaType, kind, parsed };
}

/** The answer against the contract: its status, content type, body schema and error code. */
function checkAgainstContract(
  res: ResponseToCheck,
  ctx: ResponseContext,
  contract: VersionContract,
  answer: ReadAnswer,
  add: Add,
): void {
  const { contentType, mediaType, kind, parsed } = answer;
  const value = parsed?.value;
  const actions = candidates(contract, ctx.action);
  const named = actions.length === 1 ? actions[0]!.action : 'every action';
  // status: documented by the action (or, for a request without a known action, by every action: the gateway's)
  const responses = actions.map((a) => documentedResponse(contract, a.action, res.status));
  const documented = responses.every((r) => r !== undefined) ? responses[0] : undefined;
  if (!documented) {
    const statuses = documentedStatuses(contract, actions[0]!.action).join(', ');
    add('response.status', 'status', res.status, `a status ${named} documents (${statuses})`);
  }

  // content type
  const wanted = negotiate(ctx.format, ctx.accept).format;
  if (documented) {
    const types = documented.mediaTypes;
    if (!types.includes(mediaType))
      add('response.content-type', 'header.content-type', contentType, `one of ${types.join(', ')} (charset=utf-8)`);
    else if (MEDIA_OF[mediaType] !== wanted)
      add(
        'response.content-type',
        'header.content-type',
        contentType,
        `${wanted === 'xml' ? 'text/xml' : 'application/json'}, as the request asked for`,
      );
  }

  // body against the documented schema of (status, media type)
  if (documented?.schema && parsed) {
    // XML is the JSON form's tree under the root element: one schema checks both.
    const schemaMedia = kind === 'xml' ? 'text/xml' : 'application/json';
    const rootName = documented.xmlRoot;
    if (kind === 'xml' && rootName && parsed.root !== rootName)
      add('response.body', 'body', `<${parsed.root}>`, `the XML root <${rootName}>`);
    const checked = checkBody(contract, actions[0]!.action, res.status, schemaMedia, documented.schema, value);
    for (const p of checked.errors) add('response.body', bodyPath(p.where), p.seen, p.expected);
    for (const p of checked.undocumentedFields)
      add('response.field.undocumented', bodyPath(p.where), p.seen, p.expected, ctx.strictFields ? 'error' : 'info');
  }

  // error code
  if (res.status >= 400 && value && typeof value === 'object' && (value as Json).Code !== undefined) {
    const code = String((value as Json).Code);
    const entries = actions.map((a) => (Object.hasOwn(a.errors, code) ? a.errors[code] : undefined));
    if (entries.some((e) => e === undefined))
      add('response.error-code', 'body.Code', code, `a code ${named} documents`);
    else if (entries.some((e) => e!.status !== res.status))
      add('response.error-code', 'status', res.status, `${code} is documented with status ${entries[0]!.status}`);
  }
}

export function checkResponse(
  res: ResponseToCheck,
  ctx: ResponseContext,
): { violations: ContractViolation[]; requestId: string | undefined } {
  const out: ContractViolation[] = [];
  const add: Add = (rule, where, seen, expected, severity = 'error') =>
    out.push({ direction: 'response', rule, severity, where, seen: seenValue(seen), expected });
  const answer = readAnswer(res, add);
  if (ctx.contract) checkAgainstContract(res, ctx, ctx.contract, answer, add);
  const { headerId, bodyId } = answer;
  return { violations: out, requestId: headerId || (bodyId !== undefined ? String(bodyId) : undefined) };
}
