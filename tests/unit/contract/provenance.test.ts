// Every fact traceable to its source. In every published description (full and per action): every operation,
// parameter, error code, sample (request, response, parameter example), constrained schema, site and request rule,
// quota, security scheme, header and gateway response says where it comes from (`x-acs-sources`, in the vocabulary of
// scripts/contract/sources.js), and a sample no source gives is labelled as built by the contract. Every seed label is
// backed by the seeds' facts (tests/fixtures/seed-facts.ts, themselves checked word for word against the seeds by
// tests/unit/contract/seeds-crosscheck.test.ts), every research label names a section of a research note, and every SDK
// label an installed SDK that says so.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSource,
  provenanceItems,
  sourceProblems,
  type ProvenanceItem,
} from '../../../scripts/contract/sources.js';
import { deref as derefNode, localLookup } from '../../../scripts/contract/deref.js';
import {
  chinaSiteEnable,
  gatewayErrors,
  missingParameter,
  parameterExamples,
  quotaTexts,
  requestRuleTexts,
  researchSections,
  RM,
  sampleRequests,
  seedActions,
  seedParameters,
  seedTables,
  siteRuleTexts,
  successSamples,
  xmlSamples,
  apiActions,
  type Row,
  type SeedId,
} from '../../fixtures/seed-facts.js';
import { apiEntries, contracts, parseXml, repoRoot, type Json } from '../../helpers/contract.js';

const COMMON_PARAMETERS_LINE = '&<Common request parameters>';
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const requireFromRoot = createRequire(join(repoRoot, 'package.json'));

const leafValues = (v: unknown, out: string[] = []): string[] => {
  if (v !== null && typeof v === 'object') for (const x of Object.values(v)) leafValues(x, out);
  else out.push(String(v));
  return out;
};
const rowsOfSeed = (seed: SeedId, action: string): Row[] =>
  seed === '002' && action === 'EnableResourceDirectory'
    ? chinaSiteEnable
    : seedActions[seed] === action
      ? (seedTables[action]?.rows ?? [])
      : [];
const gatewayRow = (code: string): Row | undefined =>
  [...gatewayErrors, ...Object.values(missingParameter).flat()].find(([, c]) => c === code);

/** Refs reachable from a node (to find which operations use a schema). */
function refsBelow(node: unknown, lookup: ReturnType<typeof localLookup>, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsBelow(n, lookup, out));
  else if (node !== null && typeof node === 'object') {
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !out.has(ref)) {
      out.add(ref);
      refsBelow(lookup(ref, { $ref: ref }), lookup, out);
    }
    for (const v of Object.values(node)) refsBelow(v, lookup, out);
  }
  return out;
}

/**
 * What no fact backs, for one published description: `{ path, message }` for each seed, research or SDK label an
 * item carries that the facts do not back.
 */
