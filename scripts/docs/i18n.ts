/**
 * Translations for the docs, keyed by the English text itself.
 *
 * docs/i18n/<lang>.yaml is a list of `{ en, <lang> }` pairs. Every human-readable text of the docs passes through a
 * Translator: the texts of the contract (summaries, descriptions, titles) and the prose the docs build generates
 * (headings, table headers, sentence templates with `{placeholders}`). Keying by the English text means that a new
 * or reworded English text has no entry until someone translates it: the build fails and lists it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const LANGUAGES = ['en', 'zh-Hant'] as const;
export type Lang = (typeof LANGUAGES)[number];
export type TranslatedLang = Exclude<Lang, 'en'>;

export type Vars = Record<string, string | number>;

export interface Translator {
  readonly lang: Lang;
  /**
   * Translates an English text; with `vars`, the text is a template whose `{name}` placeholders are filled after
   * translation.
   */
  t(text: string, vars?: Vars): string;
}

/** The normal form of a key: surrounding whitespace does not count (YAML block scalars end with a newline). */
export function normalise(text: string): string {
  return text.trim();
}

/** A text with no letter in any script ("-", a number, a code) needs no translation. */
export function needsTranslation(text: string): boolean {
  return /\p{L}/u.test(text);
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
}

export function fill(template: string, vars: Vars): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in vars)) throw new Error(`docs i18n: no value for {${name}} in "${template}"`);
    return String(vars[name]);
  });
}

/** English: returns every text unchanged and remembers it, so the set of texts that need a translation is known. */
export class EnglishTranslator implements Translator {
  readonly lang = 'en' as const;
  readonly seen = new Set<string>();

  t(text: string, vars?: Vars): string {
    if (needsTranslation(text)) this.seen.add(normalise(text));
    return vars ? fill(text, vars) : text;
  }
}

/**
 * A catalogue-backed language: missing texts are collected (and shown in English) so that all can be reported at once.
 */
export class CatalogTranslator implements Translator {
  readonly missing = new Set<string>();
  readonly used = new Set<string>();

  constructor(
    readonly lang: TranslatedLang,
    private readonly catalog: ReadonlyMap<string, string>,
  ) {}

  t(text: string, vars?: Vars): string {
    const translated = this.lookup(text);
    return vars ? fill(translated, vars) : translated;
  }

  private lookup(text: string): string {
    if (!needsTranslation(text)) return text;
    const key = normalise(text);
    const found = this.catalog.get(key);
    if (found === undefined) {
      this.missing.add(key);
      return text;
    }
    this.used.add(key);
    return found;
  }

  /** Throws when a text had no translation, listing every one of them. */
  assertComplete(): void {
    if (this.missing.size === 0) return;
    const list = [...this.missing].map((text) => `  - ${JSON.stringify(text)}`).join('\n');
    throw new Error(
      `docs i18n: ${this.missing.size} English text(s) have no ${this.lang} translation in` +
        ` docs/i18n/${this.lang}.yaml:\n${list}`,
    );
  }

  /** Catalogue entries no text asked for (stale translations of texts that changed or went away). */
  unused(): string[] {
    return [...this.catalog.keys()].filter((key) => !this.used.has(key));
  }
}

/**
 * Parses and checks a catalogue: a list of `{ en, <lang> }` string pairs, no duplicate keys, same placeholders on both
 * sides.
 */
export function parseCatalog(yamlText: string, lang: TranslatedLang, origin: string): Map<string, string> {
  const entries: unknown = parse(yamlText);
  if (!Array.isArray(entries)) throw new Error(`${origin}: expected a list of { en, ${lang} } entries`);
  const catalog = new Map<string, string>();
  entries.forEach((entry: Record<string, unknown>, index) => {
    const en = entry?.en;
    const translated = entry?.[lang];
    if (typeof en !== 'string' || typeof translated !== 'string')
      throw new Error(`${origin}: entry ${index + 1} needs string fields en and ${lang}`);
    const key = normalise(en);
    if (catalog.has(key)) throw new Error(`${origin}: duplicate entry for ${JSON.stringify(key)}`);
    if (placeholders(en).join() !== placeholders(translated).join()) {
      throw new Error(
        `${origin}: entry ${JSON.stringify(key)} has placeholders {${placeholders(en)}} but its translation has` +
          ` {${placeholders(translated)}}`,
      );
    }
    catalog.set(key, normalise(translated));
  });
  return catalog;
}

