/**
 * The docs-only copy of the bundled contract: texts translated, and per operation the generated reference
 * sections appended to the description and `x-codeSamples` added. The contract itself is never changed.
 */
import { listOperations, type Document } from './contract.js';
import { codeSamples, EXAMPLE_ACCESS_KEY_SECRET, exampleAccessKeyId } from './code-samples.js';
import { mapDocumentTexts, type Translator } from './i18n.js';
import { blocks, code, escapeText, heading } from './markdown.js';
import { deprecationNotice, referenceSections } from './sections.js';

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
  );
}

/** Builds the description the docs are rendered from, in the translator's language. */
export function docsDescription(contract: Document, tr: Translator): Document {
  const doc = structuredClone(contract);
  // Descriptions are CommonMark; summaries and titles are plain text.
  mapDocumentTexts(doc, (text, key) => (key === 'description' ? escapeText(tr.t(text)) : tr.t(text)));
  doc.info.description = blocks(doc.info.description, aboutSection(contract, tr));
  const originals = listOperations(contract);
  listOperations(doc).forEach(({ operation }, i) => {
    const original = originals[i];
    const ctx = { doc: contract, operation: original.operation, tr };
    operation.description = blocks(deprecationNotice(ctx), operation.description, referenceSections(ctx));
    operation['x-codeSamples'] = codeSamples(contract, original, tr);
  });
  return doc;
}
