// The one optional cross-check that reads outside this repository: the facts in tests/fixtures/seed-facts.ts against
// the source documents themselves, word for word. The documents sit beside the checkout for maintainers and CI
// (`../shared/seeds`, `../shared/research`); a user's clone does not have them, so there the check is reported as
// skipped, with the reason. Under CI=true their absence fails, as a missing Chromium does.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlossary } from '../scripts/docs/glossary.js';
import { repoRoot } from './helpers/contract.js';
import {
  chinaSiteEnable, errorDescriptions, gatewayErrors, getResourceDirectorySample, missingParameter, missingParameterForm,
  parameterFirstLines, seedTables, type SeedId,
} from './fixtures/seed-facts.js';

const sharedDir = join(repoRoot, '..', 'shared');
const seedsDir = join(sharedDir, 'seeds');
const wireProtocol = join(sharedDir, 'research', 'wire-protocol.md');
const missing = [seedsDir, wireProtocol].find((p) => !existsSync(p));
const reason = missing && `the source documents are not beside this checkout (${missing} does not exist)`;
const inCi = process.env.CI === 'true';
if (reason && !inCi) console.warn(`tests/seeds-crosscheck.test.ts skipped: ${reason}`);

describe('the source documents', () => {
  it.runIf(inCi)('are beside the checkout in CI', () => {
    expect(reason, 'CI must lay ../shared beside the clone for the word-for-word cross-check').toBeUndefined();
  });
});

describe.skipIf(reason !== undefined)('tests/fixtures/seed-facts.ts is faithful to the source documents, word for word', () => {
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

  it('the passages of seed 002 the zh-Hant docs quote (docs/i18n/glossary.yaml) stand in seed 002, word for word', () => {
    const text = seed('002');
    const { seed002 } = loadGlossary();
    expect(seed002.length).toBeGreaterThan(20);
    expect(seed002.filter((quote) => !text.includes(quote))).toEqual([]);
  });

  it('the China site rows stand in seed 002', () => {
    const text = seed('002');
    for (const [, code, message] of chinaSiteEnable) expect(text).toContain(`${code} ${message}`);
  });

  it.each(Object.entries(errorDescriptions))('%s: the error descriptions stand in their seed', (action, { seed: id, byCode }) => {
    const text = seed(id);
    const messages = new Map(seedTables[action]!.rows.map(([, code, message]) => [code, message]));
    for (const [code, description] of Object.entries(byCode)) {
      // The international Enable page (000) prints each description right after its message; "-" is its "none".
      expect(text, code).toContain(id === '000' ? `${messages.get(code)}${description}` : description);
    }
  });

  it('the parameters\' first lines stand in their seeds', () => {
    for (const [name, { seed: id, text }] of Object.entries(parameterFirstLines)) expect(seed(id), name).toContain(text);
  });

  it('the GetResourceDirectory sample stands in seed 004', () => {
    const { seed: id, RequestId, ResourceDirectory } = getResourceDirectorySample;
    const text = seed(id);
    expect(text).toContain(`"RequestId" : "${RequestId}"`);
    for (const [k, v] of Object.entries(ResourceDirectory)) expect(text, k).toContain(`"${k}" : "${v}"`);
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
});
