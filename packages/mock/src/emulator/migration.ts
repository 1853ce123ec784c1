/**
 * A whole JSON state (the emulator's earlier state file, or what `GET /_emulator/state` answers) as the writes that
 * load it into empty tables, indexes included: what ./sqlite.ts commits when it migrates a JSON state file, and what
 * the bench fills a store with.
 */
import { codeKey, codeSlot, type Write } from './backend.js';
import type { EmulatorState } from './model.js';

/**
 * The writes that load `state` into an empty store; management account names are indexed by `nameKey` (the
 * contract's, ./rules.ts); codes get the keys `firstSequence`, `firstSequence + 1`, ... in their order.
 */
export function stateWrites(state: EmulatorState, nameKey: (name: string) => string, firstSequence = 1): Write[] {
  const writes: Write[] = [];
  for (const [ak, a] of Object.entries(state.accounts)) {
    writes.push({ table: 'accounts', key: ak, value: a }, { table: 'accountIds', key: a.accountId, value: 'account' });
  }
  for (const [id, d] of Object.entries(state.directories)) {
    writes.push({ table: 'directories', key: id, value: d }, { table: 'roots', key: d.RootFolderId, value: id });
    if (d.MasterAccountName !== '') writes.push({ table: 'names', key: nameKey(d.MasterAccountName), value: id });
    if (d.enableMode === 'NewManagementAccount')
      writes.push({ table: 'accountIds', key: d.MasterAccountId, value: 'directory' });
  }
  const byAccount = new Map<string, string[]>();
  const slots = new Map<string, string>();
  state.verificationCodes.forEach((c, i) => {
    const key = codeKey(firstSequence + i);
    writes.push({ table: 'codes', key, value: c });
    byAccount.set(c.account, [...(byAccount.get(c.account) ?? []), key]);
    slots.set(codeSlot(c.account, c.phone), key);
  });
  for (const [ak, keys] of byAccount) writes.push({ table: 'accountCodes', key: ak, value: keys });
  for (const [slot, key] of slots) writes.push({ table: 'validCodes', key: slot, value: key });
  return writes;
}