export function backingProblems(doc: Json): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const lookup = localLookup(doc);
  const operations = Object.values<Json>(doc.paths).flatMap((item) => Object.values<Json>(item));
  const actionOf = (item: ProvenanceItem): string | undefined =>
    item.path[0] === 'paths' ? doc.paths[item.path[1]!][item.path[2]!].operationId.replace(/Get$/, '') : undefined;
  const usedBy = (pointer: string): { actions: Set<string>; parameters: Set<string> } => {
    const actions = new Set<string>();
    const parameters = new Set<string>();
    for (const op of operations) {
      if (refsBelow(op.responses, lookup).has(pointer)) actions.add(op.operationId.replace(/Get$/, ''));
      for (const p of op.parameters ?? []) {
        const param = derefNode(p, lookup);
        if (refsBelow(param, lookup).has(pointer)) parameters.add(param.name);
      }
    }
    return { actions, parameters };
  };
  for (const item of provenanceItems(doc)) {
    const where = item.path.join('/');
    const node = item.node;
    const labels: string[] = node['x-acs-sources'] ?? [];
    const parsed = labels.map(parseSource);
    const built = parsed.some((s) => s?.kind === 'inference');
    const fail = (label: string, why: string) => problems.push({ path: where, message: `${label}: ${why}` });
    // An error example's body, the XML twin's read as its JSON twin.
    const body =
      item.kind === 'example' &&
      item.mediaType === 'text/xml' &&
      (item.status === undefined || item.status >= 400) &&
      typeof node.value === 'string'
        ? parseXml(node.value).value
        : node.value;
    for (const [i, source] of parsed.entries()) {
      const label = labels[i]!;
      if (!source) continue; // sourceProblems reports it
      if (source.kind === 'research') {
        if (!researchSections[source.note]?.includes(source.section))
          fail(label, 'no such section is recorded for the note (researchSections)');
        if (item.kind === 'example' && source.section === 'gateway-common-errors-before-the-action-runs') {
          const row = gatewayRow(body?.Code ?? '');
          if (!row || row[2] !== body?.Message || (item.status !== undefined && row[0] !== item.status))
            fail(label, `the gateway's rows do not have ${body?.Code} with this status and message`);
        }
        continue;
      }
      if (source.kind === 'sdk') {
        if (!(source.package in (pkg.devDependencies ?? {}))) fail(label, 'not an installed SDK (devDependencies)');
        if (source.package === '@alicloud/resourcemanager20200331') {
          const names = Object.values<string>(requireFromRoot(source.package).EnableResourceDirectoryRequest.names());
          if (names.includes('DryRun'))
            fail(label, 'its EnableResourceDirectoryRequest has DryRun, which the contract cites it for lacking');
          for (const p of apiActions[RM]!.EnableResourceDirectory!.parameters)
            if (!names.includes(p)) fail(label, `its EnableResourceDirectoryRequest lacks ${p}`);
        }
        continue;
      }
      if (source.kind !== 'seed') continue;
      const seed = source.seed as SeedId;
      const action = actionOf(item) ?? item.action;
      switch (item.kind) {
        case 'operation':
          if (seedActions[seed] !== action) fail(label, `seed ${seed} documents ${seedActions[seed]}, not ${action}`);
          break;
        case 'parameter':
          if (!seedParameters[seed].includes(node.name)) fail(label, `seed ${seed} has no parameter ${node.name}`);
          if (node.example !== undefined && !built && !leafValues(parameterExamples).includes(String(node.example)))
            fail(label, `no seed gives the example ${node.example}`);
          break;
        case 'example': {
          if (item.parameter !== undefined) {
            // A built example may cite a seed for a rule it follows; a source's example is that seed's, for that
            // parameter.
            if (!built && parameterExamples[seed]?.[item.parameter] !== node.value)
              fail(label, `seed ${seed} gives ${item.parameter} no example ${node.value}`);
          } else if (item.status !== undefined && item.status < 300) {
            if (seedActions[seed] !== action) fail(label, `seed ${seed} documents ${seedActions[seed]}, not ${action}`);
            else if (built) break;
            else if (item.mediaType === 'text/xml') {
              const lines = String(node.value)
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean);
              if (JSON.stringify(lines) !== JSON.stringify(xmlSamples[seed]))
                fail(label, `seed ${seed} gives no such XML sample`);
            } else if (JSON.stringify(node.value) !== JSON.stringify(successSamples[seed]))
              fail(label, `the value is not seed ${seed}'s sample, field for field in its order`);
          } else {
            const rows = rowsOfSeed(seed, action ?? '');
            const row = rows.find(([, code]) => code === body?.Code);
            const messages = [body?.Message, ...Object.values<string>(node['x-acs-site-messages'] ?? {})];
            if (!row || !messages.includes(row[2]) || (item.status !== undefined && row[0] !== item.status))
              fail(label, `seed ${seed} has no row ${item.status} ${body?.Code} for ${action} with this message`);
          }
          break;
        }
        case 'sample-request': {
          if (seedActions[seed] !== action) fail(label, `seed ${seed} documents ${seedActions[seed]}, not ${action}`);
          const facts = sampleRequests[seed];
          if (!facts) fail(label, `seed ${seed} gives no sample request`);
          else if (!built && String(node.value) !== [...facts.lines, COMMON_PARAMETERS_LINE].join('\n'))
            fail(label, `the request is not seed ${seed}'s`);
          break;
        }
        case 'schema': {
          const component =
            item.path[0] === 'components' && item.path[1] === 'schemas'
              ? `#/components/schemas/${item.path[2]}`
              : undefined;
          if (component) {
            const { actions, parameters } = usedBy(component);
            if (!actions.has(seedActions[seed]) && !seedParameters[seed].some((p) => parameters.has(p)))
              fail(label, `no action or parameter of seed ${seed} uses this schema`);
          }
          const examples = [...(node.example !== undefined ? [node.example] : []), ...(node.examples ?? [])];
          const cited = parsed.filter((s) => s?.kind === 'seed').map((s) => (s as { seed: SeedId }).seed);
          const known = cited.flatMap((s) => [
            ...leafValues(successSamples[s]),
            ...Object.values(parameterExamples[s] ?? {}),
          ]);
          if (!built)
            for (const e of examples)
              if (!known.includes(String(e))) fail(label, `no cited seed gives the example ${e}`);
          break;
        }
        case 'site-rule':
          if (seed !== node.source && !rowsOfSeed(seed, seedActions[seed]).some(([, code]) => code === node.error))
            fail(label, `seed ${seed} neither states this rule nor documents ${node.error}`);
          if (seed === node.source && !siteRuleTexts[seed]?.some((t) => String(node.text).includes(t)))
            fail(label, `the rule's text is not seed ${seed}'s`);
          break;
        case 'request-rule':
          if (!requestRuleTexts[seed]) fail(label, `seed ${seed} states no such rule`);
          break;
        case 'quota':
          if (quotaTexts[seed] !== node.text || node.source !== seed) fail(label, `seed ${seed} states no such quota`);
          break;
        case 'header':
          if (!leafValues(successSamples[seed]).includes(String(node.example)))
            fail(label, `seed ${seed} gives no ${node.example}`);
          break;
        default:
          fail(label, `no fact of seed ${seed} backs a ${item.kind}`);
      }
    }
  }
  return problems;
}

