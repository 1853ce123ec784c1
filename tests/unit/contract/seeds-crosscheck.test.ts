// The one optional cross-check that reads outside this repository: the facts in tests/fixtures/seed-facts.ts against
// the source documents themselves, word for word. The documents sit beside the checkout for maintainers and CI
// (`../shared/seeds`, `../shared/research`); a user's clone does not have them, so there the check is reported as
// skipped, with the reason. Under CI=true their absence fails, as a missing Chromium does.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlossary } from '../../../scripts/docs/glossary.js';
import { repoRoot } from '../../helpers/contract.js';
import {
  chinaSiteEnable,
  errorDescriptions,
  gatewayErrors,
  getResourceDirectorySample,
  missingParameter,
  missingParameterForm,
  parameterExamples,
  parameterFirstLines,
  quotaTexts,
  requestRuleTexts,
  researchSections,
  sampleRequests,
  seedActions,
  seedParameters,
  seedTables,
  siteRuleTexts,
  successSamples,
  xmlSamples,
  type SeedId,
} from '../../fixtures/seed-facts.js';

const sharedDir = join(repoRoot, '..', 'shared');
const seedsDir = join(sharedDir, 'seeds');
const researchDir = join(sharedDir, 'research');
const wireProtocol = join(researchDir, 'wire-protocol.md');
const missing = [seedsDir, wireProtocol].find((p) => !existsSync(p));
const reason = missing && `the source documents are not beside this checkout (${missing} does not exist)`;
const inCi = process.env.CI === 'true';
if (reason && !inCi) console.warn(`tests/unit/contract/seeds-crosscheck.test.ts skipped: ${reason}`);

describe('the source documents', () => {
  it.runIf(inCi)('are beside the checkout in CI', () => {
    expect(reason, 'CI must lay ../shared beside the clone for the word-for-word cross-check').toBeUndefined();
  });
});

