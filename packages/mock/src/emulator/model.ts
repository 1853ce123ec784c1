/**
 * The stateful emulator's data model: what it remembers (the state file is this, as JSON), the defaults of an account
 * it has not been told about, the identifiers it makes up, and the order in which state errors win.
 */
import { hash } from 'node:crypto';
import type { Contract, Site } from '@rd-contract/contract';
import type { Random } from '../frontend/random.js';

/** `format` of the state (and the state file). */
export const STATE_FORMAT = 'rd-emulator-state';
export const STATE_VERSION = 1;

/** How long a verification code is valid: 5 minutes, like Alibaba Cloud's SMS codes. */
export const DEFAULT_CODE_TTL_MS = 5 * 60 * 1000;

/** A code is kept (listed as expired) this long after it expires, then forgotten. */
export const CODE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * ControlPolicyStatus and MemberDeletionStatus of a new directory: both features start disabled, as on Alibaba Cloud.
 */
export const INITIAL_CONTROL_POLICY_STATUS = 'Disabled';
export const INITIAL_MEMBER_DELETION_STATUS = 'Disabled';

/** The enterprise name of an account nobody has described (also the directory's IdentityInformation). */
export const DEFAULT_ENTERPRISE_NAME = 'Emulated Enterprise Co., Ltd.';

/**
 * The state errors the emulator knows: the `state` step of the contract's `x-acs-error-precedence`, in the order they
 * win (./rules.ts reads the order from the contract it is given). An action is only ever answered with the codes it
 * documents: the others are skipped for it.
 */
type StateStep = Extract<Contract['shared']['errorPrecedence'][number], { step: 'state' }>;
export type StateErrorCode = StateStep['errors'][number];

export type AccountType = 'enterprise' | 'individual';
export const ACCOUNT_TYPES: readonly AccountType[] = ['enterprise', 'individual'];

/**
 * What the emulator has been told about an account (`POST /_emulator/accounts/<AccessKeyId>`); everything left out
 * takes its default (see {@link effectiveProfile}).
 */
export interface AccountProfile {
  /** The site the account is registered at. Default: the site the mock plays (so never NotSupport.Account.Site). */
  site?: Site;
  /** Default `enterprise`; `individual` gets Invalid.AccountType. */
  accountType?: AccountType;
  /** Enterprise real-name verification passed. Default true; false gets EnterpriseRealNameVerificationError. */
  enterpriseVerified?: boolean;
  /** Default {@link DEFAULT_ENTERPRISE_NAME}; '' gets Invalid.EnterpriseName. */
  enterpriseName?: string;
  /**
   * A member (or management account) of a directory outside the emulator: NotSupport.AccountInAnotherResourceDirectory.
   */
  inAnotherResourceDirectory?: boolean;
  /** The mobile phone number bound to the account. Default: {@link defaultPhone}. */
  phone?: string;
  /** The account's name, MasterAccountName after EnableMode=CurrentAccount. Default `aliyun-<accountId>`. */
  name?: string;
}

export const PROFILE_FIELDS = [
  'site',
  'accountType',
  'enterpriseVerified',
  'enterpriseName',
  'inAnotherResourceDirectory',
  'phone',
  'name',
] as const;

export interface AccountRecord {
  /** The account's 16-digit id, derived from its AccessKeyId ({@link accountIdOf}). */
  accountId: string;
  profile: AccountProfile;
  /** The directory the account enabled (or, after NewManagementAccount, belongs to as a member); null: none. */
  resourceDirectoryId: string | null;
  /** Verification codes sent on one UTC day (the quota's count); null: none yet. */
  verificationCodesSent: { day: string; count: number } | null;
}

export type EnableMode = 'CurrentAccount' | 'NewManagementAccount';

export interface DirectoryRecord {
  ResourceDirectoryId: string;
  RootFolderId: string;
  MasterAccountId: string;
  MasterAccountName: string;
  CreateTime: string;
  ControlPolicyStatus: 'Enabled' | 'PendingEnable' | 'Disabled' | 'PendingDisable';
  MemberDeletionStatus: 'Enabled' | 'Disabled';
  IdentityInformation?: string;
  /** The AccessKeyId that enabled it. */
  enabledBy: string;
  enableMode: EnableMode;
}

