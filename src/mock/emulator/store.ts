/**
 * The emulator's operations on its state (kept by a ./backend.ts Backend). Each operation that checks and changes the
 * state is one transaction, so concurrent requests cannot change the state between a check and its change: of 50
 * simultaneous EnableResourceDirectory calls for one account, one creates the directory and the other 49 find it.
 */
import { apis, defaultApi, rules, type ActionName, type ApiName } from '../../../generated/rules.js';
import type { Site } from '../../rules-types.js';
import { MemoryBackend, transact, type Backend, type Table, type Transaction, type Write } from './backend.js';
import type { Quota } from './contract.js';
import {
  ACCOUNT_TYPES,
  CODE_RETENTION_MS,
  INITIAL_CONTROL_POLICY_STATUS,
  INITIAL_MEMBER_DELETION_STATUS,
  PROFILE_FIELDS,
  STATE_ERROR_PRECEDENCE,
  accountIdOf,
  effectiveProfile,
  emptyState,
  nameKey,
  newAccountId,
  newDirectoryId,
  newRootFolderId,
  newVerificationCode,
  utcDay,
  type AccountProfile,
  type AccountRecord,
  type CodeRecord,
  type DirectoryRecord,
  type EffectiveProfile,
  type EmulatorState,
  type EnableMode,
  type StateErrorCode,
} from './model.js';

export interface StoreOptions {
  /** The site the mock plays (`--site`): an account's default site and phone follow it. */
  readonly site: Site | undefined;
  readonly now: () => number;
  readonly codeTtlMs: number;
  /** The contract's quotas by action. */
  readonly quotas: ReadonlyMap<string, Quota>;
}

/** One request as the state checks see it. */
export interface Attempt {
  readonly action: ActionName;
  /** The API the request was made to, whose documented codes the action answers. Default: the default API. */
  readonly api?: ApiName;
  readonly accessKeyId: string;
  /** The site the request was made at (the mock's `--site`). */
  readonly site: Site | undefined;
  /** EnableResourceDirectory / InitResourceDirectory: how the directory would be enabled. */
  readonly enable?: {
    readonly mode: EnableMode;
    readonly maName?: string | undefined;
    readonly phone?: string | undefined;
    readonly code?: string | undefined;
  };
}

export type CodeStatus = 'valid' | 'consumed' | 'superseded' | 'expired';

/** An entry of `GET /_emulator/verification-codes`. */
export interface CodeView {
  readonly phone: string;
  readonly code: string;
  readonly account: string;
  readonly sentAt: string;
  readonly expiresAt: string;
  readonly status: CodeStatus;
}

/** `GET|POST /_emulator/accounts/<AccessKeyId>`: an account with its defaults filled in. */
export interface AccountView extends EffectiveProfile {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly resourceDirectoryId: string | null;
  readonly verificationCodesSentToday: number;
}

export type ProfilePatch = { [K in keyof AccountProfile]?: AccountProfile[K] | null };

type Check = (tx: Transaction, attempt: Attempt, profile: EffectiveProfile) => boolean | Promise<boolean>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The `validCodes` key of an account's codes to a phone. */
const codeSlot = (accessKeyId: string, phone: string): string => JSON.stringify([accessKeyId, phone]);
/** The `codes` key of a sequence number: 12 digits, so that key order is the order sent. */
const codeKey = (sequence: number): string => String(sequence).padStart(12, '0');
/** How many codes a clean-up reads at a time. */
const PRUNE_BATCH = 64;

/** An enable's (or GetResourceDirectory's) outcome. */
export type EnableOutcome = { readonly error: StateErrorCode } | { readonly directory: DirectoryRecord };

/**
 * The emulator's operations over a {@link Backend}. Every operation that checks and changes the state is one
 * transaction ({@link transact}): its checks and its change apply to the same state, also when other requests (in
 * this process or in others sharing the store) change it at the same time. Every lookup is one key of one table
 * (see ./backend.ts), so a request's cost does not grow with the number of accounts.
 */