export function loadCatalog(file: string, lang: TranslatedLang): Map<string, string> {
  return parseCatalog(readFileSync(file, 'utf8'), lang, file);
}

/** How generated parts are joined: English with ASCII punctuation and spaces, Chinese with full-width punctuation. */
export interface Punctuation {
  /** Between clauses of a list of constraints: `; ` / `；`. */
  semicolon: string;
  /** Between short items (HTTP statuses): `, ` / `、`. */
  comma: string;
  /** Around a note after a text: ` (` and `)` / `（` and `）`. */
  open: string;
  close: string;
  /** After a label: `: ` / `：`. */
  colon: string;
  /** Between two sentences: a space / nothing. */
  space: string;
}

export function punctuation(lang: Lang): Punctuation {
  return lang === 'en'
    ? { semicolon: '; ', comma: ', ', open: ' (', close: ')', colon: ': ', space: ' ' }
    : { semicolon: '；', comma: '、', open: '（', close: '）', colon: '：', space: '' };
}

/** One catalogue from several files; a text may have an entry in one file only. */
export function loadCatalogs(files: readonly string[], lang: TranslatedLang): Map<string, string> {
  const merged = new Map<string, string>();
  for (const file of files) {
    for (const [key, value] of loadCatalog(file, lang)) {
      if (merged.has(key))
        throw new Error(`${file}: ${JSON.stringify(key)} has an entry in another catalogue file of ${lang} too`);
      merged.set(key, value);
    }
  }
  return merged;
}

/** Joins items as the language does: "a, b, and c" / "a、b和c", or with `or` "a, b, or c" / "a、b或c". */
export function formatList(lang: Lang, items: string[], type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return new Intl.ListFormat(lang, { style: 'long', type }).format(items);
}

// --- Translating the texts of an OpenAPI document ------------------------------------------------------------

/** Keys whose string value is prose shown by the docs. */
const TEXT_KEYS = new Set(['summary', 'description', 'title']);
/** Keys whose value is data, never prose (examples, defaults, allowed values). Extensions (`x-`) are skipped too. */
const DATA_KEYS = new Set(['example', 'value', 'default', 'enum', 'const', 'externalValue']);
/**
 * Keys whose value maps user-chosen names to objects: a child key there is a name (`x-acs-request-id`), not a keyword.
 */
const NAME_MAPS = new Set([
  'paths',
  'properties',
  'patternProperties',
  '$defs',
  'responses',
  'content',
  'headers',
  'schemas',
  'parameters',
  'examples',
  'securitySchemes',
  'requestBodies',
  'links',
  'callbacks',
  'encoding',
  'pathItems',
]);

export type TextMapper = (text: string, key: string) => string;

/** Replaces, in place, every prose text (summary, description, title) of an OpenAPI document by `map(text, key)`. */
export function mapDocumentTexts(node: unknown, map: TextMapper): void {
  walk(node, false, map);
}

function walk(node: unknown, isNameMap: boolean, map: TextMapper): void {
  if (Array.isArray(node)) {
    node.forEach((child) => walk(child, false, map));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  for (const [key, child] of Object.entries(obj)) {
    if (isNameMap) walk(child, false, map);
    else if (key.startsWith('x-') || DATA_KEYS.has(key)) continue;
    else if (TEXT_KEYS.has(key) && typeof child === 'string') obj[key] = map(child, key);
    else if (NAME_MAPS.has(key) && !Array.isArray(child)) walk(child, true, map);
    else if (key === 'examples' && Array.isArray(child)) continue;
    else walk(child, false, map);
  }
}
