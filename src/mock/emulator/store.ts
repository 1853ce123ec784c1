/**
 * The emulator's state and every operation on it. Each operation checks and changes the state in one synchronous
 * step, so concurrent requests cannot interleave between a check and its change (Node runs one at a time): of 50
 * simultaneous EnableResourceDirectory calls for one account, the first creates the directory and the other 49 find it.
 */
import { rules, type ActionName } from '../../../generated/rules.js';
import type { Site } from '../../rules-types.js';
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

type Check = (store: Store, attempt: Attempt, profile: EffectiveProfile) => boolean;

const iso = (ms: number): string => new Date(ms).toISOString();

export class Store {
  state: EmulatorState;
  private readonly checks: Record<StateErrorCode, Check>;

  constructor(
    private readonly options: StoreOptions,
    initial?: EmulatorState,
  ) {
    this.state = initial ?? emptyState();
    for (const q of options.quotas.values()) {
      if (!(STATE_ERROR_PRECEDENCE as readonly string[]).includes(q.error)) {
        throw new Error(`The contract's quota of ${q.action} answers ${q.error}, which the emulator's STATE_ERROR_PRECEDENCE does not place`);
      }
    }
    const quotaHit: Check = (s, a) => {
      const q = options.quotas.get(a.action);
      return q !== undefined && s.codesSentToday(a.accessKeyId) >= q.limit;
    };
    this.checks = {
      'EntityAlreadyExists.ResourceDirectory': (s, a) => s.directoryOf(a.accessKeyId) !== undefined,
      'NotSupport.AccountInAnotherResourceDirectory': (_s, _a, p) => p.inAnotherResourceDirectory,
      ResourceDirectoryNotInUse: (s, a) => s.directoryOf(a.accessKeyId) === undefined,
      'NotSupport.Account.Site': (s, a) => {
        const registered = s.state.accounts[a.accessKeyId]?.profile.site;
        return a.site !== undefined && registered !== undefined && registered !== a.site;
      },
      'Invalid.AccountType': (_s, _a, p) => p.accountType !== 'enterprise',
      EnterpriseRealNameVerificationError: (_s, _a, p) => !p.enterpriseVerified,
      'Invalid.EnterpriseName': (_s, _a, p) => p.enterpriseName.trim() === '',
      SendValidateCodeExceedsLimitForAccount: quotaHit,
      'Invalid.VerificationCode': (s, a) => a.enable?.mode === 'NewManagementAccount' && s.validCode(a.accessKeyId, a.enable.phone, a.enable.code) === undefined,
      'InvalidParameter.ManagementAccountName.AlreadyUsed': (s, a) => a.enable?.mode === 'NewManagementAccount' && a.enable.maName !== undefined && s.nameUsed(a.enable.maName),
    };
  }

  get site(): Site | undefined {
    return this.options.site;
  }

  // ----------------------------------------------------------------------------------------- reading

  accountId(accessKeyId: string): string {
    return this.state.accounts[accessKeyId]?.accountId ?? accountIdOf(accessKeyId);
  }

  profile(accessKeyId: string): EffectiveProfile {
    return effectiveProfile(this.accountId(accessKeyId), this.state.accounts[accessKeyId]?.profile ?? {}, this.options.site);
  }

  directoryOf(accessKeyId: string): DirectoryRecord | undefined {
    const id = this.state.accounts[accessKeyId]?.resourceDirectoryId;
    return id ? this.state.directories[id] : undefined;
  }

  codesSentToday(accessKeyId: string): number {
    const sent = this.state.accounts[accessKeyId]?.verificationCodesSent;
    return sent && sent.day === utcDay(this.options.now()) ? sent.count : 0;
  }

  /** Whether another directory's management account has this name (compared by {@link nameKey}). */
  nameUsed(name: string): boolean {
    const key = nameKey(name);
    return Object.values(this.state.directories).some((d) => d.MasterAccountName !== '' && nameKey(d.MasterAccountName) === key);
  }

  /** The code a NewManagementAccount enable may use: sent for this account to this phone, not used, replaced or expired. */
  validCode(accessKeyId: string, phone: string | undefined, code: string | undefined): CodeRecord | undefined {
    if (phone === undefined || code === undefined) return undefined;
    const now = this.options.now();
    return this.state.verificationCodes.find(
      (c) => c.account === accessKeyId && c.phone === phone && c.code === code && c.consumedAt === null && c.supersededAt === null && Date.parse(c.expiresAt) > now,
    );
  }

  codeStatus(c: CodeRecord): CodeStatus {
    if (c.consumedAt !== null) return 'consumed';
    if (c.supersededAt !== null) return 'superseded';
    return Date.parse(c.expiresAt) > this.options.now() ? 'valid' : 'expired';
  }

  listCodes(filter: { account?: string; phone?: string } = {}): CodeView[] {
    return this.state.verificationCodes
      .filter((c) => (filter.account === undefined || c.account === filter.account) && (filter.phone === undefined || c.phone === filter.phone))
      .map((c) => ({ phone: c.phone, code: c.code, account: c.account, sentAt: c.sentAt, expiresAt: c.expiresAt, status: this.codeStatus(c) }));
  }