export class Store {
  private readonly checks: Record<StateErrorCode, Check>;

  constructor(
    private readonly options: StoreOptions,
    readonly backend: Backend = new MemoryBackend(),
  ) {
    for (const q of options.quotas.values()) {
      if (!(STATE_ERROR_PRECEDENCE as readonly string[]).includes(q.error)) {
        throw new Error(`The contract's quota of ${q.action} answers ${q.error}, which the emulator's STATE_ERROR_PRECEDENCE does not place`);
      }
    }
    const quotaHit: Check = async (tx, a) => {
      const q = options.quotas.get(a.action);
      return q !== undefined && (await this.codesSentToday(tx, a.accessKeyId)) >= q.limit;
    };
    this.checks = {
      'EntityAlreadyExists.ResourceDirectory': async (tx, a) => (await this.directoryOf(tx, a.accessKeyId)) !== undefined,
      'NotSupport.AccountInAnotherResourceDirectory': (_tx, _a, p) => p.inAnotherResourceDirectory,
      ResourceDirectoryNotInUse: async (tx, a) => (await this.directoryOf(tx, a.accessKeyId)) === undefined,
      'NotSupport.Account.Site': async (tx, a) => {
        const registered = (await this.accountRecord(tx, a.accessKeyId))?.profile.site;
        return a.site !== undefined && registered !== undefined && registered !== a.site;
      },
      'Invalid.AccountType': (_tx, _a, p) => p.accountType !== 'enterprise',
      EnterpriseRealNameVerificationError: (_tx, _a, p) => !p.enterpriseVerified,
      'Invalid.EnterpriseName': (_tx, _a, p) => p.enterpriseName.trim() === '',
      SendValidateCodeExceedsLimitForAccount: quotaHit,
      'Invalid.VerificationCode': async (tx, a) =>
        a.enable?.mode === 'NewManagementAccount' && (await this.findValidCode(tx, a.accessKeyId, a.enable.phone, a.enable.code)) === undefined,
      'InvalidParameter.ManagementAccountName.AlreadyUsed': async (tx, a) =>
        a.enable?.mode === 'NewManagementAccount' && a.enable.maName !== undefined && (await this.isNameUsed(tx, a.enable.maName)),
    };
  }

  get site(): Site | undefined {
    return this.options.site;
  }

  private read<T>(body: (tx: Transaction) => Promise<T>): Promise<T> {
    return transact(this.backend, body);
  }

  // ----------------------------------------------------------------------------------------- reading (in a transaction)

  private accountRecord(tx: Transaction, accessKeyId: string): Promise<AccountRecord | undefined> {
    return tx.get<AccountRecord>('accounts', accessKeyId);
  }

  private async profileIn(tx: Transaction, accessKeyId: string): Promise<EffectiveProfile> {
    const record = await this.accountRecord(tx, accessKeyId);
    return effectiveProfile(record?.accountId ?? accountIdOf(accessKeyId), record?.profile ?? {}, this.options.site);
  }

  private async directoryOf(tx: Transaction, accessKeyId: string): Promise<DirectoryRecord | undefined> {
    const id = (await this.accountRecord(tx, accessKeyId))?.resourceDirectoryId;
    return id ? tx.get<DirectoryRecord>('directories', id) : undefined;
  }

  private async codesSentToday(tx: Transaction, accessKeyId: string): Promise<number> {
    const sent = (await this.accountRecord(tx, accessKeyId))?.verificationCodesSent;
    return sent && sent.day === utcDay(this.options.now()) ? sent.count : 0;
  }

  private async isNameUsed(tx: Transaction, name: string): Promise<boolean> {
    return (await tx.get('names', nameKey(name))) !== undefined;
  }

