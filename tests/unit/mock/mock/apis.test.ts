// Two APIs on one port: the mock routes by Version / x-acs-version, answers an action a version lacks as the gateway
// answers an unknown action, and one emulator state is behind both (as on Alibaba). Alibaba's own code drives
// 2022-04-19 (the generic callApi of @alicloud/openapi-core, both signing styles); the wire of other real clients
// (Go SDK v1 / aliyun-cli, tea-rpc) is accepted for both versions, with signatures verified.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../../packages/client/src/index.js';
import type { ApiName } from '../../../../generated/contract.js';
import { newNonce, percentEncodeRpc, signRpc, utcTimestamp } from '../../../../packages/client/src/protocol/signing.js';
import { startEmulator, type Emu } from '../../../helpers/emulator.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's CommonJS modules are untyped here
const OpenApi: any = require('@alicloud/openapi-core');

const RM = {
  api: 'ResourceManager/2020-03-31',
  version: '2020-03-31',
  host: 'resourcemanager.aliyuncs.com',
  product: 'ResourceManager',
} as const;
const RDM = {
  api: 'ResourceDirectoryMaster/2022-04-19',
  version: '2022-04-19',
  host: 'resourcedirectory.aliyuncs.com',
  product: 'ResourceDirectoryMaster',
} as const;
const KEYS = {
  LTAI5tTerraform: 'terraform-secret-0123456789',
  LTAI5tGoSdk: 'go-sdk-secret-0123456789',
  LTAI5tTeaRpc: 'tea-rpc-secret-0123456789',
  LTAI5tGeneric: 'generic-secret-0123456789',
} as const;

let emu: Emu;
beforeAll(async () => {
  emu = await startEmulator({ verifySignatures: true, accessKeys: KEYS });
});
afterAll(async () => {
  expect(emu.problems).toEqual([]);
  await emu.close();
});

const client = <A extends ApiName>(
  api: A,
  id: keyof typeof KEYS,
  signatureAlgorithm: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1' = 'ACS3-HMAC-SHA256',
) => createClient({ api, endpoint: emu.url, accessKeyId: id, accessKeySecret: KEYS[id], signatureAlgorithm });

