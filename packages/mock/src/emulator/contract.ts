/**
 * What the emulator reads from the contract model besides the parameter rules: the documented quotas (`x-acs-quota`
 * on an operation, e.g. SendVerificationCodeForEnableRD's 100 codes per account per day; the build refuses a quota the
 * emulator cannot apply) and the order in which state errors win.
 */
import type { ContractRules, Quota as QuotaRule } from '@rd-contract/contract';

export interface Quota extends QuotaRule {
  readonly action: string;
}

/** The model's quotas by action. */
export function quotasOf(model: ContractRules): ReadonlyMap<string, Quota> {
  return new Map(Object.values(model.actions).flatMap((a) => (a.quota ? [[a.action, { action: a.action, ...a.quota }] as const] : [])));
}
