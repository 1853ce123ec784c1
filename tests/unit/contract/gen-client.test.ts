// scripts/gen-20-client.ts: generated/<Product>-<version>/action-types.ts is what the generator makes of the bundled
// contract, deterministically, and the generator refuses a contract whose parameter rules answer with a code the action
// does not document.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deref, localLookup } from '../../../scripts/contract/deref.js';
import { buildApiModel } from '../../../scripts/gen-15-rules.js';
import { renderClient } from '../../../scripts/gen-20-client.js';
import { clientActions } from '../../../generated/ResourceManager-2020-03-31/action-types.js';
import { contract, type operations } from '../../../generated/contract.js';
import { apiActions, documentedRows, RM } from '../../fixtures/seed-facts.js';

const rules = contract.apis['ResourceManager/2020-03-31'];

const repo = join(import.meta.dirname, '..', '..', '..');
const doc = JSON.parse(readFileSync(join(repo, 'generated', 'ResourceManager-2020-03-31', 'openapi.json'), 'utf8'));

describe('gen-20-client', () => {
  it('renders generated/ResourceManager-2020-03-31/action-types.ts byte for byte, twice the same', () => {
    const first = renderClient(structuredClone(doc), buildApiModel(structuredClone(doc)));
    expect(renderClient(structuredClone(doc), buildApiModel(structuredClone(doc)))).toBe(first);
    expect(readFileSync(join(repo, 'generated', 'ResourceManager-2020-03-31', 'action-types.ts'), 'utf8')).toBe(first);
  });

  it('has one method per operation, named as the operationId, with its parameters minus the transport ones', () => {
    const ops = Object.values<
      Record<string, { operationId: string; parameters: { name?: string; in?: string; $ref?: string }[] }>
    >(doc.paths).flatMap((p) => Object.values(p));
    expect(Object.keys(clientActions)).toEqual(ops.map((o) => o.operationId));
    expect(Object.keys(clientActions)).toEqual(Object.keys(apiActions[RM]!));
    for (const [name, spec] of Object.entries(clientActions)) {
      expect(spec.parameters).toEqual(rules.actions[name as keyof typeof rules.actions].parameters.map((p) => p.name));
      // the seeds' own parameters of the action, and one error code per seed row, gateway code and Missing{Parameter}
      expect(spec.parameters).toEqual(apiActions[RM]![name]!.parameters);
      expect([...spec.errorCodes].sort()).toEqual(
        documentedRows(RM, name)
          .map(([, code]) => code)
          .sort(),
      );
      for (const t of [
        'Action',
        'Version',
        'Format',
        'AccessKeyId',
        'Signature',
        'SignatureNonce',
        'Timestamp',
        'SecurityToken',
      ])
        expect(spec.parameters).not.toContain(t);
      expect(spec.errorCodes).toEqual(Object.keys(rules.actions[name as keyof typeof rules.actions].errors));
    }
    // the params type is a Pick of the openapi-typescript operation: a wire name the contract renames breaks the build
    const check: operations['EnableResourceDirectory']['parameters']['query']['EnableMode'] = 'CurrentAccount';
    expect(check).toBe('CurrentAccount');
  });

  it('refuses a parameter rule that answers with an undocumented code', () => {
    const broken = structuredClone(doc);
    const op = broken.paths['/#Action=EnableResourceDirectory'].post;
    const p = op.parameters
      .map((x: unknown) => deref(x, localLookup(broken)))
      .find((x: { name: string }) => x.name === 'VerificationCode');
    p['x-acs-errors'] = { ...p['x-acs-errors'], invalid: 'Invalid.NotDocumentedAnywhere' };
    expect(() => renderClient(broken, buildApiModel(broken))).toThrow(
      /VerificationCode answers Invalid\.NotDocumentedAnywhere/,
    );
  });

  it(
    'refuses a required parameter whose missing code is not documented (the validator would answer' +
      ' MissingParameter)',
    () => {
      const broken = structuredClone(doc);
      const op = broken.paths['/#Action=EnableResourceDirectory'].post;
      const p = op.parameters
        .map((x: unknown) => deref(x, localLookup(broken)))
        .find((x: { name: string }) => x.name === 'EnableMode');
      delete p['x-acs-errors'].missing;
      expect(() => renderClient(broken, buildApiModel(broken))).toThrow(/EnableMode answers MissingParameter/);
    },
  );

  it(
    'makes the parameters a union from x-acs-request-rules: with the rule, NewManagementAccount requires the account' +
      ' fields; without it, a plain Pick',
    () => {
      const rendered = renderClient(structuredClone(doc), buildApiModel(structuredClone(doc)));
      const params = /export type EnableResourceDirectoryParams = [^;]+;/.exec(rendered)![0];
      expect(params).toContain(
        '({ EnableMode: "NewManagementAccount" } & Required<Pick<EnableResourceDirectoryQuery, "MAName" |' +
          ' "MASecureMobilePhone" | "VerificationCode">>)',
      );
      expect(params).toContain(
        '{ EnableMode: Exclude<EnableResourceDirectoryQuery["EnableMode"], "NewManagementAccount"> }',
      );
      const ruleless = structuredClone(doc);
      delete ruleless.paths['/#Action=EnableResourceDirectory'].post['x-acs-request-rules'];
      const plain = /export type EnableResourceDirectoryParams = [^;]+;/.exec(
        renderClient(ruleless, buildApiModel(ruleless)),
      )![0];
      expect(plain).toBe(
        'export type EnableResourceDirectoryParams = Pick<EnableResourceDirectoryQuery, "EnableMode" | "MAName" |' +
          ' "MASecureMobilePhone" | "VerificationCode">;',
      );
    },
  );

  it('refuses a request rule the types cannot say (not "if <parameter> is <value>, <parameters> are required")', () => {
    const broken = structuredClone(doc);
    const rules = broken.paths['/#Action=EnableResourceDirectory'].post['x-acs-request-rules'];
    rules[0].if.properties.EnableMode = { enum: ['NewManagementAccount', 'CurrentAccount'] };
    expect(() => renderClient(broken, buildApiModel(broken))).toThrow(
      /request rule NewManagementAccountRequiresAccountFields is not/,
    );
  });
});