const published = apiEntries.flatMap(({ id, folder }) => [
  { name: `${folder}/openapi.json`, doc: contracts[id]!.doc },
  ...readdirSync(join(repoRoot, 'generated', folder, 'actions'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      name: `${folder}/actions/${f}`,
      doc: JSON.parse(readFileSync(join(repoRoot, 'generated', folder, 'actions', f), 'utf8')),
    })),
]);

describe.each(published.map((p) => [p.name, p.doc] as const))('%s', (name, doc) => {
  it('every item says where it comes from, in the vocabulary, and labels built samples as built', () => {
    expect(sourceProblems(doc)).toEqual([]);
  });
  // The per-action descriptions are built from the full ones and carry their items' sources as they are.
  it.runIf(name.endsWith('/openapi.json'))('every seed, research and SDK label is backed by the facts', () => {
    expect(backingProblems(doc)).toEqual([]);
  });
});

describe('provenance across the APIs', () => {
  it('each kind of source info.x-acs-sources lists is used by some API', () => {
    const kinds = new Set(Object.values(contracts).flatMap((c) => Object.keys(c.doc.info['x-acs-sources'])));
    const used = new Set(
      Object.values(contracts).flatMap((c) =>
        provenanceItems(c.doc).flatMap((i) => (i.node['x-acs-sources'] ?? []).map((l: string) => parseSource(l)?.key)),
      ),
    );
    expect([...kinds].filter((k) => !used.has(k))).toEqual([]);
    expect([...kinds]).toEqual(expect.arrayContaining(['seed:000', 'seed:004', 'research:wire-protocol', 'inference']));
  });

  it('the items are many and of every kind', () => {
    const kinds = new Map<string, number>();
    for (const c of Object.values(contracts))
      for (const i of provenanceItems(c.doc)) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
    for (const kind of [
      'operation',
      'parameter',
      'example',
      'sample-request',
      'schema',
      'site-rule',
      'request-rule',
      'quota',
      'security-scheme',
      'header',
      'response',
    ]) {
      expect(kinds.get(kind), kind).toBeGreaterThan(0);
    }
    expect(kinds.get('example')).toBeGreaterThan(100);
  });
});

