/**
 * The emulator's domain: its operations on the state (kept by a ./backend.ts Backend). Each operation that checks and
 * changes the state is one transaction (./transaction.ts), so concurrent requests cannot change the state between a
 * check and its change: of 50 simultaneous EnableResourceDirectory calls for one account, one creates the directory
 * and the other 49 find it. Every operation answers at once when the backend does (in memory, SQLite), and with a
 * promise otherwise (Redis).
 */
import type { ActionName, ApiName, Site } from '@rd-contract/contract';
import { codeKey, codeSlot, type Backend, type MaybePromise } from './backend.js';
import { MemoryBackend } from './memory.js';
import { systemRandom, type Random } from '../frontend/random.js';
import type { EmulatorRules } from './rules.js';
import { run, settle, transact, type Step, type Transaction } from './transaction.js';
import {
  CODE_RETENTION_MS,
  INITIAL_CONTROL_POLICY_STATUS,
  INITIAL_MEMBER_DELETION_STATUS,
  PROFILE_FIELDS,
  accountIdOf,
  effectiveProfile,
  emptyState,
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
  /** What the emulator reads from the contract: state error order, quotas, name keys. */
  readonly rules: EmulatorRules;
  /** Where made-up ids and verification codes come from. Default: node:crypto's generator. */
  readonly random?: Random;
}

/** One request as the state checks see it. */
export interface Attempt {
  readonly action: ActionName;
  /** The API the request was made to, whose documented codes (and quotas) the action answers. */
  readonly api: ApiName;
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

/** What the checks of one request know without reading further: the account's record (read once) and profile. */
interface Subject {
  readonly record: AccountRecord | undefined;
  readonly accountId: string;
  readonly profile: EffectiveProfile;
}

/**
 * A state check: whether its error applies — answered at once from what the request already read, or as a Step
 * when it must read more in the transaction.
 */
type Check = (tx: Transaction, attempt: Attempt, subject: Subject) => boolean | Step<boolean>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** How many codes a clean-up reads at a time. */
const PRUNE_BATCH = 64;

/** An enable's (or GetResourceDirectory's) outcome. */
export type EnableOutcome = { readonly error: StateErrorCode } | { readonly directory: DirectoryRecord };

/** SendVerificationCodeForEnableRD's outcome. */
export type SendOutcome = { readonly error: StateErrorCode } | { readonly code: CodeRecord };

/** Forgets a code: its record, its place in its account's list and, if it is the latest to its phone, that slot. */
function* forget(tx: Transaction, key: string): Step<void> {
  const c = yield* tx.read('codes', key);
  if (!c) return;
  tx.set('codes', key, undefined);
  const keys = ((yield* tx.read('accountCodes', c.account)) ?? []).filter((k) => k !== key);
  tx.set('accountCodes', c.account, keys.length > 0 ? keys : undefined);
  const slot = codeSlot(c.account, c.phone);
  if ((yield* tx.read('validCodes', slot)) === key) tx.set('validCodes', slot, undefined);
}

/**
 * The emulator's operations over a {@link Backend}. Every operation that checks and changes the state is one
 * transaction ({@link transact}): its checks and its change apply to the same state, also when other requests (in
 * this process or in others sharing the store) change it at the same time. Every lookup is one key of one table
 * (see ./backend.ts), so a request's cost does not grow with the number of accounts.
 */
export class Store {
  private readonly checks: Record<StateErrorCode, Check>;
  private readonly checksByAction = new Map<string, ReadonlyArray<readonly [StateErrorCode, Check]>>();
  private readonly random: Random;

