/**
 * An XML example from its JSON twin, the way the contract shows XML: one element per line, four spaces per level,
 * the same element order as the JSON, arrays as repeated elements (Alibaba's gateway writes the same tree compactly).
 */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Element text needs only these three escaped; quotes stay as they are, as in the contract's examples. */
const escapeText = (text: string) => text.replace(/[&<>]/g, (c) => TEXT_ENTITIES[c]!);

function lines(name: string, value: unknown, depth: number): string[] {
  const pad = '    '.repeat(depth);
  if (Array.isArray(value)) return value.flatMap((v) => lines(name, v, depth));
  if (value === null || value === undefined) return [`${pad}<${name}></${name}>`];
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => XML_NAME.test(k))
      .flatMap(([k, v]) => lines(k, v, depth + 1));
    return [`${pad}<${name}>`, ...inner, `${pad}</${name}>`];
  }
  return [`${pad}<${name}>${escapeText(String(value))}</${name}>`];
}

/** `<root>…</root>` with a trailing newline. */
export function xmlExample(root: string, value: unknown): string {
  return lines(root, value, 0).join('\n') + '\n';
}
