// Compiled by tests/e2e/client-types.test.ts with `tsc --noEmit -p tests/types`: what the client's types accept and
// refuse. Every `@ts-expect-error` must be needed (an unused one is an error), and the test also compiles this file
// with the directives removed to check that each of them marks exactly one error.
import {
  createClient,
  type EnableResourceDirectoryError,
  type EnableResourceDirectoryParams,
  type GetResourceDirectoryError,
  type ErrorOf,
  type ResourceDirectoryMaster20220419,
} from '../../packages/client/src/index.js';

const client = createClient({
  accessKeyId: 'id',
  accessKeySecret: 'secret',
  signatureAlgorithm: 'HMAC-SHA1',
  site: 'intl',
  retry: { maxAttempts: 2 },
  timeoutMs: 1000,
});

export async function accepted(): Promise<string> {
  const full: EnableResourceDirectoryParams = {
    EnableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
    VerificationCode: '123456',
  };
  const rdm = createClient({ api: 'ResourceDirectoryMaster/2022-04-19', accessKeyId: 'id', accessKeySecret: 'secret' });
  const dry: ResourceDirectoryMaster20220419.EnableResourceDirectoryParams = { ...full, DryRun: true };
  await rdm.EnableResourceDirectory(dry);
  await rdm.GetResourceDirectory();
  const r = await client.EnableResourceDirectory(full, {
    timeoutMs: 500,
    retry: false,
    signal: AbortSignal.timeout(1000),
  });
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount' });
  await client.SendVerificationCodeForEnableRD({ SecureMobilePhone: '852-61234567' });
  await client.SendVerificationCodeForEnableRD();
  await client.InitResourceDirectory();
  const g = await client.GetResourceDirectory();
  if (g.error) return handleGet(g.error);
  const status: 'Enabled' | 'PendingEnable' | 'Disabled' | 'PendingDisable' =
    g.data.ResourceDirectory.ControlPolicyStatus;
  if (r.error) {
    const e: EnableResourceDirectoryError = r.error;
    const message: string = e.Message;
    const requestId: string = e.RequestId;
    return `${message} ${requestId} ${status}`;
  }
  const id: string = r.data.ResourceDirectory.ResourceDirectoryId;
  const res: Response = r.response;
  return `${id} ${res.status}`;
}

/** An exhaustive switch over every documented GetResourceDirectory code compiles. */
export function handleGet(error: GetResourceDirectoryError): string {
  switch (error.Code) {
    case 'InvalidParameter':
    case 'InvalidParameter.Format':
    case 'MissingVersion':
    case 'InvalidVersion':
      return 'bad request';
    case 'InvalidAccessKeyId.Inactive':
    case 'IncompleteSignature':
    case 'SignatureDoesNotMatch':
    case 'InvalidSignatureMethod':
    case 'SignatureNonceUsed':
    case 'InvalidTimeStamp.Format':
    case 'InvalidTimeStamp.Expired':
    case 'InvalidAccessKeyId.NotFound':
      return 'signing';
    case 'Throttling.User':
    case 'Throttling':
      return 'slow down';
    case 'Forbidden.RAM':
    case 'NoPermission':
      return 'denied';
    case 'ResourceDirectoryNotInUse':
      return 'no directory';
    case 'InvalidApi.NotFound':
    case 'InvalidAction.NotFound':
      return 'not found';
    case 'InternalError':
    case 'ServiceUnavailable':
      return 'server';
    default: {
      const _x: never = error;
      return _x;
    }
  }
}

/** A switch that forgets codes does not compile. */
export function nonExhaustive(error: ErrorOf<'GetResourceDirectory'>): string {
  switch (error.Code) {
    case 'ResourceDirectoryNotInUse':
      return 'no directory';
    default: {
      // @ts-expect-error not exhaustive: the other documented codes remain
      const _x: never = error;
      return _x;
    }
  }
}

/** Narrowing by Code gives that code's body. */
export function narrow(error: EnableResourceDirectoryError): 'Throttling.User' | undefined {
  if (error.Code === 'Throttling.User') return error.Code;
  return undefined;
}

export async function refused(): Promise<void> {
  // @ts-expect-error unknown action
  await client.DeleteResourceDirectory({});
  // @ts-expect-error the missing required parameter EnableMode
  await client.EnableResourceDirectory({});
  // @ts-expect-error EnableResourceDirectory needs its parameters
  await client.EnableResourceDirectory();
  // @ts-expect-error wrong enum value
  await client.EnableResourceDirectory({ EnableMode: 'EveryAccount' });
  await createClient({ api: 'ResourceDirectoryMaster/2022-04-19' }).EnableResourceDirectory({
    EnableMode: 'CurrentAccount',
    // @ts-expect-error DryRun is a boolean, not a string
    DryRun: 'true',
  });
  // @ts-expect-error ResourceManager 2020-03-31 (the default API) has no DryRun: it would enable for real
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount', DryRun: true });
  // @ts-expect-error ResourceDirectoryMaster 2022-04-19 has no InitResourceDirectory
  await createClient({ api: 'ResourceDirectoryMaster/2022-04-19' }).InitResourceDirectory();
  // @ts-expect-error an API that does not exist
  createClient({ api: 'ResourceManager/2019-01-01' });
  // @ts-expect-error a parameter the action does not have
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount', SecureMobilePhone: '852-61234567' });
  // @ts-expect-error transport parameters are the client's
  await client.EnableResourceDirectory({ EnableMode: 'CurrentAccount', Signature: 'x' });
  // @ts-expect-error GetResourceDirectory takes no parameters
  await client.GetResourceDirectory({ EnableMode: 'CurrentAccount' });
  // @ts-expect-error wrong signature algorithm
  createClient({ signatureAlgorithm: 'HMAC-SHA256' });
  // @ts-expect-error unknown site
  createClient({ site: 'eu' });
  const g = await client.GetResourceDirectory();
  // @ts-expect-error data may be undefined until error is ruled out
  void g.data.ResourceDirectory;
  if (g.error) {
    // @ts-expect-error a code GetResourceDirectory does not document
    if (g.error.Code === 'EntityAlreadyExists.ResourceDirectory') return;
  }
}