  constructor(
    private readonly options: StoreOptions,
    readonly backend: Backend = new MemoryBackend(),
  ) {
    const { rules } = options;
    this.random = options.random ?? systemRandom;
    for (const model of Object.values(rules.contract.apis)) {
      for (const a of Object.values(model.actions)) {
        if (a.quota && !(rules.stateErrorPrecedence as readonly string[]).includes(a.quota.error)) {
          const where = 'which the state step of its x-acs-error-precedence does not place';
          throw new Error(`The contract's quota of ${a.action} answers ${a.quota.error}, ${where}`);
        }
      }
    }
    const now = options.now;
    const codesSentToday = (record: AccountRecord | undefined): number => {
      const sent = record?.verificationCodesSent;
      return sent && sent.day === utcDay(now()) ? sent.count : 0;
    };
    const self = this;
    this.checks = {
      'EntityAlreadyExists.ResourceDirectory': (tx, _a, s) =>
        s.record?.resourceDirectoryId ? self.hasDirectory(tx, s.record) : false,
      'NotSupport.AccountInAnotherResourceDirectory': (_tx, _a, s) => s.profile.inAnotherResourceDirectory,
      ResourceDirectoryNotInUse: (tx, _a, s) =>
        s.record?.resourceDirectoryId ? self.hasNoDirectory(tx, s.record) : true,
      'NotSupport.Account.Site': (_tx, a, s) => {
        const registered = s.record?.profile.site;
        return a.site !== undefined && registered !== undefined && registered !== a.site;
      },
      'Invalid.AccountType': (_tx, _a, s) => s.profile.accountType !== 'enterprise',
      EnterpriseRealNameVerificationError: (_tx, _a, s) => !s.profile.enterpriseVerified,
      'Invalid.EnterpriseName': (_tx, _a, s) => s.profile.enterpriseName.trim() === '',
      SendValidateCodeExceedsLimitForAccount: (_tx, a, s) => {
        const q = rules.quota(a.api, a.action);
        return q !== undefined && codesSentToday(s.record) >= q.limit;
      },
      'Invalid.VerificationCode': (tx, a) =>
        a.enable?.mode === 'NewManagementAccount'
          ? self.hasNoValidCode(tx, a.accessKeyId, a.enable.phone, a.enable.code)
          : false,
      'InvalidParameter.ManagementAccountName.AlreadyUsed': (tx, a) =>
        a.enable?.mode === 'NewManagementAccount' && a.enable.maName !== undefined
          ? self.isNameUsed(tx, a.enable.maName)
          : false,
    };
  }

  private *hasDirectory(tx: Transaction, record: AccountRecord): Step<boolean> {
    return (yield* this.directoryOf(tx, record)) !== undefined;
  }

  private *hasNoDirectory(tx: Transaction, record: AccountRecord): Step<boolean> {
    return (yield* this.directoryOf(tx, record)) === undefined;
  }

  private *hasNoValidCode(
    tx: Transaction,
    accessKeyId: string,
    phone: string | undefined,
    code: string | undefined,
  ): Step<boolean> {
    return (yield* this.findValidCode(tx, accessKeyId, phone, code)) === undefined;
  }

  /** Runs a transaction (see ./transaction.ts). */
  private transact<T>(body: (tx: Transaction) => Step<T>): MaybePromise<T> {
    return transact(this.backend, body);
  }

  // ----------------------------------------------------------------------------------------- reading (in a
  // transaction)

  /** The account's record, id and profile, read once for all the checks of a request. */
  private *subjectIn(tx: Transaction, accessKeyId: string): Step<Subject> {
    const record = yield* tx.read('accounts', accessKeyId);
    const accountId = record?.accountId ?? accountIdOf(accessKeyId);
    return { record, accountId, profile: effectiveProfile(accountId, record?.profile ?? {}, this.options.site) };
  }

  private *profileIn(tx: Transaction, accessKeyId: string): Step<EffectiveProfile> {
    return (yield* this.subjectIn(tx, accessKeyId)).profile;
  }

  private *directoryOf(tx: Transaction, record: AccountRecord | undefined): Step<DirectoryRecord | undefined> {
    const id = record?.resourceDirectoryId;
    return id ? yield* tx.read('directories', id) : undefined;
  }

  private codesSentToday(record: AccountRecord | undefined): number {
    const sent = record?.verificationCodesSent;
    return sent && sent.day === utcDay(this.options.now()) ? sent.count : 0;
  }

  private *isNameUsed(tx: Transaction, name: string): Step<boolean> {
    return (yield* tx.read('names', this.options.rules.nameKey(name))) !== undefined;
  }

  /** The key and record of the code a NewManagementAccount enable may use, or undefined. */
  private *findValidCode(
    tx: Transaction,
    accessKeyId: string,
    phone: string | undefined,
    code: string | undefined,
  ): Step<[string, CodeRecord] | undefined> {
    if (phone === undefined || code === undefined) return undefined;
    const key = yield* tx.read('validCodes', codeSlot(accessKeyId, phone));
    if (key === undefined) return undefined;
    const c = yield* tx.read('codes', key);
    return c &&
      c.code === code &&
      c.consumedAt === null &&
      c.supersededAt === null &&
      Date.parse(c.expiresAt) > this.options.now()
      ? [key, c]
      : undefined;
  }

  private *viewIn(tx: Transaction, accessKeyId: string): Step<AccountView> {
    const { record, accountId, profile } = yield* this.subjectIn(tx, accessKeyId);
    return {
      accessKeyId,
      accountId,
      ...profile,
      resourceDirectoryId: record?.resourceDirectoryId ?? null,
      verificationCodesSentToday: this.codesSentToday(record),
    };
  }

