/**
 * The docs-only copy of the bundled contract: texts translated, and per operation the generated reference
 * sections appended to the description and `x-codeSamples` added. The contract itself is never changed.
 */
import { choiceSentence, type ApiContract } from './choice.js';
import { commonRequestParameters, listOperations, securitySchemes, type Document } from './contract.js';
import { codeSamples, EXAMPLE_ACCESS_KEY_SECRET, exampleAccessKeyId } from './code-samples.js';
import { mapDocumentTexts, type Translator } from './i18n.js';
import { blocks, code, escapeText, heading } from './markdown.js';
import { apiLine, commonParameterTable, deprecationNotice, referenceSections } from './sections.js';

function aboutSection(contract: Document, tr: Translator): string {
  return blocks(
    heading(2, tr.t('About this reference')),
    tr.t(
      'This page is generated from the contract by {command}. Below its own description, each action lists its conditional rules, parameter constraints, error codes, RAM authorization, site differences and change history, all taken from the contract.',
      { command: code('npm run build') },
    ),
    tr.t(
      'The request samples are really signed, with the example credentials of Alibaba Cloud’s signature documents (AccessKey ID {id}, AccessKey secret {secret}) and the contract’s example time and nonce, so every signature can be checked. Use your own credentials, a current time and a fresh nonce for real calls.',
      { id: code(exampleAccessKeyId(contract)), secret: code(EXAMPLE_ACCESS_KEY_SECRET) },
    ),
    tr.t(
      'Each error code, parameter, sample and response field says where it comes from (its Source): one of Alibaba Cloud’s source documents (seed 000 to 004), a research note of this project, an official SDK’s models, or an inference of the contract with its reason.',
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
    tr.t('Every request may carry these besides its action’s own parameters; no operation declares them, and the client and the signing fetch send them. The signing parameters are listed with each signing style under Authentication.'),
    commonParameterTable(contract, parameters, tr),
  );
}

/** The description's first paragraph (what it describes, on which endpoint), then the sentence on which API to choose. */
function withChoice(description: string | undefined, choice: string): string {
  const [first, ...rest] = (description ?? '').split(/\n\n/);
  return blocks(first, choice, rest.join('\n\n'));
}

/**
 * Builds the description the docs are rendered from, in the translator's language: `api` is the description of
 * one API, `apis` those of every API of the build (for the sentence on which to choose).
 */
export function docsDescription(api: ApiContract, apis: readonly ApiContract[], tr: Translator): Document {
  const { contract } = api;
  const doc = structuredClone(contract);
  // Descriptions are CommonMark; summaries and titles are plain text.
  mapDocumentTexts(doc, (text, key) => (key === 'description' ? escapeText(tr.t(text)) : tr.t(text)));
  doc.info.description = blocks(withChoice(doc.info.description, choiceSentence(apis, tr)), aboutSection(contract, tr), commonParametersSection(contract, tr));
  // No operation declares the signing parameters: each security scheme (Redoc's Authentication section) lists its own.
  const schemes = new Map(securitySchemes(doc));
  for (const [name, scheme] of securitySchemes(contract)) {
    const parameters = scheme['x-acs-parameters'] ?? [];
    if (parameters.length) schemes.get(name)!.description = blocks(schemes.get(name)!.description, commonParameterTable(contract, parameters, tr));
  }
  const originals = listOperations(contract);
  listOperations(doc).forEach(({ operation }, i) => {
    const original = originals[i];
    const ctx = { doc: contract, operation: original.operation, method: original.method, tr };
    operation.description = blocks(apiLine(ctx), deprecationNotice(ctx), operation.description, referenceSections(ctx));
    operation['x-codeSamples'] = codeSamples(contract, original, tr, { isDefaultApi: api.isDefault });
  });
  return doc;
}
