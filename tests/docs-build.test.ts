// The generated reference docs without a browser: both pages are self-contained, link to each other, and carry every
// action, parameter, error code and RAM action of the contract, with the generated reference sections and code samples.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionFacts, errorRows, listOperations, loadBundledContract, type Document, type Operation } from '../scripts/docs/contract.js';
import { docsDescription } from '../scripts/docs/description.js';
import { descriptionFile, EDITIONS, htmlFile, relativeHref, type Edition } from '../scripts/docs/editions.js';
import { EnglishTranslator } from '../scripts/docs/i18n.js';
import { assertSelfContained } from '../scripts/docs/render.js';

const contract = loadBundledContract();
const facts = actionFacts(contract);

function readEdition(edition: Edition): { html: string; description: Document } {
  return {
    html: readFileSync(htmlFile(edition), 'utf8'),
    description: JSON.parse(readFileSync(descriptionFile(edition), 'utf8')) as Document,
  };
}

function operation(description: Document, action: string): Operation {
  const found = listOperations(description).find(({ operation: op }) => op.operationId === action);
  if (!found) throw new Error(`no ${action} in the docs description`);
  return found.operation;
}

describe.each(EDITIONS.map((edition) => [edition.lang, edition] as const))('the %s docs page', (_lang, edition) => {
  const { html, description } = readEdition(edition);
  const other = EDITIONS.find((e) => e !== edition)!;

  it('is self-contained: Redoc is inlined, no script from a CDN or any other origin', () => {
    expect(html).not.toMatch(/<script[^>]+src=["']?https:\/\/cdn/i);
    expect(() => assertSelfContained(html, htmlFile(edition))).not.toThrow();
    expect(html).toContain('<script type="module">');
  });

  it(`is in ${edition.lang} and links to the ${other.lang} edition with a relative href`, () => {
    expect(html).toMatch(new RegExp(`<html lang="${edition.lang}">`));
    expect(html).toContain(`id="docs-language-link" href="${relativeHref(edition, other)}" hreflang="${other.lang}"`);
    expect(relativeHref(edition, other)).toBe(edition.dir ? '../index.html' : 'zh-Hant/index.html');
  });

  it('contains every action, parameter, error code and RAM action', () => {
    const absent = facts.flatMap((f) => [f.action, ...f.parameters, ...f.errorCodes, f.ramAction].filter((text) => !html.includes(text)));
    expect(absent).toEqual([]);
  });

  it.each(facts.map((f) => [f.action, f] as const))('documents %s in words: constraints, error table, RAM action', (action, f) => {
    const text = operation(description, action).description ?? '';
    for (const parameter of f.parameters) expect(text, parameter).toContain(`| \`${parameter}\` |`);
    for (const code of f.errorCodes) expect(text, code).toMatch(new RegExp(`\\| \\d{3} \\| \`${code.replace(/\./g, '\\.')}\` \\|`));
    expect(text).toContain(`\`${f.ramAction}\``);
  });

  it('has four code samples per action: classic and ACS3 wire requests, this package, the official SDK', () => {
    for (const { operation: op } of listOperations(description)) {
      const samples = op['x-codeSamples'] ?? [];
      expect(samples.map((s) => s.lang)).toEqual(['bash', 'bash', 'TypeScript', 'TypeScript']);
      const [classic, acs3, client, sdk] = samples.map((s) => s.source);
      expect(classic).toMatch(new RegExp(`^curl -X POST 'https://resourcemanager\\.aliyuncs\\.com/\\?Action=${op.operationId}&Version=2020-03-31&`));
      expect(classic).toMatch(/&SignatureMethod=HMAC-SHA1&SignatureVersion=1\.0&SignatureNonce=[^&]+&Timestamp=[^&]+&Signature=[^&']+'$/);
      expect(acs3).toContain(`-H 'x-acs-action: ${op.operationId}'`);
      expect(acs3).toMatch(/-H 'Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}'$/);
      expect(client).toContain(`await client.${op.operationId}(`);
      expect(sdk).toContain(`await client.${op.operationId.charAt(0).toLowerCase()}${op.operationId.slice(1)}(`);
    }
  });
});

describe('the English docs description', () => {
  const { description } = readEdition(EDITIONS[0]);

  it('uses the contract’s example values in the samples (EnableMode=CurrentAccount)', () => {
    const [classic, , client, sdk] = (operation(description, 'EnableResourceDirectory')['x-codeSamples'] ?? []).map((s) => s.source);
    expect(classic).toContain('&EnableMode=CurrentAccount&Format=JSON&AccessKeyId=testid&');
    expect(client).toContain("client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' })");
    expect(sdk).toContain("client.enableResourceDirectory(new EnableResourceDirectoryRequest({ enableMode: 'CurrentAccount' }))");
  });

  it('puts the conditional rule, site rules and site messages in words', () => {
    const text = operation(description, 'EnableResourceDirectory').description ?? '';
    expect(text).toContain('When `EnableMode` is `NewManagementAccount`, `MAName`, `MASecureMobilePhone`, and `VerificationCode` must be given.');
    expect(text).toContain('| `MAName` | China site (aliyun.com) | 格式:&lt;前綴&gt;@rdadmin.aliyunid.com。 (seed 002) |');
    expect(text).toContain('China site (aliyun.com): Your account is a management account for another resource directory');
  });

  it('marks InitResourceDirectory deprecated, and gives change history, quota and RAM table where the contract has them', () => {
    expect(operation(description, 'InitResourceDirectory').description).toMatch(/^> \*\*Deprecated\.\*\*/);
    expect(operation(description, 'GetResourceDirectory').description).toContain('The sources give no change history.');
    expect(operation(description, 'EnableResourceDirectory').description).toContain('| 2023-12-21 | The Error code has changed.');
    const send = operation(description, 'SendVerificationCodeForEnableRD').description ?? '';
    expect(send).toContain('At most 100 per account per day; the next call is refused with `SendValidateCodeExceedsLimitForAccount` (seed 003).');
    expect(send).toContain('| `resourcemanager:SendVerificationCodeForEnableRD` | none | \\*All Resources (`*`) | none | none |');
  });

  it('lists each error once, in the seeds’ layout, with the status the contract gives it', () => {
    for (const { operation: op } of listOperations(contract)) {
      const text = operation(description, op.operationId).description ?? '';
      expect(text).toContain('| HTTP status | Error code | Error message | Description |');
      for (const row of errorRows(contract, op)) expect(text.split(`| ${row.status} | \`${row.code}\` |`).length - 1, row.code).toBe(1);
    }
  });

  it('is reproducible: building it twice gives the same document', () => {
    expect(docsDescription(contract, new EnglishTranslator())).toEqual(docsDescription(contract, new EnglishTranslator()));
  });

  it('escapes the sources’ <placeholders> so that Markdown does not drop them as HTML', () => {
    // The contract writes them as code spans (`<Prefix>`), which Markdown keeps; raw ones elsewhere are escaped.
    const maName = JSON.stringify(description.components?.parameters?.MAName);
    expect(maName).toContain('Specify the name in the `<Prefix>` format.');
    const text = String((description.components?.parameters?.MAName as { description?: string } | undefined)?.description);
    expect(text).not.toMatch(/[^`]<Prefix>|<Prefix>[^`]/);
  });
});