  /** The checks an action documents, in the order of the state error precedence (worked out once per action). */
  private checksOf(api: ApiName, action: ActionName): ReadonlyArray<readonly [StateErrorCode, Check]> {
    const id = `${api} ${action}`;
    let list = this.checksByAction.get(id);
    if (!list) {
      const documented = this.options.rules.contract.apis[api]!.actions[action]!.errors;
      list = this.options.rules.stateErrorPrecedence
        .filter((code) => Object.hasOwn(documented, code))
        .map((code) => {
          const check = this.checks[code];
          if (!check)
            throw new Error(`${action} documents the state error ${code}, which the emulator does not implement`);
          return [code, check] as const;
        });
      this.checksByAction.set(id, list);
    }
    return list;
  }

  /** The first state error (in their order of precedence) that the action documents and that applies, or undefined. */
  private *stateErrorIn(tx: Transaction, attempt: Attempt, subject?: Subject): Step<StateErrorCode | undefined> {
    const s = subject ?? (yield* this.subjectIn(tx, attempt.accessKeyId));
    for (const [code, check] of this.checksOf(attempt.api, attempt.action)) {
      const applies = check(tx, attempt, s);
      if (typeof applies === 'boolean' ? applies : yield* applies) return code;
    }
    return undefined;
  }

  // ----------------------------------------------------------------------------------------- reading

  profile(accessKeyId: string): MaybePromise<EffectiveProfile> {
    return this.transact((tx) => this.profileIn(tx, accessKeyId));
  }

  /** GetResourceDirectory: the state error, or (none) the account's directory, read together. */
  getResourceDirectory(api: ApiName, accessKeyId: string, site: Site | undefined): MaybePromise<EnableOutcome> {
    return this.transact((tx) => this.getResourceDirectoryIn(tx, api, accessKeyId, site));
  }

  private *getResourceDirectoryIn(
    tx: Transaction,
    api: ApiName,
    accessKeyId: string,
    site: Site | undefined,
  ): Step<EnableOutcome> {
    const subject = yield* this.subjectIn(tx, accessKeyId);
    const error = yield* this.stateErrorIn(tx, { action: 'GetResourceDirectory', api, accessKeyId, site }, subject);
    if (error) return { error };
    const directory = yield* this.directoryOf(tx, subject.record);
    if (!directory)
      throw new Error('GetResourceDirectory: no directory although ResourceDirectoryNotInUse did not apply');
    return { directory };
  }

  /**
   * The code a NewManagementAccount enable may use: sent for this account to this phone, not used, replaced or expired.
   */
  validCode(
    accessKeyId: string,
    phone: string | undefined,
    code: string | undefined,
  ): MaybePromise<CodeRecord | undefined> {
    const self = this;
    return this.transact(function* (tx) {
      return (yield* self.findValidCode(tx, accessKeyId, phone, code))?.[1];
    });
  }

  stateError(attempt: Attempt): MaybePromise<StateErrorCode | undefined> {
    return this.transact((tx) => this.stateErrorIn(tx, attempt));
  }

  codeStatus(c: CodeRecord): CodeStatus {
    if (c.consumedAt !== null) return 'consumed';
    if (c.supersededAt !== null) return 'superseded';
    return Date.parse(c.expiresAt) > this.options.now() ? 'valid' : 'expired';
  }

  /** The codes sent (for an account: from its own list; otherwise all of them), oldest first. */
  listCodes(filter: { account?: string; phone?: string } = {}): MaybePromise<CodeView[]> {
    const self = this;
    return this.transact(function* (tx) {
      let codes: CodeRecord[];
      if (filter.account !== undefined) {
        codes = [];
        for (const k of (yield* tx.read('accountCodes', filter.account)) ?? []) {
          const c = yield* tx.read('codes', k);
          if (c !== undefined) codes.push(c);
        }
      } else {
        codes = (yield* settle(self.backend.entries('codes'))).map(([, c]) => c);
      }
      return codes
        .filter((c) => filter.phone === undefined || c.phone === filter.phone)
        .map((c) => ({
          phone: c.phone,
          code: c.code,
          account: c.account,
          sentAt: c.sentAt,
          expiresAt: c.expiresAt,
          status: self.codeStatus(c),
        }));
    });
  }

  accountView(accessKeyId: string): MaybePromise<AccountView> {
    return this.transact((tx) => this.viewIn(tx, accessKeyId));
  }

