/** The docs editions: where each language is written and how each links to the other. */
import { join, posix } from 'node:path';
import { generatedDir, repoRoot } from '../paths.js';
import { CatalogTranslator, EnglishTranslator, loadCatalog, type Lang, type TranslatedLang, type Translator } from './i18n.js';
import type { TemplateOptions } from './render.js';

export const docsDir = join(generatedDir, 'docs');
export const i18nDir = join(repoRoot, 'docs', 'i18n');

export interface Edition {
  lang: Lang;
  /** Folder under generated/docs ('' for the root). */
  dir: string;
  /** The language's own name, shown in the switch. */
  label: string;
}

export const EDITIONS: readonly Edition[] = [
  { lang: 'en', dir: '', label: 'English' },
  { lang: 'zh-Hant', dir: 'zh-Hant', label: '繁體中文' },
];

export const catalogFile = (lang: TranslatedLang): string => join(i18nDir, `${lang}.yaml`);

/** English passes texts through; another language looks them up in its catalogue (docs/i18n/<lang>.yaml unless given). */
export function translatorFor(lang: Lang, file?: string): EnglishTranslator | CatalogTranslator {
  return lang === 'en' ? new EnglishTranslator() : new CatalogTranslator(lang, loadCatalog(file ?? catalogFile(lang), lang));
}

/** Path of an edition's file, relative to generated/docs (POSIX separators, as in a URL). */
export function editionPath(edition: Edition, file: string): string {
  return posix.join(edition.dir, file);
}

export function htmlFile(edition: Edition): string {
  return join(docsDir, editionPath(edition, 'index.html'));
}

export function descriptionFile(edition: Edition): string {
  return join(docsDir, editionPath(edition, 'openapi.json'));
}

/** The relative link from one edition's page to another's (`zh-Hant/index.html`, `../index.html`). */
export function relativeHref(from: Edition, to: Edition): string {
  return posix.relative(from.dir || '.', editionPath(to, 'index.html'));
}

export function templateOptions(edition: Edition, other: Edition, tr: Translator): TemplateOptions {
  return {
    lang: edition.lang,
    label: edition.label,
    otherLang: other.lang,
    otherLabel: other.label,
    otherHref: relativeHref(edition, other),
    switchLabel: tr.t('Language'),
  };
}