  /** The key and record of the code a NewManagementAccount enable may use, or undefined. */
  private async findValidCode(tx: Transaction, accessKeyId: string, phone: string | undefined, code: string | undefined): Promise<[string, CodeRecord] | undefined> {
    if (phone === undefined || code === undefined) return undefined;
    const key = await tx.get<string>('validCodes', codeSlot(accessKeyId, phone));
    if (key === undefined) return undefined;
    const c = await tx.get<CodeRecord>('codes', key);
    return c && c.code === code && c.consumedAt === null && c.supersededAt === null && Date.parse(c.expiresAt) > this.options.now() ? [key, c] : undefined;
  }

  private async viewIn(tx: Transaction, accessKeyId: string): Promise<AccountView> {
    const record = await this.accountRecord(tx, accessKeyId);
    return {
      accessKeyId,
      accountId: record?.accountId ?? accountIdOf(accessKeyId),
      ...(await this.profileIn(tx, accessKeyId)),
      resourceDirectoryId: record?.resourceDirectoryId ?? null,
      verificationCodesSentToday: await this.codesSentToday(tx, accessKeyId),
    };
  }

  /** The first of {@link STATE_ERROR_PRECEDENCE} that the action documents and that applies, or undefined. */
  private async stateErrorIn(tx: Transaction, attempt: Attempt): Promise<StateErrorCode | undefined> {
    const documented = (apis[attempt.api ?? defaultApi].actions as Readonly<Record<string, { errors: Readonly<Record<string, unknown>> }>>)[attempt.action]!.errors;
    const profile = await this.profileIn(tx, attempt.accessKeyId);
    for (const code of STATE_ERROR_PRECEDENCE) {
      if (Object.hasOwn(documented, code) && (await this.checks[code](tx, attempt, profile))) return code;
    }
    return undefined;
  }

  // ----------------------------------------------------------------------------------------- reading

  profile(accessKeyId: string): Promise<EffectiveProfile> {
    return this.read((tx) => this.profileIn(tx, accessKeyId));
  }

  /** GetResourceDirectory: the state error, or (none) the account's directory, read together. */
  getResourceDirectory(accessKeyId: string, site: Site | undefined): Promise<EnableOutcome> {
    return this.read(async (tx): Promise<EnableOutcome> => {
      const error = await this.stateErrorIn(tx, { action: 'GetResourceDirectory', accessKeyId, site });
      if (error) return { error };
      const directory = await this.directoryOf(tx, accessKeyId);
      if (!directory) throw new Error('GetResourceDirectory: no directory although ResourceDirectoryNotInUse did not apply');
      return { directory };
    });
  }

  /** The code a NewManagementAccount enable may use: sent for this account to this phone, not used, replaced or expired. */
  async validCode(accessKeyId: string, phone: string | undefined, code: string | undefined): Promise<CodeRecord | undefined> {
    return (await this.read((tx) => this.findValidCode(tx, accessKeyId, phone, code)))?.[1];
  }

  stateError(attempt: Attempt): Promise<StateErrorCode | undefined> {
    return this.read((tx) => this.stateErrorIn(tx, attempt));
  }

  codeStatus(c: CodeRecord): CodeStatus {
    if (c.consumedAt !== null) return 'consumed';
    if (c.supersededAt !== null) return 'superseded';
    return Date.parse(c.expiresAt) > this.options.now() ? 'valid' : 'expired';
  }

  /** The codes sent (for an account: from its own list; otherwise all of them), oldest first. */
  async listCodes(filter: { account?: string; phone?: string } = {}): Promise<CodeView[]> {
    let codes: CodeRecord[];
    if (filter.account !== undefined) {
      const account = filter.account;
      codes = await this.read(async (tx) => {
        const keys = (await tx.get<string[]>('accountCodes', account)) ?? [];
        const found = await Promise.all(keys.map((k) => tx.get<CodeRecord>('codes', k)));
        return found.filter((c): c is CodeRecord => c !== undefined);
      });
    } else {
      codes = (await this.backend.entries('codes')).map(([, c]) => c as CodeRecord);
    }
    return codes
      .filter((c) => filter.phone === undefined || c.phone === filter.phone)
      .map((c) => ({ phone: c.phone, code: c.code, account: c.account, sentAt: c.sentAt, expiresAt: c.expiresAt, status: this.codeStatus(c) }));
  }

