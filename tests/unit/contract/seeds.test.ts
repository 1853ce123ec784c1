// The facts of the source documents (tests/fixtures/seed-facts.ts) against the contract: every error code of every
// action with its HTTP status and exact message, nothing undocumented, the parameters' wording, the samples.
// tests/unit/contract/seeds-crosscheck.test.ts checks those facts against the source documents themselves where they
// are present.
import { describe, expect, it } from 'vitest';
import { contracts, doc, errorCodes, operation, type Json } from '../../helpers/contract.js';
import {
  apiActions,
  chinaSiteEnable,
  errorDescriptions,
  gatewayErrors as gateway,
  getResourceDirectorySample,
  missingParameter,
  parameterFirstLines,
  RDM,
  seedApis,
} from '../../fixtures/seed-facts.js';

const apiCases = Object.entries(apiActions).map(([api, actions]) => ({ api, actions, contract: contracts[api]! }));

describe.each(apiCases)('$api holds every documented error code', ({ api, actions, contract }) => {
  it('has exactly its actions, each with its own parameters', () => {
    expect(contract.operations.map((o) => o.action).sort()).toEqual(Object.keys(actions).sort());
    const onEvery: string[] = contract.doc['x-acs-common-parameters'].operations;
    expect(onEvery).toEqual(['Action', 'Version']);
    for (const [action, { parameters }] of Object.entries(actions)) {
      const declared = (contract.operation(action).parameters as Json[]).map((p) => contract.deref(p).name);
      expect(declared, `${api} ${action}`).toEqual([...onEvery, ...parameters]);
    }
    expect(contract.doc.info.version).toBe(api.split('/')[1]);
  });

  it.each(Object.entries(actions))('%s: seed codes with their status and exact message', (action, { rows }) => {
    const inContract = contract.errorCodes(action);
    for (const [status, code, message] of rows) {
      const found = inContract.filter((e) => e.code === code);
      expect(found, `${action} ${code}`).toHaveLength(1);
      expect(found[0]!.status, `${action} ${code} status`).toBe(status);
      expect(found[0]!.message, `${action} ${code} message`).toBe(message);
    }
  });

  it.each(Object.keys(actions))('%s: the gateway errors with their status and message', (action) => {
    const inContract = contract.errorCodes(action);
    for (const [status, code, message] of [...gateway, ...(missingParameter[action] ?? [])]) {
      expect(inContract.find((e) => e.code === code && e.status === status)?.message, `${action} ${code}`).toBe(
        message,
      );
    }
  });

  it.each(Object.entries(actions))('%s: nothing undocumented slipped in', (action, { rows }) => {
    const allowed = new Set([...rows, ...gateway, ...(missingParameter[action] ?? [])].map(([s, c]) => `${s} ${c}`));
    const extra = contract
      .errorCodes(action)
      .map((e) => `${e.status} ${e.code}`)
      .filter((k) => !allowed.has(k));
    expect(extra).toEqual([]);
  });

  it('cites each source document by the API it documents', () => {
    const sources: Record<string, string> = contract.doc.info['x-acs-sources'];
    for (const [seed, apis] of Object.entries(seedApis)) {
      const names = apis.map((a) => a.replace('/', ' '));
      if (apis.length === 2)
        expect(sources[`seed:${seed}`], seed).toMatch(/names no version, and both APIs have the action/);
      else expect(sources[`seed:${seed}`], seed).toContain(`documents ${names[0]}`);
    }
  });
});

describe('the default API document (ResourceManager 2020-03-31)', () => {
  it(
    'the China site message of NotSupport.AccountInAnotherResourceDirectory is kept beside the international' + ' one',
    () => {
      const ex = errorCodes('EnableResourceDirectory').find(
        (e) => e.code === 'NotSupport.AccountInAnotherResourceDirectory',
      )!;
      const china = chinaSiteEnable.find(([, c]) => c === 'NotSupport.AccountInAnotherResourceDirectory')![2];
      expect(ex.example['x-acs-site-messages']?.china).toBe(china);
    },
  );

  it('every China site row is documented for EnableResourceDirectory', () => {
    const codes = new Set(errorCodes('EnableResourceDirectory').map((e) => e.code));
    for (const [, code] of chinaSiteEnable) expect(codes.has(code), code).toBe(true);
  });

  it.each(Object.entries(errorDescriptions))(
    "%s: error descriptions are the seed's descriptions (in the API the seed documents)",
    (action, { seed, byCode }) => {
      const documented = contracts[seedApis[seed][0]!]!.errorCodes(action);
      for (const [code, description] of Object.entries(byCode)) {
        expect(documented.find((e) => e.code === code)?.example.description, `${action} ${code}`).toBe(description);
      }
    },
  );
});

describe('the rest of the seeds', () => {
  it('InitResourceDirectory is deprecated and points to EnableResourceDirectory', () => {
    const op = operation('InitResourceDirectory');
    expect(op.deprecated).toBe(true);
    expect(op.description).toContain('EnableResourceDirectory');
  });
  it('every request parameter of the seeds is declared with the seed wording', () => {
    const enable = contracts[RDM]!.operation('EnableResourceDirectory');
    const names = (enable.parameters as { $ref?: string; name?: string }[]).map(
      (p) => p.name ?? p.$ref!.split('/').pop(),
    );
    expect(names).toEqual(
      expect.arrayContaining(['EnableMode', 'MAName', 'MASecureMobilePhone', 'VerificationCode', 'DryRun']),
    );
    for (const [name, { seed, text }] of Object.entries(parameterFirstLines)) {
      for (const api of seedApis[seed])
        expect(
          (contracts[api]!.doc.components.parameters[name].description as string).split('\n')[0],
          `${api} ${name}`,
        ).toBe(text);
    }
    expect(doc.components.parameters.DryRun, 'ResourceManager 2020-03-31 has no DryRun').toBeUndefined();
  });
  it('the quota, RAM action and change history are recorded', () => {
    const send = operation('SendVerificationCodeForEnableRD');
    expect(send['x-acs-quota']).toMatchObject({
      limit: 100,
      period: 'day',
      error: 'SendValidateCodeExceedsLimitForAccount',
    });
    expect(send['x-acs-ram']).toMatchObject({
      action: 'resourcemanager:SendVerificationCodeForEnableRD',
      accessLevel: 'none',
      resourceType: 'All Resources',
    });
    const history = contracts[RDM]!.operation('EnableResourceDirectory')['x-acs-change-history'];
    expect(history[0]).toMatchObject({ date: '2023-12-21' });
    expect(JSON.stringify(history)).toContain('Added Input Parameters: DryRun');
    expect(
      operation('EnableResourceDirectory')['x-acs-change-history'],
      "the 2023-12-21 change is 2022-04-19's",
    ).toEqual([]);
    for (const c of Object.values(contracts))
      for (const { action, op } of c.operations)
        expect(op['x-acs-ram']?.action, action).toBe(`resourcemanager:${action}`);
  });
  it("the success samples are the seeds' samples", () => {
    const get = errorCodes('GetResourceDirectory');
    expect(get.length).toBeGreaterThan(0);
    const sample =
      operation('GetResourceDirectory').responses['200'].content['application/json'].examples.internationalSite.value;
    const { seed: _seed, ...seedSample } = getResourceDirectorySample;
    expect(sample).toEqual(seedSample);
  });
});
