/**
 * The rules of the docs' Traditional Chinese (docs/i18n/glossary.yaml) and a check of a text against them: no wrong
 * character conversion, no Simplified-only character, none of the words a concept's one term replaces, and no ASCII
 * punctuation next to Chinese text. Seed 002's own words (the glossary's seed002 list) are left as they are; code
 * spans, URLs, Markdoc annotations and link targets are not prose and are not checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { i18nDir } from './editions.js';

export interface Term {
  concept: string;
  'zh-Hant': string;
  source: string;
  avoid: string[];
}

export interface Glossary {
  terms: Term[];
  conversions: { wrong: string; right: string }[];
  seed002: string[];
}

export const glossaryFile = join(i18nDir, 'glossary.yaml');

export function loadGlossary(file: string = glossaryFile): Glossary {
  const glossary = parse(readFileSync(file, 'utf8')) as Glossary;
  for (const key of ['terms', 'conversions', 'seed002'] as const) {
    if (!Array.isArray(glossary?.[key])) throw new Error(`${file}: ${key} must be a list`);
  }
  return glossary;
}

/**
 * Characters that only Simplified Chinese writes (each has a different Traditional form), common in API documents.
 * Characters that are also correct Traditional in some words (后, 里, 范, 于...) are checked as words, in conversions.
 */
export const SIMPLIFIED_ONLY = [
  ...'这个们为时发号码账户参数验证错误请务关对应开资录设签称认实类选择说网络见页据从与进转换问题让还没样间头体单无现态条历变场区库链览简译过运动达启显该执',
];

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;
/**
 * Stands for a span that is not prose (code, a URL, a placeholder): punctuation next to it in a Chinese text counts.
 */
const SPAN = '\u0001';

/** The prose of a text: seed 002's words, code, URLs, Markdoc annotations, link targets and HTML tags taken out. */
function prose(text: string, glossary: Glossary): string {
  let out = text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  for (const quote of [...glossary.seed002].sort((a, b) => b.length - a.length)) out = out.split(quote).join(' ');
  return out
    .replace(/```[\s\S]*?```/g, SPAN)
    .replace(/(`+)[\s\S]*?\1/g, SPAN)
    .replace(/\{%[^%]*%\}/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/<[^>\n]+>/g, ' ')
    .replace(/https?:\/\/[^\s，。；：、（）)]+/g, SPAN)
    .replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, SPAN);
}

/** The nearest character before or after `index` that is not a space. */
function neighbour(text: string, index: number, step: 1 | -1): string {
  for (let i = index + step; i >= 0 && i < text.length; i += step) if (text[i] !== ' ') return text[i];
  return '';
}

/** The character before the Latin words that end at `index` (at most two words back), or '' when there are more. */
function latinRunStart(text: string, index: number): string {
  let words = 1;
  for (let i = index - 1; i >= 0; i--) {
    const c = text[i];
    if (CJK.test(c) || c === SPAN || c === '|' || c === '\n') return c;
    if (c === ' ' && text[i - 1] !== ' ' && ++words > 2) return '';
  }
  return '';
}

/** What is wrong with a Traditional Chinese text of the docs, as sentences (empty: nothing). */
export function zhProblems(text: string, glossary: Glossary): string[] {
  const problems: string[] = [];
  const body = prose(text, glossary);
  const excerpt = (i: number) =>
    JSON.stringify(body.slice(Math.max(0, i - 12), i + 12).replace(new RegExp(SPAN, 'g'), '…'));
  for (const { wrong, right } of glossary.conversions)
    if (body.includes(wrong))
      problems.push(`"${wrong}" is a wrong conversion (write "${right}"): ${excerpt(body.indexOf(wrong))}`);
  for (const c of SIMPLIFIED_ONLY)
    if (body.includes(c)) problems.push(`"${c}" is a Simplified character: ${excerpt(body.indexOf(c))}`);
  for (const term of glossary.terms) {
    const own = term['zh-Hant'].split(' / ');
    for (const word of term.avoid) {
      // An avoided word inside the term itself (源文件 in 來源文件) is the term.
      const found = [...body.matchAll(new RegExp(word, 'g'))].find(
        ({ index }) => !own.some((t) => body.slice(Math.max(0, index! - t.length), index! + t.length).includes(t)),
      );
      if (found)
        problems.push(`"${word}": the docs write ${term.concept} as "${term['zh-Hant']}": ${excerpt(found.index!)}`);
    }
  }
  if (!CJK.test(body)) return problems;
  for (const m of body.matchAll(/[,;:?!()]/g)) {
    const i = m.index!;
    const around = [neighbour(body, i, -1), neighbour(body, i, 1)];
    // Next to Chinese or to code; or ending the clause of a Chinese sentence after a Latin term (`API:`), that is a
    // space, bold or the end after it and at most two words back to Chinese (an English sentence, such as an error
    // message the API answers, keeps its punctuation).
    const clause =
      /[,;:?!]/.test(m[0]) && /^(\s|\*|$)/.test(body.slice(i + 1, i + 2)) && CJK.test(latinRunStart(body, i));
    if (clause || around.some((c) => c === SPAN || CJK.test(c)))
      problems.push(`ASCII "${m[0]}" in Chinese text (use the full-width form): ${excerpt(i)}`);
  }
  return problems;
}