  accountView(accessKeyId: string): Promise<AccountView> {
    return this.read((tx) => this.viewIn(tx, accessKeyId));
  }

  /** The whole state, as `GET /_emulator/state` shows it (and as the JSON state file had it). */
  async exportState(): Promise<EmulatorState> {
    const state = emptyState();
    for (const [k, v] of await this.backend.entries('accounts')) state.accounts[k] = v as AccountRecord;
    for (const [k, v] of await this.backend.entries('directories')) state.directories[k] = v as DirectoryRecord;
    state.verificationCodes = (await this.backend.entries('codes')).map(([, c]) => c as CodeRecord);
    return state;
  }

  async counts(): Promise<{ accounts: number; directories: number }> {
    return { accounts: await this.backend.count('accounts'), directories: await this.backend.count('directories') };
  }

  // ----------------------------------------------------------------------------------------- changing

  /** The account's record to write: a copy of the stored one with `change` applied, or a new one (registering its id). */
  private async putAccount(tx: Transaction, accessKeyId: string, change: (a: AccountRecord) => AccountRecord): Promise<AccountRecord> {
    const stored = await this.accountRecord(tx, accessKeyId);
    const base: AccountRecord = stored ?? { accountId: accountIdOf(accessKeyId), profile: {}, resourceDirectoryId: null, verificationCodesSent: null };
    if (!stored) tx.set('accountIds', base.accountId, 'account');
    const next = change(base);
    tx.set('accounts', accessKeyId, next);
    return next;
  }

  /**
   * SendVerificationCodeForEnableRD: the state error, or (none) a code recorded for `phone` (default: the account's
   * phone), replacing the account's older code to it. Codes kept past their retention are forgotten first.
   */
  async sendCode(accessKeyId: string, site: Site | undefined, phone: string | undefined): Promise<{ error: StateErrorCode } | { code: CodeRecord }> {
    const now = this.options.now();
    const sequence = await this.backend.nextSequence();
    const outcome = await transact(this.backend, async (tx): Promise<{ error: StateErrorCode } | { code: CodeRecord }> => {
      const error = await this.stateErrorIn(tx, { action: 'SendVerificationCodeForEnableRD', accessKeyId, site });
      if (error) return { error };
      const to = phone ?? (await this.profileIn(tx, accessKeyId)).phone;
      const today = utcDay(now);
      await this.putAccount(tx, accessKeyId, (a) => ({
        ...a,
        verificationCodesSent: { day: today, count: (a.verificationCodesSent?.day === today ? a.verificationCodesSent.count : 0) + 1 },
      }));
      const slot = codeSlot(accessKeyId, to);
      const previousKey = await tx.get<string>('validCodes', slot);
      const previous = previousKey === undefined ? undefined : await tx.get<CodeRecord>('codes', previousKey);
      if (previous && previous.consumedAt === null && previous.supersededAt === null) tx.set('codes', previousKey!, { ...previous, supersededAt: iso(now) });
      const key = codeKey(sequence);
      const record: CodeRecord = { phone: to, code: newVerificationCode(), account: accessKeyId, sentAt: iso(now), expiresAt: iso(now + this.options.codeTtlMs), consumedAt: null, supersededAt: null };
      tx.set('codes', key, record);
      tx.set('validCodes', slot, key);
      tx.set('accountCodes', accessKeyId, [...((await tx.get<string[]>('accountCodes', accessKeyId)) ?? []), key]);
      return { code: record };
    });
    if ('code' in outcome) await this.prune(now);
    return outcome;
  }

