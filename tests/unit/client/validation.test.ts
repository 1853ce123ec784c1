// Every constraint of the contract (x-acs-errors, x-acs-request-rules, x-acs-site-rules) is enforced by the client
// before anything is sent: the capture server must see nothing. The cases are derived from generated/contract.ts, and
// the test checks that every code those rules can answer with was exercised.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  createClient,
  ResourceDirectoryClientError,
  ResourceDirectoryCredentialsError,
  ResourceDirectoryValidationError,
  type ClientOptions,
  type ResourceDirectoryClient,
} from '../../../packages/client/src/index.js';
import { contract } from '../../../generated/contract.js';
import type { ClientActionName } from '../../../generated/contract.js';
import type { ActionRules, JsonSchema, ParameterRule, Site } from '../../../generated/contract.js';
import { apiActions, RM } from '../../fixtures/seed-facts.js';
import { contracts, type Json } from '../../helpers/contract.js';
import { useCaptureServer } from '../../helpers/capture-server.js';

const server = useCaptureServer();

const client = (extra: Partial<ClientOptions> = {}): ResourceDirectoryClient =>
  createClient({ endpoint: server.origin, accessKeyId: 'id', accessKeySecret: 'ValidationSecret0123', ...extra });

type Params = Record<string, unknown>;
const call = (c: ResourceDirectoryClient, action: string, params: Params) =>
  (c[action as ClientActionName] as (p: Params) => Promise<unknown>)(params);

const rules = contract.apis['ResourceManager/2020-03-31'];
const actions = Object.entries(rules.actions) as [ClientActionName, ActionRules][];
const ajv = new Ajv2020({ strict: false });
const matches = (schema: JsonSchema, v: unknown) => ajv.validate(schema, v) === true;

/** A complete valid parameter set per action (every parameter present), checked against the rules below. */
const VALID: Record<ClientActionName, Params> = {
  EnableResourceDirectory: {
    EnableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
    VerificationCode: '123456',
  },
  InitResourceDirectory: {},
  SendVerificationCodeForEnableRD: { SecureMobilePhone: '852-61234567' },
  GetResourceDirectory: {},
};
/** Values that break a parameter's schema, by schema type. */
const BROKEN: Record<string, unknown[]> = { string: ['!!', 'x'.repeat(200)], boolean: ['maybe'] };
/** Candidates for site rules: valid for the shared schema, and for one site only. */
const SITE_CANDIDATES = ['user01', 'user01@rdadmin.aliyunid.com', '86-13900001234', '852-61234567'];

/** Every code the rules of an action can answer with. */
function ruleCodes(a: ActionRules): Set<string> {
  const out = new Set<string>();
  for (const p of a.parameters) {
    if (p.required && p.errors.missing) out.add(p.errors.missing);
    out.add(p.errors.invalid ?? 'InvalidParameter');
    for (const r of Object.values(p.siteRules ?? {})) if (r) out.add(r.error);
  }
  for (const r of a.requestRules)
    for (const n of (r.then.required as string[]) ?? []) {
      const p = a.parameters.find((q) => q.name === n);
      if (p?.errors.missing) out.add(p.errors.missing);
    }
  return out;
}

interface Case {
  name: string;
  action: ClientActionName;
  params: Params;
  site?: Site;
  code: string;
  parameter: string;
  kind: string;
}

function deriveCases(): Case[] {
  const cases: Case[] = [];
  for (const [action, a] of actions) {
    const valid = VALID[action];
    for (const p of a.parameters as readonly ParameterRule[]) {
      if (p.required) {
        const { [p.name]: _omit, ...without } = valid;
        cases.push({
          name: `${action}: ${p.name} missing`,
          action,
          params: without,
          code: p.errors.missing ?? `Missing${p.name}`,
          parameter: p.name,
          kind: 'missing',
        });
        cases.push({
          name: `${action}: ${p.name} empty`,
          action,
          params: { ...valid, [p.name]: '' },
          code: p.errors.missing ?? `Missing${p.name}`,
          parameter: p.name,
          kind: 'missing',
        });
      }
      for (const bad of BROKEN[String(p.schema.type)] ?? []) {
        expect(matches(p.schema, bad), `${p.name} ${String(bad)} should break the schema`).toBe(false);
        cases.push({
          name: `${action}: ${p.name}=${String(bad).slice(0, 12)} breaks the schema`,
          action,
          params: { ...valid, [p.name]: bad },
          code: p.errors.invalid ?? 'InvalidParameter',
          parameter: p.name,
          kind: 'schema',
        });
      }
      if (Array.isArray(p.schema.enum)) {
        cases.push({
          name: `${action}: ${p.name} not in the enum`,
          action,
          params: { ...valid, [p.name]: 'NotAValue' },
          code: p.errors.invalid ?? 'InvalidParameter',
          parameter: p.name,
          kind: 'schema',
        });
      }
      for (const site of ['intl', 'china'] as const) {
        const rule = p.siteRules?.[site];
        if (!rule) continue;
        const value = SITE_CANDIDATES.find((v) => matches(p.schema, v) && !matches(rule.schema, v));
        expect(value, `no candidate breaks ${action}.${p.name}'s ${site} rule`).toBeDefined();
        cases.push({
          name: `${action}: ${p.name}=${value} on the ${site} site`,
          action,
          params: { ...valid, [p.name]: value },
          site,
          code: rule.error,
          parameter: p.name,
          kind: 'site',
        });
      }
    }
    for (const r of a.requestRules) {
      // a parameter set that satisfies the rule's condition
      const cond = Object.fromEntries(
        Object.entries((r.if.properties ?? {}) as Record<string, { const: unknown }>).map(([k, s]) => [k, s.const]),
      );
      for (const n of (r.then.required as string[]) ?? []) {
        const p = a.parameters.find((q) => q.name === n)!;
        const { [n]: _omit, ...without } = { ...valid, ...cond };
        cases.push({
          name: `${action}: ${r.id} without ${n}`,
          action,
          params: without,
          code: p.errors.missing ?? `Missing${n}`,
          parameter: n,
          kind: 'request-rule',
        });
      }
    }
  }
  return cases;
}

