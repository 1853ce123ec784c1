/**
 * The emulator's answers to the four actions, for requests that passed the gateway's checks and the parameter
 * validation (packages/mock/src/mock/gateway.ts): the state checks in the order of the contract's state error
 * precedence and the change, as one transaction of the store; the answer once the change is committed (with SQLite
 * or Redis: stored).
 */
import type { ActionName, ContractModel } from '@rd-contract/contract';
import { isPresent } from '@rd-contract/client/protocol';
import type { ActionHandlers, ActionRequest, ActionResult } from '../frontend/responder.js';
import type { MaybePromise } from './backend.js';
import type { DirectoryRecord, EnableMode } from './model.js';
import type { Attempt, EnableOutcome, SendOutcome, Store } from './store.js';
import { isPromise } from './transaction.js';

/**
 * Appended to IncompleteSignature's message when a request names no AccessKeyId (the emulator keeps state per account).
 */
export const ANONYMOUS_SUFFIX =
  ' The stateful emulator keeps state per account and takes the account from the AccessKeyId: sign the request (or' +
  ' send AccessKeyId).';

/** IncompleteSignature's documented message for an action of an API. */
const incompleteSignatureMessage = (contract: ContractModel, r: ActionRequest): string =>
  contract.apis[r.api]?.actions[r.action]?.errors.IncompleteSignature?.message ??
  'The request signature does not conform to Aliyun standards.';

/** A parameter's value, or undefined when it is absent (an empty value counts as absent). */
const present = (v: string | undefined): string | undefined => (isPresent(v) ? v : undefined);

/** Enable's and Init's result: the seeds' field order, RequestId last (filled in by the mock). */
const enabledBody = (d: DirectoryRecord, init: boolean): Record<string, unknown> => ({
  ResourceDirectory: init
    ? {
        RootFolderId: d.RootFolderId,
        ResourceDirectoryId: d.ResourceDirectoryId,
        MasterAccountId: d.MasterAccountId,
        MasterAccountName: d.MasterAccountName,
        CreateTime: d.CreateTime,
      }
    : {
        ResourceDirectoryId: d.ResourceDirectoryId,
        MasterAccountId: d.MasterAccountId,
        MasterAccountName: d.MasterAccountName,
        RootFolderId: d.RootFolderId,
        CreateTime: d.CreateTime,
      },
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
  /** A handler of a request from an account: one without an AccessKeyId is refused (the state is per account). */
  const forAccount =
    (handle: (r: ActionRequest, accessKeyId: string) => MaybePromise<ActionResult>) =>
    (r: ActionRequest): MaybePromise<ActionResult> =>
      isPresent(r.accessKeyId)
        ? handle(r, r.accessKeyId)
        : {
            kind: 'error',
            code: 'IncompleteSignature',
            message: `${incompleteSignatureMessage(contract, r)}${ANONYMOUS_SUFFIX}`,
          };

  /** The answer to an outcome, at once when the store answered at once (in memory, SQLite): no promise per request. */
  const answer = <O>(outcome: MaybePromise<O>, result: (o: O) => ActionResult): MaybePromise<ActionResult> =>
    isPromise(outcome) ? outcome.then(result) : result(outcome);
  const enabledResult =
    (init: boolean) =>
    (outcome: EnableOutcome): ActionResult =>
      'error' in outcome
        ? { kind: 'error', code: outcome.error }
        : { kind: 'body', body: enabledBody(outcome.directory, init) };
  const directoryResult = (outcome: EnableOutcome): ActionResult =>
    'error' in outcome
      ? { kind: 'error', code: outcome.error }
      : { kind: 'body', body: directoryBody(outcome.directory) };
  const sentResult = (outcome: SendOutcome): ActionResult =>
    'error' in outcome ? { kind: 'error', code: outcome.error } : { kind: 'body', body: {} };

  const enable = (action: ActionName, mode: (r: ActionRequest) => EnableMode, init: boolean) =>
    forAccount((r, accessKeyId) => {
      const attempt: Attempt & { enable: NonNullable<Attempt['enable']> } = {
        action,
        api: r.api,
        accessKeyId,
        site: r.site,
        enable: {
          mode: mode(r),
          maName: present(r.params.MAName),
          phone: present(r.params.MASecureMobilePhone),
          code: present(r.params.VerificationCode),
        },
      };
      return answer(store.enable(attempt, isDryRun(contract, r)), enabledResult(init));
    });

  return {
    // EnableMode is one of the two: the front end validated it against the contract's enum.
    EnableResourceDirectory: enable(
      'EnableResourceDirectory',
      (r) => (r.params.EnableMode === 'NewManagementAccount' ? 'NewManagementAccount' : 'CurrentAccount'),
      false,
    ),
    InitResourceDirectory: enable('InitResourceDirectory', () => 'CurrentAccount', true),
    SendVerificationCodeForEnableRD: forAccount((r, accessKeyId) =>
      answer(store.sendCode(r.api, accessKeyId, r.site, present(r.params.SecureMobilePhone)), sentResult),
    ),
    GetResourceDirectory: forAccount((r, accessKeyId) =>
      answer(store.getResourceDirectory(r.api, accessKeyId, r.site), directoryResult),
    ),
  };
}