  accountView(accessKeyId: string): AccountView {
    return {
      accessKeyId,
      accountId: this.accountId(accessKeyId),
      ...this.profile(accessKeyId),
      resourceDirectoryId: this.state.accounts[accessKeyId]?.resourceDirectoryId ?? null,
      verificationCodesSentToday: this.codesSentToday(accessKeyId),
    };
  }

  /**
   * The state error an attempt is answered with, or undefined: the first of {@link STATE_ERROR_PRECEDENCE} that the
   * action documents and that applies.
   */
  stateError(attempt: Attempt): StateErrorCode | undefined {
    const documented = rules.actions[attempt.action].errors as Readonly<Record<string, unknown>>;
    const profile = this.profile(attempt.accessKeyId);
    for (const code of STATE_ERROR_PRECEDENCE) {
      if (Object.hasOwn(documented, code) && this.checks[code](this, attempt, profile)) return code;
    }
    return undefined;
  }

  // ----------------------------------------------------------------------------------------- changing

  private account(accessKeyId: string): AccountRecord {
    let a = this.state.accounts[accessKeyId];
    if (!a) {
      a = { accountId: accountIdOf(accessKeyId), profile: {}, resourceDirectoryId: null, verificationCodesSent: null };
      this.state.accounts[accessKeyId] = a;
    }
    return a;
  }

  /** Records a verification code sent to `phone` (default: the account's phone); the account's older codes to it are replaced. */
  sendCode(accessKeyId: string, phone: string | undefined): CodeRecord {
    const now = this.options.now();
    const account = this.account(accessKeyId);
    const to = phone ?? this.profile(accessKeyId).phone;
    const today = utcDay(now);
    account.verificationCodesSent = { day: today, count: (account.verificationCodesSent?.day === today ? account.verificationCodesSent.count : 0) + 1 };
    const codes = this.state.verificationCodes.filter((c) => Date.parse(c.expiresAt) + CODE_RETENTION_MS > now);
    for (const c of codes) if (c.account === accessKeyId && c.phone === to && c.consumedAt === null && c.supersededAt === null) c.supersededAt = iso(now);
    const record: CodeRecord = { phone: to, code: newVerificationCode(), account: accessKeyId, sentAt: iso(now), expiresAt: iso(now + this.options.codeTtlMs), consumedAt: null, supersededAt: null };
    codes.push(record);
    this.state.verificationCodes = codes;
    return record;
  }

  /**
   * The directory an attempt that passed {@link stateError} creates. With `dryRun` nothing is stored (the ids are
   * fresh but not reserved) and no code is used; otherwise the account gets the directory and its code is consumed.
   */
  enable(attempt: Attempt & { readonly enable: NonNullable<Attempt['enable']> }, dryRun: boolean): DirectoryRecord {
    const now = this.options.now();
    const { mode, maName } = attempt.enable;
    const profile = this.profile(attempt.accessKeyId);
    const directory: DirectoryRecord = {
      ResourceDirectoryId: this.unique(newDirectoryId, (id) => Object.hasOwn(this.state.directories, id)),
      RootFolderId: this.unique(newRootFolderId, (id) => Object.values(this.state.directories).some((d) => d.RootFolderId === id)),
      MasterAccountId: mode === 'CurrentAccount' ? this.accountId(attempt.accessKeyId) : this.unique(newAccountId, (id) => this.accountIdTaken(id)),
      MasterAccountName: mode === 'CurrentAccount' ? profile.name : (maName ?? ''),
      CreateTime: iso(now),
      ControlPolicyStatus: INITIAL_CONTROL_POLICY_STATUS,
      MemberDeletionStatus: INITIAL_MEMBER_DELETION_STATUS,
      ...(profile.enterpriseName.trim() !== '' ? { IdentityInformation: profile.enterpriseName } : {}),
      enabledBy: attempt.accessKeyId,
      enableMode: mode,
    };
    if (dryRun) return directory;
    if (mode === 'NewManagementAccount') {
      const code = this.validCode(attempt.accessKeyId, attempt.enable.phone, attempt.enable.code);
      if (!code) throw new Error('enable: no valid verification code (stateError was not consulted)');
      code.consumedAt = iso(now);
    }
    this.state.directories[directory.ResourceDirectoryId] = directory;
    this.account(attempt.accessKeyId).resourceDirectoryId = directory.ResourceDirectoryId;
    return directory;
  }

  /** Sets (or, with null, clears back to the default) fields of an account's profile. */
  setProfile(accessKeyId: string, patch: ProfilePatch): AccountView {
    const profile = this.account(accessKeyId).profile;
    for (const k of PROFILE_FIELDS) {
      if (!Object.hasOwn(patch, k)) continue;
      const v = patch[k];
      if (v === null || v === undefined) delete profile[k];
      else (profile as Record<string, unknown>)[k] = v;
    }
    return this.accountView(accessKeyId);
  }

  reset(): void {
    this.state = emptyState();
  }

  snapshot(): string {
    return `${JSON.stringify(this.state, null, 2)}\n`;
  }

  private accountIdTaken(id: string): boolean {
    return Object.values(this.state.accounts).some((a) => a.accountId === id) || Object.values(this.state.directories).some((d) => d.MasterAccountId === id);
  }

  private unique(make: () => string, taken: (id: string) => boolean): string {
    for (;;) {
      const id = make();
      if (!taken(id)) return id;
    }
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