const cases = deriveCases();

describe('the valid parameter sets are valid (else every refusal below proves nothing)', () => {
  it.each(actions.map(([a]) => a))('%s is sent, on both sites and with no site', async (action) => {
    // MAName user01 is the international form; the China site wants the suffix
    for (const site of [undefined, 'intl', 'china'] as const) {
      const params =
        site === 'china' && action === 'EnableResourceDirectory'
          ? { ...VALID[action], MAName: 'user01@rdadmin.aliyunid.com', MASecureMobilePhone: '86-13900001234' }
          : site === 'china' && action === 'SendVerificationCodeForEnableRD'
            ? { SecureMobilePhone: '86-13900001234' }
            : VALID[action];
      const { error } = (await call(client(site ? { site } : {}), action, params)) as { error?: unknown };
      expect(error).toBeUndefined();
    }
    expect(server.requests).toHaveLength(3);
  });
});

describe('every broken rule is refused before sending', () => {
  it.each(cases)('$name -> $code', async (c) => {
    const e = await call(client(c.site ? { site: c.site } : {}), c.action, c.params).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(server.requests, 'a request left the client').toHaveLength(0);
    expect(e).toBeInstanceOf(ResourceDirectoryValidationError);
    expect(e).toBeInstanceOf(ResourceDirectoryClientError);
    const v = e as ResourceDirectoryValidationError;
    expect(v.action).toBe(c.action);
    expect(v.violations.map((x) => [x.code, x.parameter, x.kind])).toContainEqual([c.code, c.parameter, c.kind]);
    // the first violation is the error's own code and parameter; the message names the parameter and the code
    expect(v.code).toBe(v.violations[0]!.code);
    expect(v.parameter).toBe(v.violations[0]!.parameter);
    expect(v.message).toContain(v.parameter);
    expect(v.message).toContain(v.code);
    expect(v.status).toBe(
      rules.actions[c.action].errors[v.code as keyof (typeof rules.actions)[typeof c.action]['errors']]?.status ?? 400,
    );
  });

  it("covers every code the contract's parameter rules can answer with", () => {
    for (const [action, a] of actions) {
      const seen = new Set(cases.filter((c) => c.action === action).map((c) => c.code));
      expect(
        [...ruleCodes(a)].filter((code) => !seen.has(code)),
        action,
      ).toEqual([]);
    }
    expect(cases.some((c) => c.kind === 'site')).toBe(true);
    expect(cases.some((c) => c.kind === 'request-rule')).toBe(true);
  });

  it(
    "has as many cases of each kind as the published description has rules (the seeds' actions and" + ' parameters)',
    () => {
      expect(actions.map(([a]) => a)).toEqual(Object.keys(apiActions[RM]!));
      for (const [action, a] of actions)
        expect(
          a.parameters.map((p) => p.name),
          action,
        ).toEqual(apiActions[RM]![action]!.parameters);
      // counted in generated/ResourceManager-2020-03-31/openapi.json: two per required parameter (missing, empty), one
      // per BROKEN value of its type and per enum, one per site rule and per parameter a request rule requires
      const c = contracts[RM]!;
      const count = { missing: 0, schema: 0, site: 0, 'request-rule': 0 };
      for (const { action, op } of c.operations) {
        const own = (op.parameters as Json[])
          .map((q) => c.deref(q))
          .filter((q) => apiActions[RM]![action]!.parameters.includes(q.name));
        for (const q of own) {
          const schema = c.deref(q.schema);
          if (q.required) count.missing += 2;
          count.schema += (BROKEN[String(schema.type)] ?? []).length + (Array.isArray(schema.enum) ? 1 : 0);
          count.site += Object.keys(q['x-acs-site-rules'] ?? {}).length;
        }
        for (const r of (op['x-acs-request-rules'] ?? []) as Json[])
          count['request-rule'] += (r.then.required ?? []).length;
      }
      expect(count.missing + count.schema + count.site + count['request-rule']).toBeGreaterThan(0);
      for (const [kind, n] of Object.entries(count))
        expect(
          cases.filter((x) => x.kind === kind),
          kind,
        ).toHaveLength(n);
    },
  );

  it('the NewManagementAccount rule: all three missing fields are reported, most important first', async () => {
    const e = (await client()
      .EnableResourceDirectory({ EnableMode: 'NewManagementAccount' } as never)
      .catch((x: unknown) => x)) as ResourceDirectoryValidationError;
    expect(e.violations.map((v) => v.code)).toEqual([
      'MissingMAName',
      'MissingSecureMobilePhone',
      'MissingSecurityInfo',
    ]);
    expect(e.code).toBe('MissingMAName');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(
      /^EnableResourceDirectory: MissingMAName: MAName is required when EnableMode is NewManagementAccount/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('site rules apply only when a site is chosen', () => {
  it.each(cases.filter((c) => c.kind === 'site'))('$name is sent without `site`', async (c) => {
    const { error } = (await call(client(), c.action, c.params)) as { error?: unknown };
    expect(error).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});

describe('parameters the action does not have', () => {
  it('an unknown name is refused (InvalidParameter, kind unknown)', async () => {
    const e = (await call(client(), 'GetResourceDirectory', { Foo: 'bar' }).catch(
      (x: unknown) => x,
    )) as ResourceDirectoryValidationError;
    expect(e).toBeInstanceOf(ResourceDirectoryValidationError);
    expect(e).toMatchObject({ code: 'InvalidParameter', parameter: 'Foo' });
    expect(e.violations[0]!.kind).toBe('unknown');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    'Signature',
    'AccessKeyId',
    'SignatureNonce',
    'Timestamp',
    'SecurityToken',
    'Format',
    'SignatureMethod',
    'SignatureVersion',
  ])('the transport parameter %s cannot be smuggled in', async (name) => {
    const e = (await call(client(), 'EnableResourceDirectory', { EnableMode: 'CurrentAccount', [name]: 'x' }).catch(
      (x: unknown) => x,
    )) as ResourceDirectoryValidationError;
    expect(e).toMatchObject({ name: 'ResourceDirectoryValidationError', parameter: name });
    expect(e.violations[0]!.kind).toBe('transport');
    expect(server.requests).toHaveLength(0);
  });

  it('Action or Version with another value is refused, through the raw client too', async () => {
    const c = client();
    const raw = c.raw.POST as unknown as (p: string, i: object) => Promise<unknown>;
    await expect(
      raw('/#Action=GetResourceDirectory', {
        params: { query: { Action: 'EnableResourceDirectory', Version: '2020-03-31' } },
      }),
    ).rejects.toMatchObject({ parameter: 'Action' });
    await expect(
      raw('/#Action=GetResourceDirectory', {
        params: { query: { Action: 'GetResourceDirectory', Version: '2019-01-01' } },
      }),
    ).rejects.toMatchObject({ parameter: 'Version' });
    await expect(
      raw('/#Action=EnableResourceDirectory', {
        params: { query: { Action: 'EnableResourceDirectory', Version: '2020-03-31' } },
      }),
    ).rejects.toMatchObject({ code: 'MissingEnableMode' });
    await expect(raw('/#Action=DeleteEverything', { params: { query: {} } })).rejects.toMatchObject({
      code: 'InvalidAction.NotFound',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('credentials', () => {
  it('without an AccessKey pair nothing is sent', async () => {
    const names = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'] as const;
    const saved = names.map((n) => process.env[n]);
    for (const n of names) delete process.env[n];
    try {
      for (const opts of [{}, { accessKeyId: 'id' }, { accessKeySecret: 'secret' }]) {
        const e = await createClient({ endpoint: server.origin, ...opts })
          .GetResourceDirectory()
          .catch((x: unknown) => x);
        expect(e).toBeInstanceOf(ResourceDirectoryCredentialsError);
        expect(e).toMatchObject({ code: 'MissingCredentials' });
      }
    } finally {
      names.forEach((n, i) => {
        if (saved[i] !== undefined) process.env[n] = saved[i];
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('parameters are checked before credentials', async () => {
    const e = await createClient({ endpoint: server.origin, accessKeyId: '', accessKeySecret: '' })
      .EnableResourceDirectory({} as never)
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'MissingEnableMode' });
  });
});