describe('the checks can fail', () => {
  const rm = () => structuredClone(contracts[RM]!.doc);
  const enable = (doc: Json) => doc.paths['/#Action=EnableResourceDirectory'].post;

  it('an error code, a sample, a constraint or a sample request without a source', () => {
    const doc = rm();
    delete enable(doc).responses['409'].content['application/json'].examples['Invalid.EnterpriseName']['x-acs-sources'];
    delete enable(doc).responses['200'].content['text/xml'].examples.internationalSite['x-acs-sources'];
    delete doc.components.schemas.VerificationCode['x-acs-sources'];
    delete enable(doc)['x-acs-sample-requests'][0]['x-acs-sources'];
    const messages = sourceProblems(doc).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'example Invalid.EnterpriseName says nowhere where it comes from (x-acs-sources).',
        'example internationalSite says nowhere where it comes from (x-acs-sources).',
        'schema VerificationCode says nowhere where it comes from (x-acs-sources).',
        'sample-request 0 says nowhere where it comes from (x-acs-sources).',
      ]),
    );
  });

  it("a label outside the vocabulary, a kind info does not list, a sample labelled as a seed's that is built", () => {
    const doc = rm();
    doc.components.parameters.EnableMode['x-acs-sources'].push('seed:005', 'inference: no full stop');
    delete doc.info['x-acs-sources']['research:api-versions'];
    enable(doc)['x-acs-sample-requests'][0]['x-acs-sources'].push('inference: pretended.');
    const messages = sourceProblems(doc)
      .map((p) => p.message)
      .join('\n');
    expect(messages).toContain('"seed:005" is not a source');
    expect(messages).toContain('"inference: no full stop" is not a source');
    expect(messages).toContain('info.x-acs-sources does not list research:api-versions.');
    expect(messages).toContain(
      '"Sample request (seed 002)" has an inference among its sources: its summary must say it is built by the' +
        ' contract.',
    );
  });

  it('a seed label the facts do not back', () => {
    const doc = rm();
    enable(doc).responses['409'].content['application/json'].examples['Invalid.EnterpriseName']['x-acs-sources'] = [
      'seed:003',
      'research:wire-protocol#responses',
    ];
    enable(doc).responses['200'].content['application/json'].examples.internationalSite.value.RequestId =
      'C0FFEE00-0000-0000-0000-000000000000';
    enable(doc)['x-acs-sample-requests'][0].value = enable(doc)['x-acs-sample-requests'][0].value.replace(
      'resourcemanager',
      'resourcedirectory',
    );
    doc.components.parameters.MAName.examples.chinaSite.value = 'user02@rdadmin.aliyunid.com';
    doc.components.schemas.ControlPolicyStatus['x-acs-sources'] = ['seed:001'];
    enable(doc)['x-acs-sources'].push('research:wire-protocol#no-such-section');
    const messages = backingProblems(doc)
      .map((p) => p.message)
      .join('\n');
    expect(messages).toContain(
      'seed:003: seed 003 has no row 409 Invalid.EnterpriseName for EnableResourceDirectory with this message',
    );
    expect(messages).toContain("seed:000: the value is not seed 000's sample");
    expect(messages).toContain("seed:002: the request is not seed 002's");
    expect(messages).toContain('seed:002: seed 002 gives MAName no example user02@rdadmin.aliyunid.com');
    expect(messages).toContain('seed:001: no action or parameter of seed 001 uses this schema');
    expect(messages).toContain('research:wire-protocol#no-such-section: no such section is recorded');
  });

  it('a summary naming a seed its sources do not', () => {
    const doc = rm();
    doc.components.parameters.MAName.examples.chinaSite.summary = 'China site form (seed 004)';
    expect(sourceProblems(doc).map((p) => p.message)).toContain(
      '"China site form (seed 004)" names seed 004, which its x-acs-sources do not.',
    );
  });
});
