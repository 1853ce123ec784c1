// Compiled by tests/e2e/client-types.test.ts with `tsc --noEmit -p tests/types`: the client's types say what the
// contract says beyond each parameter's own type: its request rules (x-acs-request-rules), the codes a refused call
// throws with, and a call's own headers. Every `@ts-expect-error` must be needed.
import {
  createClient,
  ResourceDirectoryValidationError,
  type CallOptions,
  type EnableResourceDirectoryValidationCode,
  type ResourceDirectoryMaster20220419,
} from '../../packages/client/src/index.js';

const client = createClient({ accessKeyId: 'id', accessKeySecret: 'secret' });
const rdm = createClient({ api: 'ResourceDirectoryMaster/2022-04-19', accessKeyId: 'id', accessKeySecret: 'secret' });
const account = { MAName: 'user01', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' } as const;

/** EnableMode NewManagementAccount requires MAName, MASecureMobilePhone and VerificationCode; CurrentAccount none. */
export async function requestRules(): Promise<void> {
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount', MAName: 'user01' });
  await client.EnableResourceDirectory({ EnableMode: 'NewManagementAccount', ...account });
  const dry: ResourceDirectoryMaster20220419.EnableResourceDirectoryParams = {
    EnableMode: 'NewManagementAccount',
    ...account,
    DryRun: true,
  };
  await rdm.EnableResourceDirectory(dry);
  // @ts-expect-error NewManagementAccount without MAName, MASecureMobilePhone and VerificationCode
  await client.EnableResourceDirectory({ EnableMode: 'NewManagementAccount' });
  // @ts-expect-error NewManagementAccount without VerificationCode
  await client.EnableResourceDirectory({
    EnableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
  });
  // @ts-expect-error the same rule in ResourceDirectoryMaster 2022-04-19, DryRun or not
  await rdm.EnableResourceDirectory({ EnableMode: 'NewManagementAccount', DryRun: true });
  const mode = 'CurrentAccount' as 'CurrentAccount' | 'NewManagementAccount';
  // @ts-expect-error a mode that may be NewManagementAccount needs the account's fields
  await client.EnableResourceDirectory({ EnableMode: mode });
}

/** After instanceof, `action` tells the action and narrows `code` to the codes its parameter rules answer with. */
export function refusedCode(e: unknown): string {
  if (!(e instanceof ResourceDirectoryValidationError)) return 'not refused before sending';
  if (e.action === 'EnableResourceDirectory') {
    const code: EnableResourceDirectoryValidationCode = e.code;
    switch (code) {
      case 'InvalidParameter':
      case 'MissingEnableMode':
      case 'MissingMAName':
      case 'Invalid.VerificationCode':
      case 'InvalidParameter.ManagementAccountName':
      case 'InvalidParameter.ManagementAccountSecurityInfo':
      case 'MissingSecureMobilePhone':
      case 'MissingSecurityInfo':
        return code;
      default: {
        const _x: never = code;
        return _x;
      }
    }
  }
  if (e.action === 'GetResourceDirectory') {
    // @ts-expect-error GetResourceDirectory has no parameter that could be missing
    if (e.code === 'MissingMAName') return 'never';
    const only: 'InvalidParameter' = e.code;
    return only;
  }
  // @ts-expect-error a code the service answers after sending, never one the client refuses with
  if (e.code === 'EntityAlreadyExists.ResourceDirectory') return 'never';
  return `${e.action}: ${e.code} (${e.parameter}, HTTP ${e.status})`;
}

/** A call's own headers, e.g. Prefer to pick a mock's answer. */
export async function callHeaders(): Promise<void> {
  await client.GetResourceDirectory(undefined, { headers: { Prefer: 'code=404, example=ResourceDirectoryNotInUse' } });
  const options: CallOptions = { headers: { 'x-trace': 't-1' }, timeoutMs: 500 };
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' }, options);
  // @ts-expect-error a header's value is a string
  await client.GetResourceDirectory(undefined, { headers: { Prefer: 404 } });
}
