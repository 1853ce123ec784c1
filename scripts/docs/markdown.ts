/** Small CommonMark/GFM builders for the generated parts of the descriptions. */

/** Splits text into alternating prose / code parts (odd indexes are fenced blocks or code spans). */
function splitCode(text: string): string[] {
  return text.split(/(```[\s\S]*?```|`[^`\n]*`)/);
}

/**
 * Makes plain text safe as CommonMark prose: `<Prefix>` and `<Country code>` are placeholders in the sources, not
 * HTML tags (a Markdown renderer drops them), so angle brackets and bare ampersands outside code become entities.
 * Code spans, fenced blocks and other Markdown are kept.
 */
export function escapeText(text: string): string {
  return splitCode(text)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/&(?![a-zA-Z]+;|#\d+;)/g, '&amp;')
            .replace(/</g, '&lt;')
            .replace(/>/g, '&gt;'),
    )
    .join('');
}

/** An inline code span that survives any content (backticks inside get a longer fence). */
export function code(value: unknown): string {
  const text = String(value);
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GFM table cell: one line, and `|` escaped (also inside code spans, as GFM requires). */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Markdoc attributes for the block a text ends (a table cell, a paragraph): `text {% id="..." class="..." %}`. Redoc
 * renders its Markdown with Markdoc, which puts them on the element (`<td id="...">`).
 */
export function annotate(text: string, attributes: { id?: string; class?: string }): string {
  const parts = Object.entries(attributes).map(([name, value]) => {
    if (/["{}%|]/.test(value)) throw new Error(`docs: ${name} "${value}" cannot be a Markdoc attribute here`);
    return `${name}="${value}"`;
  });
  return `${text} {% ${parts.join(' ')} %}`;
}

export function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${text}`;
}

export function bullets(items: string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}

/** Joins blocks with blank lines, dropping empty ones. */
export function blocks(...parts: (string | undefined | false)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n\n');
}