  /**
   * Forgets the codes whose retention ended, oldest first, stopping at the first one still kept: each code is looked
   * at once when it is forgotten (and the one kept, once per call), never the whole list.
   */
  private async prune(now: number): Promise<void> {
    for (;;) {
      const oldest = await this.backend.head('codes', PRUNE_BATCH);
      let forgot = 0;
      for (const [key, value] of oldest) {
        if (Date.parse((value as CodeRecord).expiresAt) + CODE_RETENTION_MS > now) return;
        await transact(this.backend, async (tx) => {
          const c = await tx.get<CodeRecord>('codes', key);
          if (!c) return;
          tx.set('codes', key, undefined);
          const keys = ((await tx.get<string[]>('accountCodes', c.account)) ?? []).filter((k) => k !== key);
          tx.set('accountCodes', c.account, keys.length > 0 ? keys : undefined);
          const slot = codeSlot(c.account, c.phone);
          if ((await tx.get<string>('validCodes', slot)) === key) tx.set('validCodes', slot, undefined);
        });
        forgot++;
      }
      if (forgot < PRUNE_BATCH) return;
    }
  }

  /**
   * EnableResourceDirectory / InitResourceDirectory: the state error, or (none) the directory the attempt creates.
   * With `dryRun` nothing is stored (the ids are fresh but not reserved) and no code is used; otherwise the account
   * gets the directory and its code is consumed.
   */
  enable(attempt: Attempt & { readonly enable: NonNullable<Attempt['enable']> }, dryRun: boolean): Promise<EnableOutcome> {
    return transact(this.backend, async (tx): Promise<EnableOutcome> => {
      const error = await this.stateErrorIn(tx, attempt);
      if (error) return { error };
      const now = this.options.now();
      const { mode, maName } = attempt.enable;
      const profile = await this.profileIn(tx, attempt.accessKeyId);
      const accountId = (await this.accountRecord(tx, attempt.accessKeyId))?.accountId ?? accountIdOf(attempt.accessKeyId);
      const directory: DirectoryRecord = {
        ResourceDirectoryId: await unique(newDirectoryId, (id) => tx.get('directories', id)),
        RootFolderId: await unique(newRootFolderId, (id) => tx.get('roots', id)),
        MasterAccountId: mode === 'CurrentAccount' ? accountId : await unique(newAccountId, (id) => tx.get('accountIds', id)),
        MasterAccountName: mode === 'CurrentAccount' ? profile.name : (maName ?? ''),
        CreateTime: iso(now),
        ControlPolicyStatus: INITIAL_CONTROL_POLICY_STATUS,
        MemberDeletionStatus: INITIAL_MEMBER_DELETION_STATUS,
        ...(profile.enterpriseName.trim() !== '' ? { IdentityInformation: profile.enterpriseName } : {}),
        enabledBy: attempt.accessKeyId,
        enableMode: mode,
      };
      if (dryRun) return { directory };
      if (mode === 'NewManagementAccount') {
        const found = await this.findValidCode(tx, attempt.accessKeyId, attempt.enable.phone, attempt.enable.code);
        if (!found) throw new Error('enable: no valid verification code (stateError was not consulted)');
        tx.set('codes', found[0], { ...found[1], consumedAt: iso(now) });
        tx.set('accountIds', directory.MasterAccountId, 'directory');
      }
      const id = directory.ResourceDirectoryId;
      tx.set('directories', id, directory);
      tx.set('roots', directory.RootFolderId, id);
      if (directory.MasterAccountName !== '') tx.set('names', nameKey(directory.MasterAccountName), id);
      await this.putAccount(tx, attempt.accessKeyId, (a) => ({ ...a, resourceDirectoryId: id }));
      return { directory };
    });
  }