  /** The whole state, as `GET /_emulator/state` shows it (and as the JSON state file had it). */
  exportState(): MaybePromise<EmulatorState> {
    const backend = this.backend;
    return run(
      (function* () {
        const state = emptyState();
        for (const [k, v] of yield* settle(backend.entries('accounts'))) state.accounts[k] = v;
        for (const [k, v] of yield* settle(backend.entries('directories'))) state.directories[k] = v;
        state.verificationCodes = (yield* settle(backend.entries('codes'))).map(([, c]) => c);
        return state;
      })(),
    );
  }

  counts(): MaybePromise<{ accounts: number; directories: number }> {
    const backend = this.backend;
    return run(
      (function* () {
        return {
          accounts: yield* settle(backend.count('accounts')),
          directories: yield* settle(backend.count('directories')),
        };
      })(),
    );
  }

  // ----------------------------------------------------------------------------------------- changing

  /**
   * The account's record to write: a copy of the stored one (`stored`, as read in this transaction) with `change`
   * applied, or a new one (registering its id).
   */
  private putAccount(
    tx: Transaction,
    accessKeyId: string,
    subject: Subject,
    change: (a: AccountRecord) => AccountRecord,
  ): AccountRecord {
    const stored = subject.record;
    const base: AccountRecord = stored ?? {
      accountId: subject.accountId,
      profile: {},
      resourceDirectoryId: null,
      verificationCodesSent: null,
    };
    if (!stored) tx.set('accountIds', base.accountId, 'account');
    const next = change(base);
    tx.set('accounts', accessKeyId, next);
    return next;
  }

  /**
   * SendVerificationCodeForEnableRD: the state error, or (none) a code recorded for `phone` (default: the account's
   * phone), replacing the account's older code to it. Codes kept past their retention are forgotten then.
   */
  sendCode(
    api: ApiName,
    accessKeyId: string,
    site: Site | undefined,
    phone: string | undefined,
  ): MaybePromise<SendOutcome> {
    const self = this;
    return run(
      (function* (): Step<SendOutcome> {
        const now = self.options.now();
        const sequence = yield* settle(self.backend.nextSequence());
        const outcome = yield* settle(
          self.transact((tx) =>
            self.sendCodeIn(
              tx,
              { action: 'SendVerificationCodeForEnableRD', api, accessKeyId, site },
              phone,
              now,
              sequence,
            ),
          ),
        );
        if ('code' in outcome) yield* self.prune(now);
        return outcome;
      })(),
    );
  }

  private *sendCodeIn(
    tx: Transaction,
    attempt: Attempt,
    phone: string | undefined,
    now: number,
    sequence: number,
  ): Step<SendOutcome> {
    const { accessKeyId } = attempt;
    const subject = yield* this.subjectIn(tx, accessKeyId);
    const error = yield* this.stateErrorIn(tx, attempt, subject);
    if (error) return { error };
    const to = phone ?? subject.profile.phone;
    const today = utcDay(now);
    this.putAccount(tx, accessKeyId, subject, (a) => ({
      ...a,
      verificationCodesSent: {
        day: today,
        count: (a.verificationCodesSent?.day === today ? a.verificationCodesSent.count : 0) + 1,
      },
    }));
    const slot = codeSlot(accessKeyId, to);
    const previousKey = yield* tx.read('validCodes', slot);
    if (previousKey !== undefined) {
      const previous = yield* tx.read('codes', previousKey);
      if (previous && previous.consumedAt === null && previous.supersededAt === null)
        tx.set('codes', previousKey, { ...previous, supersededAt: iso(now) });
    }
    const key = codeKey(sequence);
    const expiresAt = iso(now + this.options.codeTtlMs);
    const record: CodeRecord = {
      phone: to,
      code: newVerificationCode(this.random),
      account: accessKeyId,
      sentAt: iso(now),
      expiresAt,
      consumedAt: null,
      supersededAt: null,
    };
    tx.set('codes', key, record);
    tx.set('validCodes', slot, key);
    tx.set('accountCodes', accessKeyId, [...((yield* tx.read('accountCodes', accessKeyId)) ?? []), key]);
    return { code: record };
  }

