/**
 * What the emulator reads from the contract it is given, besides the parameter rules (the front end checks those
 * before a request reaches it): the order in which state errors win (the `state` step of the shared
 * `x-acs-error-precedence`), each API's quotas (`x-acs-quota`, e.g. SendVerificationCodeForEnableRD's 100 codes per
 * account per day; the build refuses a quota the emulator cannot apply), how management account names compare
 * (MAName's China site suffix) and what a phone number is (SecureMobilePhone's pattern).
 */
import type { ActionRules, ContractModel, Quota as QuotaRule } from '@rd-contract/contract';
import type { StateErrorCode } from './model.js';

export interface Quota extends QuotaRule {
  readonly action: string;
}

export interface EmulatorRules {
  readonly contract: ContractModel;
  /** The state errors, in the order they win. */
  readonly stateErrorPrecedence: readonly StateErrorCode[];
  /** An action's quota in an API, if it has one. */
  quota(api: string, action: string): Quota | undefined;
  /** The key under which a management account name is taken: without case and without the China site's suffix. */
  nameKey(name: string): string;
  /** A phone number as every API's SecureMobilePhone accepts it (`<country code>-<number>`). */
  readonly phone: { readonly source: string; test(value: string): boolean };
}

/** The state errors of a contract, in the order they win: its error precedence's `state` step. */
export function stateErrorPrecedence(contract: ContractModel): readonly StateErrorCode[] {
  const step = contract.shared.errorPrecedence.find((s) => s.step === 'state');
  if (!step) throw new Error('The contract has no state step in its error precedence (x-acs-error-precedence)');
  return step.errors as readonly StateErrorCode[];
}

/** Every API's declaration of a parameter of an action. */
function parameterEverywhere(contract: ContractModel, action: string, parameter: string) {
  return Object.values(contract.apis).flatMap((model) => {
    const rules: ActionRules | undefined = Object.hasOwn(model.actions, action) ? model.actions[action] : undefined;
    return rules?.parameters.filter((p) => p.name === parameter) ?? [];
  });
}

export function emulatorRules(contract: ContractModel): EmulatorRules {
  const quotas = new Map<string, Quota>();
  for (const model of Object.values(contract.apis)) {
    for (const a of Object.values(model.actions))
      if (a.quota) quotas.set(`${model.api} ${a.action}`, { action: a.action, ...a.quota });
  }
  const suffixes = [
    ...new Set(
      parameterEverywhere(contract, 'EnableResourceDirectory', 'MAName').flatMap(
        (p) => p.siteRules?.china?.suffix ?? [],
      ),
    ),
  ].map((s) => s.toLowerCase());
  const patterns = [
    ...new Set(
      parameterEverywhere(contract, 'SendVerificationCodeForEnableRD', 'SecureMobilePhone').map((p) =>
        String(p.schema.pattern),
      ),
    ),
  ];
  if (patterns.length === 0)
    throw new Error('The contract declares no SecureMobilePhone parameter of SendVerificationCodeForEnableRD');
  const phones = patterns.map((p) => new RegExp(p));
  return {
    contract,
    stateErrorPrecedence: stateErrorPrecedence(contract),
    quota: (api, action) => quotas.get(`${api} ${action}`),
    nameKey: (name) => {
      const key = name.toLowerCase();
      const suffix = suffixes.find((s) => key.endsWith(s));
      return suffix ? key.slice(0, -suffix.length) : key;
    },
    phone: { source: patterns.join(' and '), test: (value) => phones.every((p) => p.test(value)) },
  };
}
