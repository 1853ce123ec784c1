/**
 * Representations: JSON and XML bodies the way Alibaba's gateway writes them, and the choice between the two.
 */

export type Format = 'json' | 'xml';

/** The only XML type the official SDK parses error bodies from (anything else makes it throw a raw SyntaxError). */
export const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
export const contentType = (format: Format): string => (format === 'xml' ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE);

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

// Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE/U+FFFF) become U+FFFD.
// eslint-disable-next-line no-control-regex -- these are the control characters XML 1.0 forbids, matched on purpose
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_SPECIALS = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element or attribute (and replaces characters XML cannot carry). */
export function xmlEscape(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(XML_SPECIALS, (c) => XML_ENTITIES[c]!);
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * `<name>…</name>` for a JSON value: objects become child elements in key order, arrays repeat the element,
 * `null`/`undefined` give an empty element. Keys that are not XML names are left out.
 */
export function xmlElement(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => xmlElement(name, v)).join('');
  if (value === null || value === undefined) return `<${name}></${name}>`;
  if (typeof value === 'object') {
    let inner = '';
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (XML_NAME.test(k)) inner += xmlElement(k, v);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** The troubleshooting link of an error body. */
export const recommendUrl = (code: string, requestId: string, product: string): string =>
  `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${product}&requestId=${requestId}`;

/** An error body `{RequestId, HostId, Code, Message, Recommend}` (XML root `<Error>`). */
export function errorBody(
  format: Format,
  requestId: string,
  hostId: string,
  code: string,
  message: string,
  product: string,
): string {
  const body = {
    RequestId: requestId,
    HostId: hostId,
    Code: code,
    Message: message,
    Recommend: recommendUrl(code, requestId, product),
  };
  return format === 'xml' ? XML_DECLARATION + xmlElement('Error', body) : JSON.stringify(body);
}

/**
 * A success body for a response object a handler built: `RequestId` set to this response's (kept in place when the
 * object has it, first otherwise), XML root `<ActionNameResponse>`.
 */
export function successBody(
  format: Format,
  requestId: string,
  xmlRoot: string,
  body: Readonly<Record<string, unknown>>,
): string {
  // Object.assign rather than `{ ...body, RequestId }`: a spread followed by a property is slow in Node 20's V8
  // (docs/performance.md).
  const value =
    'RequestId' in body ? Object.assign({}, body, { RequestId: requestId }) : { RequestId: requestId, ...body };
  return format === 'xml' ? XML_DECLARATION + xmlElement(xmlRoot, value) : JSON.stringify(value);
}

/**
 * The representation a request asks for: the `Format` parameter (JSON | XML, any case) wins; without it the `Accept`
 * header (the first JSON or XML media range with a non-zero q); JSON otherwise (Resource Manager's default).
 * `invalidFormat` is true when `Format` is present but neither JSON nor XML (the request is then answered
 * InvalidParameter, in the representation `Accept` asks for).
 */
export function negotiate(
  formatParam: string | undefined,
  accept: string | undefined,
): { format: Format; invalidFormat: boolean } {
  if (formatParam !== undefined && formatParam !== '') {
    const f = formatParam.toLowerCase();
    if (f === 'json') return { format: 'json', invalidFormat: false };
    if (f === 'xml') return { format: 'xml', invalidFormat: false };
    return { format: fromAccept(accept), invalidFormat: true };
  }
  return { format: fromAccept(accept), invalidFormat: false };
}

function fromAccept(accept: string | undefined): Format {
  if (!accept || accept.indexOf('xml') === -1) return 'json';
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    const t = type.trim().toLowerCase();
    if (params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/i.test(p))) continue;
    if (t === 'application/json' || t === 'text/json' || t.endsWith('+json')) return 'json';
    if (t === 'text/xml' || t === 'application/xml' || t.endsWith('+xml')) return 'xml';
  }
  return 'json';
}