describe.skipIf(reason !== undefined)(
  'tests/fixtures/seed-facts.ts is faithful to the source documents, word for word',
  () => {
    const seed = (id: SeedId) => {
      const file = readdirSync(seedsDir).find((f) => f.startsWith(`${id}_`));
      if (!file) throw new Error(`no seed ${id} in ${seedsDir}`);
      return readFileSync(join(seedsDir, file), 'utf8');
    };

    it.each(Object.entries(seedTables))('%s: every row stands in its seed', (_, { seeds, rows }) => {
      const text = seeds.map(seed).join('\n');
      for (const [status, code, message] of rows) {
        expect(text, code).toContain(`${status}`);
        expect(text, code).toContain(code);
        expect(text, code).toContain(message);
      }
    });

    it(
      'the passages of seed 002 the zh-Hant docs quote (docs/i18n/glossary.yaml) stand in seed 002, word for' + ' word',
      () => {
        const text = seed('002');
        const { seed002 } = loadGlossary();
        expect(seed002.length).toBeGreaterThan(20);
        expect(seed002.filter((quote) => !text.includes(quote))).toEqual([]);
      },
    );

    it('the China site rows stand in seed 002', () => {
      const text = seed('002');
      for (const [, code, message] of chinaSiteEnable) expect(text).toContain(`${code} ${message}`);
    });

    it.each(Object.entries(errorDescriptions))(
      '%s: the error descriptions stand in their seed',
      (action, { seed: id, byCode }) => {
        const text = seed(id);
        const messages = new Map(seedTables[action]!.rows.map(([, code, message]) => [code, message]));
        for (const [code, description] of Object.entries(byCode)) {
          // The international Enable page (000) prints each description right after its message; "-" is its "none".
          expect(text, code).toContain(id === '000' ? `${messages.get(code)}${description}` : description);
        }
      },
    );

    it("the parameters' first lines stand in their seeds", () => {
      for (const [name, { seed: id, text }] of Object.entries(parameterFirstLines))
        expect(seed(id), name).toContain(text);
    });

    it('the GetResourceDirectory sample stands in seed 004', () => {
      const { seed: id, RequestId, ResourceDirectory } = getResourceDirectorySample;
      const text = seed(id);
      expect(text).toContain(`"RequestId" : "${RequestId}"`);
      for (const [k, v] of Object.entries(ResourceDirectory)) expect(text, k).toContain(`"${k}" : "${v}"`);
    });

    it('each seed documents its action, parameters and their example values', () => {
      for (const [id, action] of Object.entries(seedActions) as [SeedId, string][])
        expect(seed(id), id).toContain(action);
      for (const [id, names] of Object.entries(seedParameters) as [SeedId, readonly string[]][]) {
        // Seed 000's page lost its name column: a parameter it documents is named in it, or has its first line there.
        for (const name of names)
          expect(seed(id).includes(name) || parameterFirstLines[name]?.seed === id, `${id} ${name}`).toBe(true);
      }
      for (const [id, values] of Object.entries(parameterExamples) as [SeedId, Record<string, string>][]) {
        const text = seed(id);
        // The example column comes after the parameter's name.
        for (const [name, value] of Object.entries(values)) {
          expect(text, `${id} ${name}`).toContain(name);
          expect(text.indexOf(value, text.indexOf(name)), `${id} ${name}`).toBeGreaterThan(text.indexOf(name));
        }
      }
    });

    it('the success samples stand in their seeds, field by field', () => {
      const leaves = (v: unknown, out: [string, string][] = [], key = ''): [string, string][] => {
        if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, out, k);
        else out.push([key, String(v)]);
        return out;
      };
      for (const [id, sample] of Object.entries(successSamples) as [SeedId, Record<string, unknown>][]) {
        const text = seed(id);
        for (const [k, v] of leaves(sample))
          expect(text.includes(`"${k}": "${v}"`) || text.includes(`"${k}" : "${v}"`), `${id} ${k}: ${v}`).toBe(true);
      }
    });

    it('the XML samples stand in their seeds, line by line', () => {
      for (const [id, lines] of Object.entries(xmlSamples) as [SeedId, readonly string[]][]) {
        const seedLines = seed(id)
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        const start = seedLines.indexOf(lines[0]!);
        expect(start, id).toBeGreaterThanOrEqual(0);
        expect(seedLines.slice(start, start + lines.length), id).toEqual(lines);
      }
    });

    it('the sample requests, site rules, request rule and quota stand in their seeds', () => {
      for (const [id, { lines, commonParameters }] of Object.entries(sampleRequests) as [
        SeedId,
        { lines: readonly string[]; commonParameters: string },
      ][]) {
        expect(seed(id), id).toContain([...lines, commonParameters].join('\n'));
      }
      for (const [id, texts] of Object.entries(siteRuleTexts) as [SeedId, readonly string[]][])
        for (const t of texts) expect(seed(id), id).toContain(t);
      for (const [id, t] of Object.entries(requestRuleTexts) as [SeedId, string][]) expect(seed(id), id).toContain(t);
      for (const [id, t] of Object.entries(quotaTexts) as [SeedId, string][]) expect(seed(id), id).toContain(t);
    });

    it('the research sections the contract cites are headings of their notes', () => {
      const anchor = (heading: string) =>
        heading
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-');
      for (const [note, sections] of Object.entries(researchSections)) {
        const headings = readFileSync(join(researchDir, `${note}.md`), 'utf8')
          .split('\n')
          .filter((l) => /^#+ /.test(l))
          .map((l) => anchor(l.replace(/^#+ /, '')));
        for (const section of sections) expect(headings, `${note}#${section}`).toContain(section);
      }
    });

    it('the gateway rows and the Missing{Parameter} form stand in wire-protocol.md', () => {
      const text = readFileSync(wireProtocol, 'utf8');
      for (const [, code, message] of gatewayErrors) {
        expect(text).toContain(code);
        expect(text).toContain(message);
      }
      expect(text).toContain(`\`${missingParameterForm.code}\``);
      expect(text).toContain(`\`${missingParameterForm.message}\``);
      for (const rows of Object.values(missingParameter)) {
        for (const [status, code, message] of rows) {
          const parameter = code.slice('Missing'.length);
          expect(status).toBe(400);
          expect(message).toBe(missingParameterForm.message.replace('{Parameter}', parameter));
        }
      }
    });
  },
);
