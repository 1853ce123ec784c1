/**
 * The docs-only copy of the bundled contract: texts translated, and per operation the generated reference
 * sections appended to the description and `x-codeSamples` added; every heading given its id from its English
 * text, and every error example labelled by its code. The contract itself is never changed.
 */
import { choiceSentence, type ApiContract } from './choice.js';
import { compareApis, type Comparison } from './compare.js';
import {
  commonRequestParameters,
  deref,
  errorRows,
  isErrorStatus,
  listOperations,
  securitySchemes,
  type Document,
  type Example,
  type Response,
} from './contract.js';
import { codeSamples, EXAMPLE_ACCESS_KEY_SECRET, exampleAccessKeyId } from './code-samples.js';
import { EnglishTranslator, formatList, mapDocumentTexts, punctuation, type Translator } from './i18n.js';
import { annotate, blocks, code, escapeText, heading, table } from './markdown.js';
import { errorAnchor, indexAnchor, routeOf, withHeadingIds } from './routes.js';
import { apiLine, commonParameterTable, deprecationNotice, referenceSections, type PageLinks } from './sections.js';

function aboutSection(contract: Document, tr: Translator): string {
  return blocks(
    heading(2, tr.t('About this reference')),
    tr.t(
      'This page is generated from the contract by {command}. Below its own description, each action lists its' +
        ' conditional rules, parameter constraints, error codes, RAM authorization, site differences and change' +
        ' history, all taken from the contract.',
      { command: code('npm run build') },
    ),
    tr.t(
      'The request samples are really signed, with the example credentials of Alibaba Cloud’s signature documents' +
        ' (AccessKey ID {id}, AccessKey secret {secret}) and the contract’s example time and nonce, so every' +
        ' signature can be checked. Use your own credentials, a current time and a fresh nonce for real calls.',
      { id: code(exampleAccessKeyId(contract)), secret: code(EXAMPLE_ACCESS_KEY_SECRET) },
    ),
    tr.t(
      'Each error code, parameter, sample and response field says where it comes from (its Source): one of Alibaba' +
        ' Cloud’s source documents (seed 000 to 004), a research note of this project, an official SDK’s models, or' +
        ' an inference of the contract with its reason.',
    ),
  );
}

/** The parameters every request may carry that no operation declares, besides the signing ones (Format). */
function commonParametersSection(contract: Document, tr: Translator): string | undefined {
  const signing = new Set(securitySchemes(contract).flatMap(([, scheme]) => scheme['x-acs-parameters'] ?? []));
  const parameters = commonRequestParameters(contract).filter((p) => !signing.has(p));
  if (parameters.length === 0) return undefined;
  return blocks(
    heading(2, tr.t('Common parameters')),
    tr.t(
      'Every request may carry these besides its action’s own parameters; no operation declares them, and the client' +
        ' and the signing fetch send them. The signing parameters are listed with each signing style under' +
        ' Authentication.',
    ),
    commonParameterTable(contract, parameters, tr),
  );
}

/**
 * Every error code of the API, once: its HTTP status and the actions that answer it, each linked to the code's row
 * in that action's error table. Each code has its own anchor here (`#/section/error-code-index#error-<Code>`).
 */
function errorIndexSection(contract: Document, tr: Translator): string {
  const codes = new Map<string, { statuses: Set<string>; actions: string[] }>();
  for (const { operation } of listOperations(contract)) {
    const route = routeOf(contract, operation.operationId);
    for (const row of errorRows(contract, operation)) {
      const entry = codes.get(row.code) ?? { statuses: new Set<string>(), actions: [] };
      entry.statuses.add(row.status);
      entry.actions.push(`[${operation.operationId}](#${route}#${errorAnchor(operation.operationId, row.code)})`);
      codes.set(row.code, entry);
    }
  }
  const rows = [...codes.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([c, { statuses, actions }]) => [
      annotate(code(c), { id: indexAnchor(c) }),
      [...statuses].join(punctuation(tr.lang).comma),
      formatList(tr.lang, actions),
    ]);
  return blocks(
    heading(2, tr.t('Error code index')),
    tr.t(
      'Every error code of this API, with its HTTP status and the actions that answer it; each action links to the' +
        ' code in its error table.',
    ),
    table([tr.t('Error code'), tr.t('HTTP status'), tr.t('Actions')], rows),
  );
}