/** Classic HMAC-SHA1 signing parameters and signature over `params` (query and form body alike). */
const signed = (method: string, params: Record<string, string>, id: keyof typeof KEYS) => {
  const all = {
    ...params,
    AccessKeyId: id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: newNonce(),
    Timestamp: utcTimestamp(),
  };
  return { ...all, Signature: signRpc(method, all, KEYS[id]) };
};
const query = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${percentEncodeRpc(k)}=${percentEncodeRpc(v)}`)
    .join('&');
/** A signed POST with every parameter in the query; its status and JSON body. */
async function post(params: Record<string, string>, id: keyof typeof KEYS) {
  const r = await fetch(`${emu.url}/?${query(signed('POST', params, id))}`, { method: 'POST' });
  return { status: r.status, body: await r.json() };
}

describe('routing by version', () => {
  it(
    'InitResourceDirectory on 2022-04-19 is answered as an unknown action: 404 InvalidAction.NotFound, from that' +
      " API's host",
    async () => {
      const r = await post({ Action: 'InitResourceDirectory', Version: RDM.version }, 'LTAI5tTerraform');
      expect([r.status, r.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
      expect(r.body.HostId).toBe(RDM.host);
      expect(r.body.Recommend).toContain(`product=${RDM.product}`);
    },
  );

  it(
    'an unknown action is answered from the host of the version asked for (Version or x-acs-version), the default' +
      " API's without one",
    async () => {
      for (const api of [RM, RDM]) {
        const r = await post({ Action: 'DescribeNothing', Version: api.version }, 'LTAI5tTerraform');
        expect([r.status, r.body.Code, r.body.HostId]).toEqual([404, 'InvalidAction.NotFound', api.host]);
        expect(r.body.Recommend).toContain(`product=${api.product}&`);
        const acs3 = await fetch(`${emu.url}/`, {
          method: 'POST',
          headers: { 'x-acs-action': 'DescribeNothing', 'x-acs-version': api.version },
        });
        expect(acs3.status).toBe(404);
        expect(await acs3.json()).toMatchObject({ Code: 'InvalidAction.NotFound', HostId: api.host });
      }
      const unversioned = await post({ Action: 'DescribeNothing' }, 'LTAI5tTerraform');
      expect([unversioned.body.Code, unversioned.body.HostId]).toEqual(['InvalidAction.NotFound', RM.host]);
    },
  );

  it("Prefer / __example offers exactly the examples of that version's operation", async () => {
    const rdm = await post(
      { Action: 'EnableResourceDirectory', Version: RDM.version, __example: 'Invalid.AccountType' },
      'LTAI5tTerraform',
    );
    expect([rdm.status, rdm.body.Code]).toEqual([409, 'Invalid.AccountType']);
    const rm = await post(
      { Action: 'EnableResourceDirectory', Version: RM.version, __example: 'Invalid.AccountType' },
      'LTAI5tTerraform',
    );
    expect([rm.status, rm.body.Code]).toEqual([400, 'Mock.InvalidPrefer']);
    expect(rm.body.Message).not.toContain('Invalid.AccountType,');
  });

  it("each API's errors carry its own HostId and product", async () => {
    for (const api of [RM, RDM]) {
      const r = await post({ Action: 'EnableResourceDirectory', Version: api.version }, 'LTAI5tTerraform');
      expect([r.body.Code, r.body.HostId]).toEqual(['MissingEnableMode', api.host]);
      expect(r.body.Recommend).toContain(`product=${api.product}`);
    }
  });
});

describe('one emulator state behind both APIs', () => {
  it(
    "Terraform's sequence: InitResourceDirectory on 2020-03-31, then GetResourceDirectory on 2022-04-19 returns that" +
      ' directory',
    async () => {
      const init = await client(RM.api, 'LTAI5tTerraform', 'HMAC-SHA1').InitResourceDirectory();
      expect(init.error).toBeUndefined();
      const got = await client(RDM.api, 'LTAI5tTerraform').GetResourceDirectory();
      expect(got.data?.ResourceDirectory.ResourceDirectoryId).toBe(init.data!.ResourceDirectory.ResourceDirectoryId);
      expect(got.data?.ResourceDirectory.ControlPolicyStatus).toMatch(/^(Enabled|Disabled)$/);
      const again = await client(RDM.api, 'LTAI5tTerraform').EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
      expect(again.error?.Code).toBe('EntityAlreadyExists.ResourceDirectory');
    },
  );

  it(
    'a 2022-04-19 DryRun=true Enable changes nothing; DryRun=true sent to 2020-03-31 is ignored and enables for' +
      ' real',
    async () => {
      const ak = 'LTAI5tGeneric';
      const dry = await client(RDM.api, ak).EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: true });
      expect(dry.error).toBeUndefined();
      expect((await client(RM.api, ak).GetResourceDirectory()).error?.Code).toBe('ResourceDirectoryNotInUse');
      // Our client refuses DryRun on 2020-03-31; on the wire, the service ignores it: the mock does the same.
      const raw = await post(
        { Action: 'EnableResourceDirectory', Version: RM.version, EnableMode: 'CurrentAccount', DryRun: 'true' },
        ak,
      );
      expect(raw.status).toBe(200);
      expect((await client(RDM.api, ak).GetResourceDirectory()).data?.ResourceDirectory.ResourceDirectoryId).toBe(
        raw.body.ResourceDirectory.ResourceDirectoryId,
      );
    },
  );
});

describe("Alibaba's generic callApi (@alicloud/openapi-core) drives 2022-04-19", () => {
  it.each(['ACS3', 'v2'] as const)(
    '%s: GetResourceDirectory and SendVerificationCodeForEnableRD, signatures verified',
    async (style) => {
      const generic = new OpenApi.default(
        new OpenApi.$OpenApiUtil.Config({
          accessKeyId: 'LTAI5tGoSdk',
          accessKeySecret: KEYS.LTAI5tGoSdk,
          endpoint: `127.0.0.1:${emu.port}`,
          protocol: 'http',
          ...(style === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
        }),
      );
      const params = (action: string) =>
        new OpenApi.$OpenApiUtil.Params({
          action,
          version: RDM.version,
          protocol: 'HTTP',
          pathname: '/',
          method: 'POST',
          authType: 'AK',
          style: 'RPC',
          reqBodyType: 'formData',
          bodyType: 'json',
        });
      const runtime = { autoretry: false, maxAttempts: 0 };
      const sent = await generic.callApi(
        params('SendVerificationCodeForEnableRD'),
        new OpenApi.$OpenApiUtil.OpenApiRequest({ query: { SecureMobilePhone: '852-61234567' } }),
        runtime,
      );
      expect(sent.statusCode).toBe(200);
      const missing = await generic
        .callApi(params('GetResourceDirectory'), new OpenApi.$OpenApiUtil.OpenApiRequest({}), runtime)
        .catch((e: unknown) => e);
      expect((missing as { code?: string }).code).toBe('ResourceDirectoryNotInUse');
      const enabled = await generic.callApi(
        params('EnableResourceDirectory'),
        new OpenApi.$OpenApiUtil.OpenApiRequest({ query: { EnableMode: 'CurrentAccount', DryRun: 'true' } }),
        runtime,
      );
      expect(enabled.body.ResourceDirectory.ResourceDirectoryId).toMatch(/^rd-/);
    },
  );
});

describe('the wire of other real clients, signatures verified, on both versions', () => {
  it.each([RM, RDM])(
    'Go SDK v1 / aliyun-cli ($version): POST, every parameter in the query with RegionId, Format=JSON, an empty' +
      ' SignatureType, a form content type and an empty body',
    async ({ version }) => {
      const p = signed(
        'POST',
        {
          Action: 'GetResourceDirectory',
          Version: version,
          RegionId: 'cn-hangzhou',
          Format: 'JSON',
          SignatureType: '',
        },
        'LTAI5tGoSdk',
      );
      const r = await fetch(`${emu.url}/?${query(p)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      // The signature is verified; this account has no directory (the generic calls above only dry-ran).
      expect([r.status, (await r.json()).Code]).toEqual([404, 'ResourceDirectoryNotInUse']);
    },
  );

  it.each([RM, RDM])(
    'tea-rpc ($version): HMAC-SHA1 with Format=json and x-acs-action / x-acs-version headers, parameters in a signed' +
      ' form body',
    async ({ version }) => {
      const q = { Action: 'SendVerificationCodeForEnableRD', Version: version, Format: 'json' };
      const form = { SecureMobilePhone: '852-61234567' };
      const p = signed('POST', { ...q, ...form }, 'LTAI5tTeaRpc');
      const inQuery = Object.fromEntries(Object.entries(p).filter(([k]) => !(k in form)));
      const r = await fetch(`${emu.url}/?${query(inQuery)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-acs-action': q.Action,
          'x-acs-version': version,
        },
        body: query(form),
      });
      expect([r.status, await r.text()]).toEqual([200, expect.stringContaining('"RequestId"')]);
    },
  );
});
