/**
 * The emulator's answers to the four actions, for requests that passed the gateway's checks and the parameter
 * validation (packages/mock/src/mock/server.ts): the state checks in the order of STATE_ERROR_PRECEDENCE and the change, as one
 * transaction of the store; the answer once the change is committed (with SQLite or Redis: stored).
 */
import type { ActionName, ContractModel } from '@rd-contract/contract';
import { isPresent } from '@rd-contract/client/protocol';
import type { ActionHandlers, ActionRequest, ActionResult } from '../frontend/responder.js';
import type { DirectoryRecord, EnableMode } from './model.js';
import type { Attempt, EnableOutcome, Store } from './store.js';

/** Appended to IncompleteSignature's message when a request names no AccessKeyId (the emulator keeps state per account). */
export const ANONYMOUS_SUFFIX = ' The stateful emulator keeps state per account and takes the account from the AccessKeyId: sign the request (or send AccessKeyId).';

/** IncompleteSignature's documented message for an action of an API. */
const incompleteSignatureMessage = (contract: ContractModel, r: ActionRequest): string =>
  contract.apis[r.api]?.actions[r.action]?.errors.IncompleteSignature?.message ?? 'The request signature does not conform to Aliyun standards.';

/** A parameter's value, or undefined when it is absent (an empty value counts as absent). */
const present = (v: string | undefined): string | undefined => (isPresent(v) ? v : undefined);

/** Enable's and Init's result: the seeds' field order, RequestId last (filled in by the mock). */
const enabledBody = (d: DirectoryRecord, init: boolean): Record<string, unknown> => ({
  ResourceDirectory: init
    ? { RootFolderId: d.RootFolderId, ResourceDirectoryId: d.ResourceDirectoryId, MasterAccountId: d.MasterAccountId, MasterAccountName: d.MasterAccountName, CreateTime: d.CreateTime }
    : { ResourceDirectoryId: d.ResourceDirectoryId, MasterAccountId: d.MasterAccountId, MasterAccountName: d.MasterAccountName, RootFolderId: d.RootFolderId, CreateTime: d.CreateTime },
  RequestId: '',
});

/** GetResourceDirectory's result, in seed 004's order (RequestId first). */
const directoryBody = (d: DirectoryRecord): Record<string, unknown> => ({
  ResourceDirectory: {
    RootFolderId: d.RootFolderId,
    ResourceDirectoryId: d.ResourceDirectoryId,
    CreateTime: d.CreateTime,
    MasterAccountId: d.MasterAccountId,
    MasterAccountName: d.MasterAccountName,
    ControlPolicyStatus: d.ControlPolicyStatus,
    MemberDeletionStatus: d.MemberDeletionStatus,
    ...(d.IdentityInformation !== undefined ? { IdentityInformation: d.IdentityInformation } : {}),
  },
});

/**
 * A dry run: DryRun=true to an API that declares DryRun (ResourceDirectoryMaster 2022-04-19). ResourceManager
 * 2020-03-31 does not, and ignores it like any undeclared parameter: the Enable is real.
 */
function isDryRun(contract: ContractModel, r: ActionRequest): boolean {
  const action = contract.apis[r.api]?.actions[r.action];
  return r.params.DryRun === 'true' && action !== undefined && action.parameters.some((p) => p.name === 'DryRun');
}

/**
 * The stateful handlers. Each answer waits for the store's commit, so a client that got a success knows the change is
 * stored (with a state file: on disk).
 */
export function createStatefulHandlers(store: Store, contract: ContractModel): Required<ActionHandlers> {
  const anonymous = (r: ActionRequest): ActionResult | undefined =>
    !isPresent(r.accessKeyId)
      ? { kind: 'error', code: 'IncompleteSignature', message: `${incompleteSignatureMessage(contract, r)}${ANONYMOUS_SUFFIX}` }
      : undefined;

  const enabledResult = (outcome: EnableOutcome, init: boolean): ActionResult =>
    'error' in outcome ? { kind: 'error', code: outcome.error } : { kind: 'body', body: enabledBody(outcome.directory, init) };
  const directoryResult = (outcome: EnableOutcome): ActionResult =>
    'error' in outcome ? { kind: 'error', code: outcome.error } : { kind: 'body', body: directoryBody(outcome.directory) };

  // Enable and GetResourceDirectory answer at once when the store is synchronous (in memory): no promise per request.
  function enable(r: ActionRequest, action: ActionName, mode: EnableMode, init: boolean): ActionResult | Promise<ActionResult> {
    const refused = anonymous(r);
    if (refused) return refused;
    const attempt: Attempt & { enable: NonNullable<Attempt['enable']> } = {
      action,
      api: r.api,
      accessKeyId: r.accessKeyId!,
      site: r.site,
      enable: { mode, maName: present(r.params.MAName), phone: present(r.params.MASecureMobilePhone), code: present(r.params.VerificationCode) },
    };
    const outcome = store.enableNow(attempt, isDryRun(contract, r));
    return outcome instanceof Promise ? outcome.then((o) => enabledResult(o, init)) : enabledResult(outcome, init);
  }

  return {
    EnableResourceDirectory: (r) => enable(r, 'EnableResourceDirectory', r.params.EnableMode as EnableMode, false),
    InitResourceDirectory: (r) => enable(r, 'InitResourceDirectory', 'CurrentAccount', true),
    SendVerificationCodeForEnableRD: async (r) => {
      const refused = anonymous(r);
      if (refused) return refused;
      const outcome = await store.sendCode(r.api, r.accessKeyId!, r.site, present(r.params.SecureMobilePhone));
      if ('error' in outcome) return { kind: 'error', code: outcome.error };
      return { kind: 'body', body: {} };
    },
    GetResourceDirectory: (r) => {
      const refused = anonymous(r);
      if (refused) return refused;
      const outcome = store.getResourceDirectoryNow(r.api, r.accessKeyId!, r.site);
      return outcome instanceof Promise ? outcome.then(directoryResult) : directoryResult(outcome);
    },
  };
}
