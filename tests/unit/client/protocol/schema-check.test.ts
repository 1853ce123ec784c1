// packages/client/src/protocol/schema-check.ts and the checks `npm run build` compiles (scripts/gen-17-checks.ts):
// the client validates with no JSON Schema library at run time, every schema it meets is compiled, the compiled
// checks decide as ajv compiling the same schema at run time decides, and a schema nobody compiled needs a compiler.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contract, type ActionRules, type JsonSchema } from '../../../../generated/contract.js';
import { checkAllParameters } from '../../../../packages/client/src/protocol/validate.js';
import { schemaCheck, type CheckSource } from '../../../../packages/client/src/protocol/schema-check.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../helpers/contract.js';

// The options packages/client/src/protocol/validate.ts compiled with at run time before the checks were compiled
// ahead of time (commit e49680f): the oracle.
const ajv = new Ajv2020({ allErrors: false, strict: true, coerceTypes: true });
const RUNS = 300;

describe('compiled schema checks', () => {
  it('the checks module imports nothing, and the client package no JSON Schema library', () => {
    const source = readFileSync(join(repoRoot, 'generated', 'schema-checks.js'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
    // a bundled ajv helper keeps its own source text in a string ('require("ajv/dist/runtime/...")'); no call remains
    expect(source.match(/require\(/g)?.length ?? 0).toBe(source.match(/'require\(/g)?.length ?? 0);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', 'client', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@rd-contract/contract', 'openapi-fetch']);
  });

  it('every schema the validator meets in every action of both APIs, for both sites, is compiled', () => {
    let actions = 0;
    const noCompiler: CheckSource = { schemaChecks: contract.schemaChecks };
    for (const [api, model] of Object.entries(contract.apis)) {
      for (const [action, rules] of Object.entries(model.actions as Readonly<Record<string, ActionRules>>)) {
        actions++;
        // Every parameter present (a value of its type) and every request rule's condition met, so that every check
        // runs.
        const values: Record<string, unknown> = Object.fromEntries(
          rules.parameters.map((p) => [p.name, p.schema.type === 'boolean' ? 'true' : 'x']),
        );
        for (const rule of rules.requestRules) {
          for (const [name, s] of Object.entries((rule.if.properties ?? {}) as Record<string, JsonSchema>))
            values[name] = s.const;
        }
        for (const site of [undefined, 'intl', 'china'] as const) {
          expect(() =>
            checkAllParameters(action as never, values, { contract, api: api as never, site }),
          ).not.toThrow();
        }
        for (const p of rules.parameters) {
          expect(schemaCheck({ type: 'object', properties: { value: p.schema } }, noCompiler)).toBeTypeOf('function');
          for (const rule of Object.values(p.siteRules ?? {}))
            expect(schemaCheck({ type: 'object', properties: { value: rule!.schema } }, noCompiler)).toBeTypeOf(
              'function',
            );
        }
        for (const rule of rules.requestRules) expect(schemaCheck(rule.if, noCompiler)).toBeTypeOf('function');
      }
    }
    expect(actions).toBe(7);
  });

  it('each compiled check decides as ajv compiling its schema at run time (values coerced alike)', () => {
    const keys = Object.keys(contract.schemaChecks);
    expect(keys.length).toBeGreaterThanOrEqual(9);
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'CurrentAccount',
        'NewManagementAccount',
        '86-13900001234',
        '852-61234567',
        '123456',
        'user01',
        'true',
        'false',
        '0',
        '1',
        '',
      ),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.double(),
    );
    let runs = 0;
    for (const key of keys) {
      const runtime = ajv.compile(JSON.parse(key));
      const compiled = contract.schemaChecks[key]!;
      fc.assert(
        fc.property(value, fc.dictionary(fc.constantFrom('EnableMode', 'MAName', 'DryRun'), value), (v, extra) => {
          runs++;
          const a = { value: v, ...extra };
          const b = { value: v, ...extra };
          expect(compiled(a)).toBe(runtime(b));
          expect(a).toEqual(b); // coerced the same way
        }),
        { numRuns: RUNS },
      );
    }
    expect(runs).toBeGreaterThanOrEqual(keys.length * RUNS);
  });
});

describe('schemaCheck: the seam for a contract given at run time', () => {
  const novel: JsonSchema = { type: 'object', properties: { value: { type: 'string', maxLength: 3 } } };

  it('a schema nobody compiled is a TypeError naming it, not a silent pass', () => {
    expect(() => schemaCheck(novel, { schemaChecks: {} })).toThrow(/No compiled check for the schema .*maxLength/);
    expect(() => schemaCheck(novel, { schemaChecks: contract.schemaChecks })).toThrow(TypeError);
  });

  it(
    'a check source with compileSchema compiles it; a compiled schema is found by its text, without the' + ' compiler',
    () => {
      let compiled = 0;
      const source: CheckSource = {
        schemaChecks: contract.schemaChecks,
        compileSchema: (s) => (compiled++, ajv.compile(s)),
      };
      const check = schemaCheck(novel, source);
      expect(check({ value: 'abc' })).toBe(true);
      expect(check({ value: 'abcd' })).toBe(false);
      expect(compiled).toBe(1);
      const known = JSON.parse(Object.keys(contract.schemaChecks)[0]!) as JsonSchema;
      expect(schemaCheck(known, source)).toBe(contract.schemaChecks[Object.keys(contract.schemaChecks)[0]!]);
      expect(compiled).toBe(1);
    },
  );

  it("the validator compiles a modified contract's new schema once, with the compiler it is given", () => {
    const api = contract.apis[contract.defaultApi];
    const enable = api.actions.EnableResourceDirectory;
    const maName = enable.parameters.find((p) => p.name === 'MAName')!;
    const modified = {
      ...contract,
      apis: {
        ...contract.apis,
        [contract.defaultApi]: {
          ...api,
          actions: {
            ...api.actions,
            EnableResourceDirectory: {
              ...enable,
              parameters: enable.parameters.map((p) =>
                p === maName ? { ...p, schema: { type: 'string', maxLength: 3 } } : p,
              ),
            },
          },
        },
      },
    };
    let compiled = 0;
    const options = { contract: modified, compileSchema: (s: object) => (compiled++, ajv.compile(s)) };
    const values = { EnableMode: 'CurrentAccount', MAName: 'abcd' };
    const codes = () => checkAllParameters('EnableResourceDirectory', values, options).map((v) => v.parameter);
    expect(codes()).toEqual(['MAName']);
    expect(codes()).toEqual(['MAName']);
    expect(compiled).toBe(1);
    // cached per schema object
    expect(() => checkAllParameters('EnableResourceDirectory', values, { contract: modified })).not.toThrow();
    const fresh = { ...modified, apis: JSON.parse(JSON.stringify(modified.apis)) };
    expect(() => checkAllParameters('EnableResourceDirectory', values, { contract: fresh })).toThrow(
      /No compiled check/,
    );
  });
});