/**
 * The description's first paragraph (what it describes, on which endpoint), then the sentence on which API to choose.
 */
function withChoice(description: string | undefined, choice: string): string {
  const [first, ...rest] = (description ?? '').split(/\n\n/);
  return blocks(first, choice, rest.join('\n\n'));
}

/**
 * Builds the description the docs are rendered from, in the translator's language: `api` is the description of
 * one API, `apis` those of every API of the build (for the sentence on which to choose and what differs between
 * them), `links` the page's links to the other versions and the comparison (none: no such links).
 */
export function docsDescription(
  api: ApiContract,
  apis: readonly ApiContract[],
  tr: Translator,
  links?: PageLinks,
): Document {
  const comparison = compareApis(apis);
  const doc = translatedDescription(api, apis, tr, comparison, links);
  const english = tr.lang === 'en' ? doc : translatedDescription(api, apis, new EnglishTranslator(), comparison, links);
  doc.info.description = withHeadingIds(english.info.description ?? '', doc.info.description ?? '', 'section/');
  const englishOperations = listOperations(english);
  listOperations(doc).forEach(({ operation }, i) => {
    operation.description = withHeadingIds(
      englishOperations[i].operation.description ?? '',
      operation.description ?? '',
    );
  });
  return doc;
}

/**
 * Drops the summary (the message) of every error example, so that Redoc's example menu names each by its code (the
 * example's name), each once, rather than by messages, some of which two codes share. The message is in the example
 * itself and in the error table. Shared examples (`#/components/examples`) lose theirs too.
 */
function labelErrorExamplesByCode(doc: Document): void {
  for (const { operation } of listOperations(doc)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!isErrorStatus(status)) continue;
      for (const media of Object.values(deref<Response>(doc, response).content ?? {})) {
        for (const example of Object.values(media.examples ?? {})) delete deref<Example>(doc, example).summary;
      }
    }
  }
}

function translatedDescription(
  api: ApiContract,
  apis: readonly ApiContract[],
  tr: Translator,
  comparison: Comparison,
  links?: PageLinks,
): Document {
  const { contract } = api;
  const doc = structuredClone(contract);
  labelErrorExamplesByCode(doc);
  // Descriptions are CommonMark; summaries and titles are plain text.
  mapDocumentTexts(doc, (text, key) => (key === 'description' ? escapeText(tr.t(text)) : tr.t(text)));
  doc.info.description = blocks(
    withChoice(doc.info.description, choiceSentence(apis, tr)),
    aboutSection(contract, tr),
    commonParametersSection(contract, tr),
    errorIndexSection(contract, tr),
  );
  // No operation declares the signing parameters: each security scheme (Redoc's Authentication section) lists its own.
  const schemes = new Map(securitySchemes(doc));
  for (const [name, scheme] of securitySchemes(contract)) {
    const parameters = scheme['x-acs-parameters'] ?? [];
    if (parameters.length)
      schemes.get(name)!.description = blocks(
        schemes.get(name)!.description,
        commonParameterTable(contract, parameters, tr),
      );
  }
  const originals = listOperations(contract);
  listOperations(doc).forEach(({ operation }, i) => {
    const original = originals[i];
    const ctx = { doc: contract, operation: original.operation, method: original.method, tr, comparison, links };
    operation.description = blocks(apiLine(ctx), deprecationNotice(ctx), operation.description, referenceSections(ctx));
    operation['x-codeSamples'] = codeSamples(contract, original, tr, { isDefaultApi: api.isDefault });
  });
  return doc;
}
