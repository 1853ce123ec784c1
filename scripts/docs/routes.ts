/**
 * Where things are on a docs page. Redoc routes in the fragment: `#/section/<id>` for a section of the intro,
 * `#/<tag>` for a tag and `#/<tag>/<operationId>` for an operation (both lower-cased), and `#/<route>#<id>` for a
 * place inside one (a heading, an error code). Every heading the docs show is given its id explicitly, made from its
 * English text, so that a link means the same place in every language (Redoc's own ids drop Chinese characters).
 */
import { listOperations, type Document } from './contract.js';

/** A name as Redoc puts it in a route: operation ids and tags are letters, digits, `-` and `_`, lower-cased. */
export function routeSlug(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(
      `docs: "${name}" is not a plain name; Redoc would slugify it in a way scripts/docs/routes.ts does not model`,
    );
  return name.toLowerCase();
}

/** The id of a heading, from its English text: lower case, every run of other characters a single `-`. */
export function headingSlug(english: string): string {
  const slug = english
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (!slug) throw new Error(`docs: the heading "${english}" gives no id`);
  return slug;
}

export const operationRoute = (tag: string, operationId: string): string =>
  `/${routeSlug(tag)}/${routeSlug(operationId)}`;
export const tagRoute = (tag: string): string => `/${routeSlug(tag)}`;

/** The route of an operation of a description, by its id (Redoc files it under its first tag). */
export function routeOf(doc: Document, operationId: string): string {
  const tag = listOperations(doc).find(({ operation }) => operation.operationId === operationId)?.operation.tags?.[0];
  if (!tag) throw new Error(`docs: the description has no tagged operation ${operationId}, so it has no route`);
  return operationRoute(tag, operationId);
}

/**
 * The anchor of an error code in an action's error table (`enableresourcedirectory-invalid.enterprisename`). Lower
 * case, because Redoc lower-cases the place it scrolls to (`#/<route>#<anchor>`).
 */
export const errorAnchor = (action: string, code: string): string => `${action}-${code}`.toLowerCase();
/** The anchor of an error code in the page's error-code index (`error-invalid.enterprisename`), lower case too. */
export const indexAnchor = (code: string): string => `error-${code}`.toLowerCase();

// --- Headings ------------------------------------------------------------------------------------------------

interface HeadingLine {
  index: number;
  level: number;
  text: string;
}

/** The ATX headings of a Markdown text, outside fenced code blocks. */
function headingLines(lines: string[]): HeadingLine[] {
  const found: HeadingLine[] = [];
  let fenced = false;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (m) found.push({ index, level: m[1].length, text: m[2] });
  });
  return found;
}

/**
 * Gives every heading of `text` (a translation of `english`, or `english` itself) the id made from the English
 * heading at the same place, with Markdoc's `{% id="..." %}`. Fails when the two texts have different headings.
 */
export function withHeadingIds(english: string, text: string, prefix = ''): string {
  const lines = text.split('\n');
  const own = headingLines(lines);
  const originals = headingLines(english.split('\n'));
  if (own.length !== originals.length || own.some((h, i) => h.level !== originals[i].level)) {
    throw new Error(
      `docs: a text's headings (${own.map((h) => h.text).join(' | ')}) do not match its English headings` +
        ` (${originals.map((h) => h.text).join(' | ')})`,
    );
  }
  own.forEach((h, i) => {
    lines[h.index] = `${'#'.repeat(h.level)} ${h.text}{% id="${prefix}${headingSlug(originals[i].text)}" %}`;
  });
  return lines.join('\n');
}

/** The ids given by withHeadingIds in a text. */
export function headingIds(text: string): string[] {
  return [...text.matchAll(/\{% id="([^"]+)" %\}$/gm)].map((m) => m[1]);
}

// --- Routes of a page ----------------------------------------------------------------------------------------

export interface PageRoutes {
  operations: Record<string, string>;
  tags: Record<string, string>;
  /** The ids of the headings of the operations' descriptions (`error-codes`). */
  headings: string[];
  /** Every route of the page: the top (`/`), the intro's sections, the tags and the operations. */
  all: string[];
}

/** The routes of a page rendered from a docs description (after withHeadingIds). */
export function pageRoutes(description: Document): PageRoutes {
  const operations: Record<string, string> = {};
  const tags: Record<string, string> = {};
  for (const { operation } of listOperations(description)) {
    const tag = operation.tags?.[0];
    if (!tag)
      throw new Error(`docs: ${operation.operationId} has no tag, so Redoc gives it no route this module knows`);
    tags[tag] = tagRoute(tag);
    operations[operation.operationId] = operationRoute(tag, operation.operationId);
  }
  const sections = headingIds(description.info.description ?? '').map((id) => `/${id}`);
  const headings = [
    ...new Set(listOperations(description).flatMap(({ operation }) => headingIds(operation.description ?? ''))),
  ];
  return { operations, tags, headings, all: ['/', ...sections, ...Object.values(tags), ...Object.values(operations)] };
}
