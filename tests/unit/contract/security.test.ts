// Credentials live in the security schemes, not in the operations: every operation of every published description
// (full and per action) declares Action, Version and its action's own parameters only; each security scheme lists
// its signing style's parameters (`x-acs-parameters`), the ones the contract model signs with; Format is a common
// parameter of every request (`x-acs-common-parameters.request`) that no operation declares.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../../generated/contract.js';
import { apiEntries, contracts, repoRoot, type Json } from '../../helpers/contract.js';

const STYLES = ['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const;

describe.each(apiEntries.map((a) => [a.id, a.folder] as const))('%s', (id, folder) => {
  const { doc, deref, operations } = contracts[id]!;
  const model = contract.shared; // what every API shares (the build refuses APIs that disagree on it)
  const perAction: Json[] = readdirSync(join(repoRoot, 'generated', folder, 'actions'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(repoRoot, 'generated', folder, 'actions', f), 'utf8')));

  it("each signing style is a security scheme naming its parameters, the model's signing parameters", () => {
    expect(doc.security).toEqual(STYLES.map((style) => ({ [style]: [] })));
    expect([
      doc.components.securitySchemes['ACS3-HMAC-SHA256'].name,
      doc.components.securitySchemes['HMAC-SHA1'].name,
    ]).toEqual(['Authorization', 'Signature']);
    for (const style of STYLES) {
      const scheme = doc.components.securitySchemes[style];
      const parameters: Json[] = scheme['x-acs-parameters'];
      expect(
        parameters.map((p) => p.name),
        style,
      ).toEqual(model.commonParameters.signing[style]);
      for (const p of parameters) expect(p['x-acs-signing'], `${style} ${p.name}`).toBe(style);
      expect(parameters.filter((p) => p['x-acs-errors']?.missing).map((p) => p.name)).toEqual(
        model.commonParameters.signingRequired[style],
      );
      expect(scheme.description).toMatch(
        /OpenAPI\s+has no scheme for a request signature: this\s+`apiKey` scheme stands for it/,
      );
    }
  });

  it('no operation, full or per action, declares a signing parameter, Format or an ACS3 routing header', () => {
    const common = new Set([
      ...model.commonParameters.signing['HMAC-SHA1'],
      ...model.commonParameters.signing['ACS3-HMAC-SHA256'],
      'Format',
    ]);
    const declared = [
      ...operations.map(({ action, op }) => ({
        where: action,
        names: (op.parameters as Json[]).map((p) => deref(p).name as string),
      })),
      ...perAction.flatMap((d) =>
        Object.values<Json>(d.paths['/']).map((op) => ({
          where: `per action ${op.operationId}`,
          names: (op.parameters as Json[]).map((p) => p.name as string),
        })),
      ),
    ];
    expect(declared.length).toBeGreaterThan(operations.length);
    for (const { where, names } of declared) {
      expect(names.slice(0, 2), where).toEqual(['Action', 'Version']);
      expect(
        names.filter((n) => common.has(n)),
        where,
      ).toEqual([]);
    }
  });

  it('Format is a parameter of every request that no operation declares, and the model routes with it', () => {
    expect(doc['x-acs-common-parameters'].request.map((p: Json) => p.name)).toEqual(['Format']);
    expect(model.commonParameters.routing).toEqual(['Action', 'Version', 'Format']);
    expect(doc.components.parameters.Format).toBeUndefined();
    expect(doc.components.parameters.AccessKeyId).toBeUndefined();
  });

  it('every per-action description keeps the security schemes with their parameters', () => {
    for (const d of perAction) {
      expect(d.security).toEqual(doc.security);
      expect(d.components.securitySchemes).toEqual(doc.components.securitySchemes);
    }
  });
});
