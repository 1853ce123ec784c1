// The version comparison pages: generated from the two APIs' published descriptions (a change in a description
// changes the page), in both languages, with the source of each difference and links into each API's page.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codesOnlyIn, compareApis } from '../../../scripts/docs/compare.js';
import { comparePage } from '../../../scripts/docs/compare-page.js';
import { listOperations, type Document, type Parameter } from '../../../scripts/docs/contract.js';
import { compareFile, EDITIONS, translatorFor } from '../../../scripts/docs/editions.js';
import { loadDocsSite } from '../../../scripts/gen-30-docs.js';

const site = loadDocsSite();
const [rm, rdm] = site.apis;
const RM = 'ResourceManager/2020-03-31';
const RDM = 'ResourceDirectoryMaster/2022-04-19';

function enable(doc: Document) {
  return listOperations(doc).find(({ operation }) => operation.operationId === 'EnableResourceDirectory')!.operation;
}

/** A copy of an API with its description changed by `edit`. */
function edited(api: (typeof site.apis)[number], edit: (doc: Document) => void) {
  const contract = structuredClone(api.contract);
  edit(contract);
  return { ...api, contract };
}

describe('the version comparison', () => {
  const comparison = compareApis(site.apis);
  const action = (name: string) => comparison.actions.find((a) => a.action === name)!;

  it('covers every action of every API, in order, and says which APIs have each', () => {
    expect(comparison.actions.map((a) => [a.action, a.apis])).toEqual([
      ['EnableResourceDirectory', [RM, RDM]],
      ['InitResourceDirectory', [RM]],
      ['SendVerificationCodeForEnableRD', [RM, RDM]],
      ['GetResourceDirectory', [RM, RDM]],
    ]);
    const init = listOperations(rm.contract).find(
      ({ operation }) => operation.operationId === 'InitResourceDirectory',
    )!.operation;
    expect(action('InitResourceDirectory').presence).toEqual({ labels: [...(init['x-acs-sources'] ?? [])].sort() });
    expect(action('InitResourceDirectory').presence?.labels).toContain('seed:001');
  });

  it(
    'finds EnableResourceDirectory’s differences with their sources: DryRun (seed 000, 2023-12-21), two 409 codes' +
      ' (seed 000), the Version value',
    () => {
      const enableDiff = action('EnableResourceDirectory');
      const dryRun = enableDiff.parameters.find((d) => d.subject === 'DryRun')!;
      expect(dryRun.sides.get(RM)).toEqual({ present: false });
      expect(dryRun.sides.get(RDM)?.present).toBe(true);
      expect(dryRun.source.since).toBe('2023-12-21');
      expect(dryRun.source.labels).toContain('seed:000');
      expect(enableDiff.parameters.map((d) => d.subject)).toEqual(['Version', 'DryRun']);
      expect(enableDiff.errors.map((d) => [d.subject, d.source.labels.includes('seed:000')])).toEqual([
        ['NotSupport.Account.Site', true],
        ['Invalid.AccountType', true],
      ]);
      expect(enableDiff.behaviours).toEqual([]);
      expect(codesOnlyIn(comparison, 'EnableResourceDirectory', RDM, ['409'])).toEqual([
        'NotSupport.Account.Site',
        'Invalid.AccountType',
      ]);
      expect(codesOnlyIn(comparison, 'EnableResourceDirectory', RDM, ['400'])).toEqual([]);
      expect(codesOnlyIn(comparison, 'EnableResourceDirectory', RM)).toEqual([]);
    },
  );

  it(
    'is read from the descriptions: a parameter, a status or a deprecation changed in one of them shows up, one' +
      ' removed goes away',
    () => {
      const withoutDryRun = edited(rdm, (doc) => {
        const op = enable(doc);
        op.parameters = op.parameters!.filter(
          (p) => !('$ref' in p && p.$ref.endsWith('/DryRun')) && (p as Parameter).name !== 'DryRun',
        );
      });
      expect(compareApis([rm, withoutDryRun]).actions[0].parameters.map((d) => d.subject)).not.toContain('DryRun');

      const moved = edited(rm, (doc) => {
        const responses = enable(doc).responses as Record<
          string,
          { content?: Record<string, { examples?: Record<string, unknown> }> }
        >;
        const conflict = responses['409'].content!['application/json'].examples!;
        responses['400'] = {
          content: {
            'application/json': { examples: { 'Invalid.EnterpriseName': conflict['Invalid.EnterpriseName'] } },
          },
        } as never;
        delete conflict['Invalid.EnterpriseName'];
      });
      const statusDiff = compareApis([moved, rdm]).actions[0].errors.find(
        (d) => d.subject === 'Invalid.EnterpriseName',
      )!;
      expect(statusDiff.sides.get(RM)).toMatchObject({ present: true, value: { status: '400' } });
      expect(statusDiff.sides.get(RDM)).toMatchObject({ present: true, value: { status: '409' } });

      const deprecated = edited(rdm, (doc) => {
        enable(doc).deprecated = true;
      });
      expect(compareApis([rm, deprecated]).actions[0].behaviours.map((d) => d.subject)).toEqual(['deprecated']);
    },
  );

  it.each(EDITIONS.map((edition) => [edition.lang, edition] as const))(
    'is published in %s as generated/docs/compare/…/index.html, exactly as built from the descriptions',
    (_lang, edition) => {
      const file = compareFile(edition);
      expect(existsSync(file), file).toBe(true);
      const html = readFileSync(file, 'utf8');
      expect(html === comparePage(site, edition, translatorFor(edition.lang)), `${file} is stale`).toBe(true);
      expect(html).toContain(`<html lang="${edition.lang}">`);
      for (const { action: name } of comparison.actions) expect(html).toContain(`<h2 id="${name}">`);
      // Links into the API pages: the action in each API that has it, each differing code in its error table.
      expect(html).toContain(
        `href="${edition.dir ? '../../' : '../'}ResourceDirectoryMaster-2022-04-19/` +
          `${edition.dir ? 'zh-Hant/' : ''}index.html` +
          '#/resourcedirectory/enableresourcedirectory#enableresourcedirectory-notsupport.account.site"',
      );
      expect(html).toContain(
        `href="${edition.dir ? '../../zh-Hant/' : '../'}index.html#/resourcedirectory/initresourcedirectory"`,
      );
      expect(html).toMatch(
        edition.lang === 'en' ? /seed 000; added on 2023-12-21/ : /來源文件 000；於 2023-12-21 新增/,
      );
    },
  );
});