  /**
   * Forgets the codes whose retention ended, oldest first, stopping at the first one still kept: each code is looked
   * at once when it is forgotten (and the one kept, once per call), never the whole list.
   */
  private *prune(now: number): Step<void> {
    for (;;) {
      const oldest = yield* settle(this.backend.head('codes', PRUNE_BATCH));
      let forgot = 0;
      for (const [key, value] of oldest) {
        if (Date.parse(value.expiresAt) + CODE_RETENTION_MS > now) return;
        yield* settle(this.transact((tx) => forget(tx, key)));
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
  enable(
    attempt: Attempt & { readonly enable: NonNullable<Attempt['enable']> },
    dryRun: boolean,
  ): MaybePromise<EnableOutcome> {
    return this.transact((tx) => this.enableIn(tx, attempt, dryRun));
  }

  private *enableIn(
    tx: Transaction,
    attempt: Attempt & { readonly enable: NonNullable<Attempt['enable']> },
    dryRun: boolean,
  ): Step<EnableOutcome> {
    const subject = yield* this.subjectIn(tx, attempt.accessKeyId);
    const error = yield* this.stateErrorIn(tx, attempt, subject);
    if (error) return { error };
    const now = this.options.now();
    const { mode, maName } = attempt.enable;
    const { profile, accountId } = subject;
    const directory: DirectoryRecord = {
      ResourceDirectoryId: yield* unique(tx, 'directories', () => newDirectoryId(this.random)),
      RootFolderId: yield* unique(tx, 'roots', () => newRootFolderId(this.random)),
      MasterAccountId:
        mode === 'CurrentAccount' ? accountId : yield* unique(tx, 'accountIds', () => newAccountId(this.random)),
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
      const found = yield* this.findValidCode(tx, attempt.accessKeyId, attempt.enable.phone, attempt.enable.code);
      if (!found) throw new Error('enable: no valid verification code (stateError was not consulted)');
      tx.set('codes', found[0], { ...found[1], consumedAt: iso(now) });
      tx.set('accountIds', directory.MasterAccountId, 'directory');
    }
    const id = directory.ResourceDirectoryId;
    tx.set('directories', id, directory);
    tx.set('roots', directory.RootFolderId, id);
    if (directory.MasterAccountName !== '')
      tx.set('names', this.options.rules.nameKey(directory.MasterAccountName), id);
    this.putAccount(tx, attempt.accessKeyId, subject, (a) => ({ ...a, resourceDirectoryId: id }));
    return { directory };
  }

  /** Sets (or, with null, clears back to the default) fields of an account's profile. */
  setProfile(accessKeyId: string, patch: ProfilePatch): MaybePromise<AccountView> {
    const self = this;
    return this.transact(function* (tx) {
      const subject = yield* self.subjectIn(tx, accessKeyId);
      self.putAccount(tx, accessKeyId, subject, (a) => ({ ...a, profile: patched(a.profile, patch) }));
      return yield* self.viewIn(tx, accessKeyId);
    });
  }

  reset(): MaybePromise<void> {
    return this.backend.clear();
  }

  /**
   * Forgets one account (`DELETE /_emulator/accounts/<AccessKeyId>`): its record and profile, the directory it
   * enabled (with its root folder, management account name and, after NewManagementAccount, the management account's
   * id) and every verification code sent for it. Other accounts are left as they are. Answers whether there was
   * anything to forget.
   */
  forgetAccount(accessKeyId: string): MaybePromise<boolean> {
    const nameKey = this.options.rules.nameKey;
    return this.transact(function* (tx) {
      const record = yield* tx.read('accounts', accessKeyId);
      const codeKeys = (yield* tx.read('accountCodes', accessKeyId)) ?? [];
      for (const key of codeKeys) yield* forget(tx, key);
      if (!record) return codeKeys.length > 0;
      tx.set('accounts', accessKeyId, undefined);
      tx.set('accountIds', record.accountId, undefined);
      const id = record.resourceDirectoryId;
      const directory = id ? yield* tx.read('directories', id) : undefined;
      if (id && directory && directory.enabledBy === accessKeyId) {
        tx.set('directories', id, undefined);
        tx.set('roots', directory.RootFolderId, undefined);
        if (directory.MasterAccountName !== '') tx.set('names', nameKey(directory.MasterAccountName), undefined);
        if (directory.enableMode === 'NewManagementAccount') tx.set('accountIds', directory.MasterAccountId, undefined);
      }
      return true;
    });
  }
}

/** A profile with a patch's fields set (null: back to the default). */
function patched(profile: AccountProfile, patch: ProfilePatch): AccountProfile {
  const out: AccountProfile = { ...profile };
  const apply = <K extends keyof AccountProfile>(k: K): void => {
    if (!Object.hasOwn(patch, k)) return;
    const v = patch[k];
    if (v === null || v === undefined) delete out[k];
    else out[k] = v;
  };
  for (const k of PROFILE_FIELDS) apply(k);
  return out;
}

/** A fresh id (from `make`) that is not yet a key of `table`. */
function* unique(tx: Transaction, table: 'directories' | 'roots' | 'accountIds', make: () => string): Step<string> {
  for (;;) {
    const id = make();
    if ((yield* tx.read(table, id)) === undefined) return id;
  }
}
