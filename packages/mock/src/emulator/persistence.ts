/**
 * The JSON state (what `GET /_emulator/state` answers, and what `--state-file` held before it became SQLite): the
 * checker a JSON state file goes through before ./sqlite.ts migrates it, and {@link StateFileError}.
 *
 * A document that is not exactly a state this emulator wrote (not JSON, another format or version, a field of the
 * wrong type, a dangling reference) is refused with a message that says where and what; the file is left as it is.
 */
import {
  ACCOUNT_TYPES,
  ID_PATTERNS,
  PROFILE_FIELDS,
  STATE_FORMAT,
  STATE_VERSION,
  dictionary,
  type AccountRecord,
  type CodeRecord,
  type DirectoryRecord,
  type EmulatorState,
} from './model.js';

/** The state file cannot be used: the message says which file, where in it and what is wrong. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    advice = 'It was left as it is: fix it, move it away, or give another --state-file.',
  ) {
    super(`The state file ${file} cannot be used: ${reason}. ${advice}`);
    this.name = 'StateFileError';
  }
}

// ------------------------------------------------------------------------------------------- reading

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ISO_MS = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const isIso = (v: Json): v is string => typeof v === 'string' && ISO_MS.test(v) && !Number.isNaN(Date.parse(v));

class Invalid extends Error {}
const fail = (where: string, what: string): never => {
  throw new Invalid(`${where}: ${what}`);
};

function expectKeys(
  o: Record<string, Json>,
  where: string,
  required: readonly string[],
  optional: readonly string[] = [],
): void {
  for (const k of required) if (!Object.hasOwn(o, k)) fail(where, `${k} is missing`);
  const known = new Set([...required, ...optional]);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(where, `unknown field ${JSON.stringify(k)}`);
}

function str(o: Record<string, Json>, k: string, where: string, pattern?: RegExp): string {
  const v = o[k];
  if (typeof v !== 'string') return fail(`${where}.${k}`, 'must be a string');
  if (pattern && !pattern.test(v)) fail(`${where}.${k}`, `${JSON.stringify(v)} must match ${pattern}`);
  return v;
}

function checkAccount(v: Json, where: string): AccountRecord {
  if (!isObject(v)) return fail(where, 'must be an object');
  expectKeys(v, where, ['accountId', 'profile', 'resourceDirectoryId', 'verificationCodesSent']);
  str(v, 'accountId', where, ID_PATTERNS.accountId);
  const p = v.profile;
  if (!isObject(p)) return fail(`${where}.profile`, 'must be an object');
  expectKeys(p, `${where}.profile`, [], PROFILE_FIELDS);
  if (p.site !== undefined && p.site !== 'intl' && p.site !== 'china')
    fail(`${where}.profile.site`, 'must be intl or china');
  if (p.accountType !== undefined && !ACCOUNT_TYPES.includes(p.accountType as never))
    fail(`${where}.profile.accountType`, `must be ${ACCOUNT_TYPES.join(' or ')}`);
  for (const k of ['enterpriseVerified', 'inAnotherResourceDirectory'] as const)
    if (p[k] !== undefined && typeof p[k] !== 'boolean') fail(`${where}.profile.${k}`, 'must be true or false');
  for (const k of ['enterpriseName', 'phone', 'name'] as const)
    if (p[k] !== undefined && typeof p[k] !== 'string') fail(`${where}.profile.${k}`, 'must be a string');
  if (v.resourceDirectoryId !== null) str(v, 'resourceDirectoryId', where, ID_PATTERNS.resourceDirectoryId);
  const sent = v.verificationCodesSent;
  if (sent !== null) {
    if (!isObject(sent)) return fail(`${where}.verificationCodesSent`, 'must be an object or null');
    expectKeys(sent, `${where}.verificationCodesSent`, ['day', 'count']);
    str(sent, 'day', `${where}.verificationCodesSent`, ID_PATTERNS.day);
    if (!Number.isInteger(sent.count) || (sent.count as number) < 0)
      fail(`${where}.verificationCodesSent.count`, 'must be an integer >= 0');
  }
  return v as unknown as AccountRecord;
}

function checkDirectory(v: Json, id: string, where: string): DirectoryRecord {
  if (!isObject(v)) return fail(where, 'must be an object');
  const fields = [
    'ResourceDirectoryId',
    'RootFolderId',
    'MasterAccountId',
    'MasterAccountName',
    'CreateTime',
    'ControlPolicyStatus',
    'MemberDeletionStatus',
    'enabledBy',
    'enableMode',
  ];
  expectKeys(v, where, fields, ['IdentityInformation']);
  if (str(v, 'ResourceDirectoryId', where, ID_PATTERNS.resourceDirectoryId) !== id)
    fail(`${where}.ResourceDirectoryId`, `differs from its key ${id}`);
  str(v, 'RootFolderId', where, ID_PATTERNS.rootFolderId);
  str(v, 'MasterAccountId', where, ID_PATTERNS.accountId);
  str(v, 'MasterAccountName', where);
  if (!isIso(v.CreateTime)) fail(`${where}.CreateTime`, 'must be an ISO time with milliseconds');
  if (!['Enabled', 'PendingEnable', 'Disabled', 'PendingDisable'].includes(v.ControlPolicyStatus as string))
    fail(`${where}.ControlPolicyStatus`, 'must be Enabled, PendingEnable, Disabled or PendingDisable');
  if (!['Enabled', 'Disabled'].includes(v.MemberDeletionStatus as string))
    fail(`${where}.MemberDeletionStatus`, 'must be Enabled or Disabled');
  if (v.IdentityInformation !== undefined) str(v, 'IdentityInformation', where);
  str(v, 'enabledBy', where);
  if (v.enableMode !== 'CurrentAccount' && v.enableMode !== 'NewManagementAccount')
    fail(`${where}.enableMode`, 'must be CurrentAccount or NewManagementAccount');
  return v as unknown as DirectoryRecord;
}

function checkCode(v: Json, where: string): CodeRecord {
  if (!isObject(v)) return fail(where, 'must be an object');
  expectKeys(v, where, ['phone', 'code', 'account', 'sentAt', 'expiresAt', 'consumedAt', 'supersededAt']);
  str(v, 'phone', where);
  str(v, 'code', where, ID_PATTERNS.code);
  str(v, 'account', where);
  for (const k of ['sentAt', 'expiresAt'] as const)
    if (!isIso(v[k])) fail(`${where}.${k}`, 'must be an ISO time with milliseconds');
  for (const k of ['consumedAt', 'supersededAt'] as const)
    if (v[k] !== null && !isIso(v[k])) fail(`${where}.${k}`, 'must be an ISO time with milliseconds or null');
  return v as unknown as CodeRecord;
}

/** Checks that a parsed value is a state this emulator wrote; throws an Error naming the first problem. */
export function checkState(value: Json): EmulatorState {
  try {
    if (!isObject(value)) return fail('the document', 'must be a JSON object');
    expectKeys(value, 'the document', ['format', 'version', 'accounts', 'directories', 'verificationCodes']);
    if (value.format !== STATE_FORMAT) fail('format', `must be ${JSON.stringify(STATE_FORMAT)}`);
    if (value.version !== STATE_VERSION) fail('version', `must be ${STATE_VERSION} (this emulator reads no other)`);
    const { accounts, directories, verificationCodes } = value;
    if (!isObject(accounts)) return fail('accounts', 'must be an object');
    if (!isObject(directories)) return fail('directories', 'must be an object');
    if (!Array.isArray(verificationCodes)) return fail('verificationCodes', 'must be an array');
    for (const [id, d] of Object.entries(directories)) checkDirectory(d, id, `directories[${JSON.stringify(id)}]`);
    for (const [key, a] of Object.entries(accounts)) {
      const where = `accounts[${JSON.stringify(key)}]`;
      const account = checkAccount(a, where);
      if (account.resourceDirectoryId !== null && !Object.hasOwn(directories, account.resourceDirectoryId)) {
        fail(`${where}.resourceDirectoryId`, `no directory ${account.resourceDirectoryId} in directories`);
      }
    }
    for (const [id, d] of Object.entries(directories)) {
      if (!Object.hasOwn(accounts, (d as DirectoryRecord).enabledBy))
        fail(`directories[${JSON.stringify(id)}].enabledBy`, 'names no account in accounts');
    }
    verificationCodes.forEach((c, i) => checkCode(c, `verificationCodes[${i}]`));
    return {
      ...(value as unknown as EmulatorState),
      accounts: dictionary(accounts as Record<string, AccountRecord>),
      directories: dictionary(directories as Record<string, DirectoryRecord>),
    };
  } catch (e) {
    if (e instanceof Invalid) throw new Error(e.message, { cause: e });
    throw e;
  }
}
