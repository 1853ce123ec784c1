// Every example in each API's published description validates against its schema with ajv (draft 2020-12), not only by
// the linter; XML examples parse, have the schema's root element, and hold the same values as their JSON twins.
import { describe, expect, it } from 'vitest';
import { apiActions, documentedRows } from '../../fixtures/seed-facts.js';
import { contracts, parseXml, type Json } from '../../helpers/contract.js';

const isXml = (mediaType: string) => /[/+]xml$/.test(mediaType);

describe.each(Object.keys(contracts))('%s', (api) => {
  const { compileSchema, deref, doc, operations, responseExamples } = contracts[api]!;

  describe('response examples', () => {
    it('there are JSON and XML examples for every response of every operation', () => {
      expect(operations.map((o) => o.action)).toEqual(Object.keys(apiActions[api]!));
      for (const { action, op } of operations) {
        for (const status of Object.keys(op.responses)) {
          const media = responseExamples.filter((e) => e.action === action && e.status === status);
          expect(
            media.some((e) => e.mediaType === 'application/json'),
            `${action} ${status} JSON`,
          ).toBe(true);
          expect(
            media.some((e) => e.mediaType === 'text/xml'),
            `${action} ${status} XML`,
          ).toBe(true);
        }
      }
    });

    it(
      "the error examples are one per code the seeds give the action, the gateway's common codes and" +
        ' Missing{Parameter}, each in JSON and XML',
      () => {
        for (const action of Object.keys(apiActions[api]!)) {
          const expected = documentedRows(api, action)
            .map(([, code]) => code)
            .sort();
          const errors = responseExamples.filter((e) => e.action === action && Number(e.status) >= 400);
          expect(
            errors
              .filter((e) => e.mediaType === 'application/json')
              .map((e) => e.name)
              .sort(),
            action,
          ).toEqual(expected);
          expect(
            errors
              .filter((e) => e.mediaType === 'text/xml')
              .map((e) => e.name)
              .sort(),
            action,
          ).toEqual(expected);
        }
      },
    );

    it.each(responseExamples.map((e) => [`${e.action} ${e.status} ${e.mediaType} ${e.name}`, e] as const))(
      '%s validates',
      (_, e) => {
        if (isXml(e.mediaType)) {
          // An XML twin documents XML text: a string schema naming the root element; its content is the JSON twin's.
          expect(deref(e.schema).type).toBe('string');
          expect(typeof e.example.value).toBe('string');
          const twin = responseExamples.find(
            (j) =>
              j.action === e.action && j.status === e.status && j.name === e.name && j.mediaType === 'application/json',
          );
          expect(twin, 'JSON twin').toBeDefined();
          const { root, value } = parseXml(e.example.value);
          expect(root).toBe(deref(e.schema).xml?.name);
          expect(root).toBe(deref(twin!.schema).xml?.name);
          const validate = compileSchema(twin!.schema);
          expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
          expect(value).toEqual(twin!.example.value);
        } else {
          const validate = compileSchema(e.schema);
          expect(validate(e.example.value), JSON.stringify(validate.errors)).toBe(true);
        }
      },
    );

    it('an invalid example is caught (the check can fail)', () => {
      const e = responseExamples.find(
        (x) => x.action === 'GetResourceDirectory' && x.status === '200' && x.mediaType === 'application/json',
      )!;
      const broken = structuredClone(e.example.value);
      broken.ResourceDirectory.ControlPolicyStatus = 'On';
      expect(compileSchema(e.schema)(broken)).toBe(false);
      delete broken.RequestId;
      expect(compileSchema(e.schema)(broken)).toBe(false);
    });
  });

  describe('parameter examples', () => {
    const params = operations.flatMap(({ action, op }) =>
      (op.parameters as Json[]).map((p) => ({ action, p: deref(p) })),
    );
    const cases = params.flatMap(({ action, p }) => [
      ...(p.example !== undefined ? [[`${action} ${p.name} example`, p, p.example, undefined] as const] : []),
      ...Object.entries<Json>(p.examples ?? {}).map(
        ([name, ex]) => [`${action} ${p.name} ${name}`, p, deref(ex).value, name] as const,
      ),
    ]);

    it('every parameter has an example', () => {
      // each action's parameters: the common ones every operation declares, then the seeds' own ones
      const common: string[] = doc['x-acs-common-parameters'].operations;
      expect(params.map(({ action, p }) => `${action} ${p.name}`)).toEqual(
        Object.entries(apiActions[api]!).flatMap(([action, a]) =>
          [...common, ...a.parameters].map((name) => `${action} ${name}`),
        ),
      );
      expect(cases.length).toBeGreaterThanOrEqual(params.length);
      for (const { action, p } of params)
        expect(p.example !== undefined || Object.keys(p.examples ?? {}).length > 0, `${action} ${p.name}`).toBe(true);
    });

    it.each(cases)('%s validates', (_, p, value, name) => {
      const validate = compileSchema(p.schema);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      const site = name === 'chinaSite' ? 'china' : name === 'internationalSite' ? 'intl' : undefined;
      if (site && p['x-acs-site-rules']?.[site])
        expect(compileSchema(p['x-acs-site-rules'][site].schema)(value), `${p.name} ${site} site rule`).toBe(true);
    });
  });

  describe('schema and property examples', () => {
    const cases: [string, Json, unknown][] = [];
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
      if (schema.example !== undefined)
        cases.push([`${name} example`, { $ref: `#/components/schemas/${name}` }, schema.example]);
      for (const [i, ex] of (schema.examples ?? []).entries())
        cases.push([`${name} examples[${i}]`, { $ref: `#/components/schemas/${name}` }, ex]);
      for (const [prop, propSchema] of Object.entries<Json>(schema.properties ?? {})) {
        if (propSchema.example !== undefined) cases.push([`${name}.${prop} example`, propSchema, propSchema.example]);
      }
    }
    it('there are schema examples to check', () => expect(cases.length).toBeGreaterThan(20));
    it.each(cases)('%s validates', (_, schema, value) => {
      const validate = compileSchema(schema);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    });
  });
});