export interface CodeRecord {
  phone: string;
  code: string;
  /** The AccessKeyId it was sent for. */
  account: string;
  sentAt: string;
  expiresAt: string;
  /** When a successful EnableResourceDirectory used it. */
  consumedAt: string | null;
  /** When a newer code to the same phone for the same account replaced it. */
  supersededAt: string | null;
}

export interface EmulatorState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** By AccessKeyId. */
  accounts: Record<string, AccountRecord>;
  /** By ResourceDirectoryId. */
  directories: Record<string, DirectoryRecord>;
  /** In the order sent. */
  verificationCodes: CodeRecord[];
}

/**
 * A record keyed by caller-chosen strings (AccessKeyIds, directory ids): no prototype, so that `__proto__`,
 * `constructor` or `toString` are keys like any other and can never reach Object.prototype.
 */
export function dictionary<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

export const emptyState = (): EmulatorState => ({
  format: STATE_FORMAT,
  version: STATE_VERSION,
  accounts: dictionary(),
  directories: dictionary(),
  verificationCodes: [],
});

/**
 * A stable 16-digit account id for an AccessKeyId (first digit 1-9): the first 8 bytes of its SHA-256, mod 9e15, +
 * 1e15.
 */
export function accountIdOf(accessKeyId: string): string {
  const digest = hash('sha256', `rd-emulator-account\n${accessKeyId}`, 'buffer');
  return String((digest.readBigUInt64BE(0) % 9_000_000_000_000_000n) + 1_000_000_000_000_000n);
}

/**
 * The mobile phone number bound to an account nobody has described, from its account id: `86-139` and the id's last
 * 8 digits for an account of the China site, `852-6` and its last 7 digits otherwise (a number each site accepts).
 */
export function defaultPhone(accountId: string, site: Site | undefined): string {
  return site === 'china' ? `86-139${accountId.slice(-8)}` : `852-6${accountId.slice(-7)}`;
}

export const defaultAccountName = (accountId: string): string => `aliyun-${accountId}`;

export interface EffectiveProfile {
  readonly site: Site | undefined;
  readonly accountType: AccountType;
  readonly enterpriseVerified: boolean;
  readonly enterpriseName: string;
  readonly inAnotherResourceDirectory: boolean;
  readonly phone: string;
  readonly name: string;
}

/** A profile with its defaults filled in; `mockSite` is the site the mock plays. */
export function effectiveProfile(
  accountId: string,
  profile: AccountProfile,
  mockSite: Site | undefined,
): EffectiveProfile {
  const site = profile.site ?? mockSite;
  return {
    site,
    accountType: profile.accountType ?? 'enterprise',
    enterpriseVerified: profile.enterpriseVerified ?? true,
    enterpriseName: profile.enterpriseName ?? DEFAULT_ENTERPRISE_NAME,
    inAnotherResourceDirectory: profile.inAnotherResourceDirectory ?? false,
    phone: profile.phone ?? defaultPhone(accountId, site),
    name: profile.name ?? defaultAccountName(accountId),
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `n` characters of {@link ALNUM}, each uniform and independent. */
export function randomAlnum(random: Random, n: number): string {
  let out = '';
  while (out.length < n) out += ALNUM[random.int(0, ALNUM.length)];
  return out;
}
/** `rd-` and 6 letters or digits, like the seeds' `rd-54****`. */
export const newDirectoryId = (random: Random): string => `rd-${randomAlnum(random, 6)}`;
/** `r-` and 6 letters or digits, like the seeds' `r-G9****`. */
export const newRootFolderId = (random: Random): string => `r-${randomAlnum(random, 6)}`;
/** 16 digits, the first 1-9. */
export const newAccountId = (random: Random): string => {
  const digits = (width: number) => String(random.int(0, 10 ** width)).padStart(width, '0');
  return `${random.int(1, 10)}${digits(8)}${digits(7)}`;
};
/** 6 random digits. */
export const newVerificationCode = (random: Random): string => String(random.int(0, 1_000_000)).padStart(6, '0');

/** The UTC day of a time, `YYYY-MM-DD` (the quota's period). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const ID_PATTERNS = {
  accountId: /^[1-9][0-9]{15}$/,
  resourceDirectoryId: /^rd-[A-Za-z0-9]{6}$/,
  rootFolderId: /^r-[A-Za-z0-9]{6}$/,
  code: /^[0-9]{6}$/,
  day: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
} as const;
