/**
 * What the emulator reads from the bundled contract besides the rules (generated/rules.ts): the documented quotas
 * (`x-acs-quota` on an operation), e.g. SendVerificationCodeForEnableRD's 100 codes per account per day.
 */
import { readFileSync } from 'node:fs';

export interface Quota {
  readonly action: string;
  readonly limit: number;
  readonly period: 'day';
  readonly scope: 'account';
  /** The error code answered past the limit. */
  readonly error: string;
}

const cache = new Map<string, ReadonlyMap<string, Quota>>();

/**
 * The contract's quotas by action. Throws on a quota the emulator cannot apply (another period or scope, a limit that
 * is not a positive integer), so that a contract change is noticed rather than silently ignored.
 */
export function loadQuotas(contractFile: string | URL): ReadonlyMap<string, Quota> {
  const key = String(contractFile);
  const cached = cache.get(key);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc: any = JSON.parse(readFileSync(contractFile, 'utf8'));
  const quotas = new Map<string, Quota>();
  for (const item of Object.values<Record<string, unknown>>(doc.paths ?? {})) {
    for (const op of Object.values(item ?? {})) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const o = op as any;
      if (!o || typeof o !== 'object' || typeof o.operationId !== 'string' || o['x-acs-quota'] === undefined) continue;
      const q = o['x-acs-quota'];
      const where = `${o.operationId} x-acs-quota`;
      if (!Number.isInteger(q?.limit) || q.limit < 1) throw new Error(`${where}: limit must be a positive integer`);
      if (q.period !== 'day') throw new Error(`${where}: the emulator counts per UTC day only (period: day), not ${String(q.period)}`);
      if (q.scope !== 'account') throw new Error(`${where}: the emulator counts per account only (scope: account), not ${String(q.scope)}`);
      if (typeof q.error !== 'string' || q.error === '') throw new Error(`${where}: no error code`);
      quotas.set(o.operationId, { action: o.operationId, limit: q.limit, period: 'day', scope: 'account', error: q.error });
    }
  }
  cache.set(key, quotas);
  return quotas;
}