  /** Sets (or, with null, clears back to the default) fields of an account's profile. */
  setProfile(accessKeyId: string, patch: ProfilePatch): Promise<AccountView> {
    return transact(this.backend, async (tx) => {
      await this.putAccount(tx, accessKeyId, (a) => {
        const profile: Record<string, unknown> = { ...a.profile };
        for (const k of PROFILE_FIELDS) {
          if (!Object.hasOwn(patch, k)) continue;
          const v = patch[k];
          if (v === null || v === undefined) delete profile[k];
          else profile[k] = v;
        }
        return { ...a, profile: profile as AccountProfile };
      });
      return this.viewIn(tx, accessKeyId);
    });
  }

  reset(): Promise<void> {
    return this.backend.clear();
  }
}

/**
 * The writes that load a whole state (a JSON state file being migrated) into an empty store, indexes included; codes
 * get the keys `firstSequence`, `firstSequence + 1`, ... in their order.
 */
export function stateWrites(state: EmulatorState, firstSequence = 1): Write[] {
  const writes: Write[] = [];
  const set = (table: Table, key: string, value: unknown) => writes.push({ table, key, value });
  for (const [ak, a] of Object.entries(state.accounts)) {
    set('accounts', ak, a);
    set('accountIds', a.accountId, 'account');
  }
  for (const [id, d] of Object.entries(state.directories)) {
    set('directories', id, d);
    set('roots', d.RootFolderId, id);
    if (d.MasterAccountName !== '') set('names', nameKey(d.MasterAccountName), id);
    if (d.enableMode === 'NewManagementAccount') set('accountIds', d.MasterAccountId, 'directory');
  }
  const byAccount = new Map<string, string[]>();
  const slots = new Map<string, string>();
  state.verificationCodes.forEach((c, i) => {
    const key = codeKey(firstSequence + i);
    set('codes', key, c);
    byAccount.set(c.account, [...(byAccount.get(c.account) ?? []), key]);
    slots.set(codeSlot(c.account, c.phone), key);
  });
  for (const [ak, keys] of byAccount) set('accountCodes', ak, keys);
  for (const [slot, key] of slots) set('validCodes', slot, key);
  return writes;
}

/** A fresh id that `taken` does not know. */
async function unique(make: () => string, taken: (id: string) => Promise<unknown>): Promise<string> {
  for (;;) {
    const id = make();
    if ((await taken(id)) === undefined) return id;
  }
}

/** A phone number as the contract's SecureMobilePhone schema has it. */
const PHONE = new RegExp(String(rules.actions.SendVerificationCodeForEnableRD.parameters.find((p) => p.name === 'SecureMobilePhone')?.schema.pattern));

/** Checks a profile patch from a control request; returns what is wrong, or undefined. */
export function profilePatchProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body must be a JSON object';
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!(PROFILE_FIELDS as readonly string[]).includes(k)) return `unknown field ${JSON.stringify(k)} (known: ${PROFILE_FIELDS.join(', ')})`;
  const nullable = (k: string) => v[k] === null || v[k] === undefined;
  if (!nullable('site') && v.site !== 'intl' && v.site !== 'china') return 'site must be "intl", "china" or null';
  if (!nullable('accountType') && !ACCOUNT_TYPES.includes(v.accountType as never)) return `accountType must be ${ACCOUNT_TYPES.map((t) => `"${t}"`).join(', ')} or null`;
  for (const k of ['enterpriseVerified', 'inAnotherResourceDirectory']) if (!nullable(k) && typeof v[k] !== 'boolean') return `${k} must be true, false or null`;
  for (const k of ['enterpriseName', 'name']) if (!nullable(k) && typeof v[k] !== 'string') return `${k} must be a string or null`;
  if (!nullable('phone') && (typeof v.phone !== 'string' || !PHONE.test(v.phone))) return `phone must be "<country code>-<number>" matching ${PHONE.source} (e.g. "852-61234567"), or null`;
  return undefined;
}
