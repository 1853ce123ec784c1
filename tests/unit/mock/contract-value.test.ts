// The contract is a value: a mock, a stateful emulator and a proxy given a changed contract answer from it, both its
// examples and its rules (a changed example, a changed pattern, an added required parameter, a changed response
// schema), and the same servers given @rd-contract/contract's value (the default) do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type ContractModel } from '../../../generated/contract.js';
import { createMockServer, type MockServer } from '../../../packages/mock/src/index.js';
import { createProxyServer, type ViolationRecord } from '../../../packages/mock/src/proxy/index.js';
import { send, STYLES } from '../../helpers/proxy.js';

import type { Json } from '../../helpers/contract.js';

const RM = 'ResourceManager/2020-03-31';
const NOT_IN_USE = contract.apis[RM].actions.GetResourceDirectory.errors.ResourceDirectoryNotInUse.message;
const CHANGED_MESSAGE = 'No resource directory here (a changed contract).';
const CHINA_PHONE = '86-13900001234';

/**
 * @rd-contract/contract's value with, in ResourceManager 2020-03-31: GetResourceDirectory's examples naming another
 * directory and another ResourceDirectoryNotInUse message, a new required parameter `Tag` of GetResourceDirectory,
 * SendVerificationCodeForEnableRD's SecureMobilePhone limited to Hong Kong numbers, and a response schema of
 * GetResourceDirectory with a required field `Extra`.
 */
function changedContract(): ContractModel {
  const changed: Json = { ...structuredClone({ ...contract, schemaChecks: {} }), schemaChecks: contract.schemaChecks };
  const rm = changed.apis[RM];
  const get = rm.actions.GetResourceDirectory;
  const swap = (parts: string[]) =>
    parts.map((p) => p.replaceAll('rd-St****', 'rd-Changed').replaceAll(NOT_IN_USE, CHANGED_MESSAGE));
  for (const e of get.examples) {
    e.json = swap(e.json);
    e.xml = swap(e.xml);
  }
  get.parameters = [
    { name: 'Tag', required: true, schema: { type: 'string' }, errors: { missing: 'MissingParameter' } },
  ];
  const phone = rm.actions.SendVerificationCodeForEnableRD.parameters.find((p: Json) => p.name === 'SecureMobilePhone');
  phone.schema = { ...phone.schema, pattern: '^852-[0-9]{8}$' };
  const response = rm.schemas.GetResourceDirectoryResponse;
  response.properties = { ...response.properties, Extra: { type: 'string' } };
  response.required = [...(response.required ?? []), 'Extra'];
  return changed;
}

const query = (params: Record<string, string>) =>
  new URLSearchParams({ Version: '2020-03-31', AccessKeyId: 'AK-CHANGED', ...params });

async function call(base: string, params: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/?${query(params)}`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

const servers: { close(): Promise<void> }[] = [];
async function mock(options: Parameters<typeof createMockServer>[0]): Promise<MockServer & { url: string }> {
  const m = createMockServer({ port: 0, ...options });
  await m.listen();
  servers.push(m);
  return m;
}
afterAll(async () => {
  for (const s of servers.splice(0).reverse()) await s.close();
});

describe.each([
  { name: 'the mock', stateful: false },
  { name: 'the stateful emulator', stateful: true },
])('$name given a changed contract', ({ stateful }) => {
  let changed: MockServer;
  let packaged: MockServer;
  beforeAll(async () => {
    changed = await mock({ contract: changedContract(), stateful });
    packaged = await mock({ stateful });
  });

  it('applies its rules: an added required parameter and a changed pattern', async () => {
    const missing = await call(changed.url, { Action: 'GetResourceDirectory' });
    expect([missing.status, missing.body.Code]).toEqual([400, 'MissingParameter']);
    expect(missing.body.Message).toBe('Tag is mandatory for this action.');
    const phone = await call(changed.url, {
      Action: 'SendVerificationCodeForEnableRD',
      SecureMobilePhone: CHINA_PHONE,
    });
    expect([phone.status, phone.body.Code]).toEqual([400, 'InvalidParameter']);
    // The packaged contract has neither rule.
    expect((await call(packaged.url, { Action: 'GetResourceDirectory' })).body.Code).not.toBe('MissingParameter');
    expect(
      (await call(packaged.url, { Action: 'SendVerificationCodeForEnableRD', SecureMobilePhone: CHINA_PHONE })).status,
    ).toBe(200);
  });

  it('answers its examples', async () => {
    const answer = await call(changed.url, { Action: 'GetResourceDirectory', Tag: 'x' });
    const before = await call(packaged.url, { Action: 'GetResourceDirectory', Tag: 'x' });
    if (stateful) {
      // The emulator answers from state (no directory yet), with the contract's error example.
      expect([answer.status, answer.body.Code, answer.body.Message]).toEqual([
        404,
        'ResourceDirectoryNotInUse',
        CHANGED_MESSAGE,
      ]);
      expect(before.body.Message).toBe(NOT_IN_USE);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.body.ResourceDirectory.ResourceDirectoryId).toBe('rd-Changed');
      expect(before.body.ResourceDirectory.ResourceDirectoryId).toBe('rd-St****');
    }
  });

  it.runIf(stateful)("checks a profile's phone against its SecureMobilePhone pattern", async () => {
    const patch = (base: string) =>
      fetch(`${base}/_emulator/accounts/AK-PHONE`, {
        method: 'POST',
        body: JSON.stringify({ phone: CHINA_PHONE }),
        headers: { 'content-type': 'application/json' },
      });
    const refused = await patch(changed.url);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toContain('^852-[0-9]{8}$');
    expect((await patch(packaged.url)).status).toBe(200);
  });
});

describe('the contract proxy given a changed contract', () => {
  let upstream: MockServer;
  async function proxy(options: { contract?: ContractModel }): Promise<{ url: string; records: ViolationRecord[] }> {
    const records: ViolationRecord[] = [];
    const p = createProxyServer({
      upstream: upstream.url,
      port: 0,
      onViolation: (_line, r) => records.push(r),
      ...options,
    });
    const url = await p.listen();
    servers.push(p);
    return { url, records };
  }
  beforeAll(async () => {
    upstream = await mock({});
  });

  it.each(STYLES)('checks requests and answers against it (%s), the packaged one does not', async (style) => {
    const changed = await proxy({ contract: changedContract() });
    const packaged = await proxy({});
    for (const via of [changed, packaged]) {
      const get = await send(style, via.url, { id: 'AK', secret: 'secret', action: 'GetResourceDirectory' });
      expect(get.status).toBe(200);
      const code = await send(style, via.url, {
        id: 'AK',
        secret: 'secret',
        action: 'SendVerificationCodeForEnableRD',
        params: { SecureMobilePhone: CHINA_PHONE },
      });
      expect(code.status).toBe(200);
    }
    const seen = (records: ViolationRecord[]) =>
      records.filter((r) => r.severity === 'error').map((r) => `${r.action} ${r.rule} ${r.where}`);
    expect(seen(changed.records)).toEqual([
      'GetResourceDirectory request.parameter query.Tag',
      'GetResourceDirectory response.body body.Extra',
      'SendVerificationCodeForEnableRD request.parameter query.SecureMobilePhone',
    ]);
    expect(seen(packaged.records)).toEqual([]);
  });
});
