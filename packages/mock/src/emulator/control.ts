/**
 * The emulator's control routes (not Alibaba's API; plain JSON, no signature):
 *
 *   GET  /_emulator/state                              the whole state, as in the state file
 *   POST /_emulator/reset                              forgets everything (accounts, directories, codes)  ->
 *   {"reset":true}
 *   GET  /_emulator/verification-codes[?account=&phone=]  the codes "sent", oldest first:
 *                                                      [{ phone, code, account, sentAt, expiresAt, status }]
 *   GET  /_emulator/accounts/<AccessKeyId>             the account with its defaults filled in
 *   POST /_emulator/accounts/<AccessKeyId>             sets profile fields (JSON object; null = back to the default),
 *                                                      answers like GET
 *   DELETE /_emulator/accounts/<AccessKeyId>           forgets that account only: its profile, the directory it
 *                                                      enabled, its codes  -> {"accessKeyId":...,
 *                                                      "forgotten":true|false}
 *
 * Errors are `{ "error": "<what is wrong>" }` with 400 (bad body or query), 404 (no such route), 405 (wrong method,
 * with `Allow`), 413 (body over 64 KiB) or 500 (the state could not be saved).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../frontend/http-guard.js';
import { writeJson } from '../frontend/json-answer.js';
import type { ControlRoutes } from '../frontend/responder.js';
import { ACCOUNT_TYPES, PROFILE_FIELDS } from './model.js';
import type { EmulatorRules } from './rules.js';
import type { ProfilePatch, Store } from './store.js';

export const CONTROL_PREFIX = '/_emulator';
const MAX_CONTROL_BODY = 64 * 1024;

const json = writeJson;

const problem = (
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  headers?: Record<string, string>,
) => json(req, res, status, { error }, headers);

/** The body of a control request, or undefined when it is over MAX_CONTROL_BODY. */
const body = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve) => readBody(MAX_CONTROL_BODY, req, true, resolve));

/** Checks a profile patch from a control request; returns what is wrong, or undefined. */
export function profilePatchProblem(value: unknown, phone: EmulatorRules['phone']): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body must be a JSON object';
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (!(PROFILE_FIELDS as readonly string[]).includes(k))
      return `unknown field ${JSON.stringify(k)} (known: ${PROFILE_FIELDS.join(', ')})`;
  const nullable = (k: string) => v[k] === null || v[k] === undefined;
  if (!nullable('site') && v.site !== 'intl' && v.site !== 'china') return 'site must be "intl", "china" or null';
  if (!nullable('accountType') && !ACCOUNT_TYPES.includes(v.accountType as never))
    return `accountType must be ${ACCOUNT_TYPES.map((t) => `"${t}"`).join(', ')} or null`;
  for (const k of ['enterpriseVerified', 'inAnotherResourceDirectory'])
    if (!nullable(k) && typeof v[k] !== 'boolean') return `${k} must be true, false or null`;
  for (const k of ['enterpriseName', 'name'])
    if (!nullable(k) && typeof v[k] !== 'string') return `${k} must be a string or null`;
  if (!nullable('phone') && (typeof v.phone !== 'string' || !phone.test(v.phone))) {
    return `phone must be "<country code>-<number>" matching ${phone.source} (e.g. "852-61234567"), or null`;
  }
  return undefined;
}

/**
 * The control routes over a store. Returns a hook for `createMockServer({ controlRoutes })` that answers `/_emulator`
 * and everything under it; a profile's phone must be one the contract's SecureMobilePhone accepts.
 */
export function createControlRoutes(store: Store, rules: EmulatorRules): ControlRoutes {
  return (req, res, path, query) => {
    if (path !== CONTROL_PREFIX && !path.startsWith(`${CONTROL_PREFIX}/`)) return false;
    route(store, rules, req, res, path, query).catch((e: unknown) => {
      if (res.headersSent) res.destroy();
      else problem(req, res, 500, `control route failed: ${(e as Error).message}`);
    });
    return true;
  };
}

/** Runs `run` when the request's method is one of `methods` (HEAD counts as GET); else answers 405 with `Allow`. */
function allow(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  methods: string,
  run: () => void | Promise<void>,
): void | Promise<void> {
  const method = req.method ?? 'GET';
  const allowed = methods.split(', ');
  if (allowed.includes(method) || (method === 'HEAD' && allowed.includes('GET'))) return run();
  return problem(req, res, 405, `${method} is not allowed on ${path} (allowed: ${methods})`, { allow: methods });
}

/** Answers what a change answers, or 500 when the store could not make it. */
async function saved(req: IncomingMessage, res: ServerResponse, change: () => unknown): Promise<void> {
  let value: unknown;
  try {
    value = await change();
  } catch (e) {
    return problem(req, res, 500, `the state could not be saved: ${(e as Error).message}`);
  }
  return json(req, res, 200, value);
}

async function route(
  store: Store,
  rules: EmulatorRules,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  if (path === `${CONTROL_PREFIX}/state`)
    return allow(req, res, path, 'GET', async () => json(req, res, 200, await store.exportState()));
  if (path === `${CONTROL_PREFIX}/reset`) {
    return allow(req, res, path, 'POST', () =>
      saved(req, res, async () => {
        await store.reset();
        return { reset: true };
      }),
    );
  }
  if (path === `${CONTROL_PREFIX}/verification-codes`)
    return allow(req, res, path, 'GET', () => listCodes(store, req, res, query));
  const accountsPrefix = `${CONTROL_PREFIX}/accounts/`;
  if (path.startsWith(accountsPrefix) && path.length > accountsPrefix.length)
    return accountRoute(store, rules, req, res, path, path.slice(accountsPrefix.length));
  return problem(
    req,
    res,
    404,
    `no control route ${path} (routes: GET ${CONTROL_PREFIX}/state, POST ${CONTROL_PREFIX}/reset, GET` +
      ` ${CONTROL_PREFIX}/verification-codes, GET|POST|DELETE ${CONTROL_PREFIX}/accounts/<AccessKeyId>)`,
  );
}

async function listCodes(store: Store, req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
  const q = new URLSearchParams(query);
  for (const k of q.keys())
    if (k !== 'account' && k !== 'phone')
      return problem(req, res, 400, `unknown query parameter ${JSON.stringify(k)} (known: account, phone)`);
  const account = q.get('account') ?? undefined;
  const phone = q.get('phone') ?? undefined;
  return json(
    req,
    res,
    200,
    await store.listCodes({
      ...(account !== undefined ? { account } : {}),
      ...(phone !== undefined ? { phone } : {}),
    }),
  );
}

/** `/_emulator/accounts/<raw>`, where `raw` is the AccessKeyId as it stands in the path (percent-encoded). */
async function accountRoute(
  store: Store,
  rules: EmulatorRules,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  raw: string,
): Promise<void> {
  if (raw.includes('/'))
    return problem(req, res, 404, `no control route ${path} (percent-encode a / in an AccessKeyId)`);
  let accessKeyId: string;
  try {
    accessKeyId = decodeURIComponent(raw);
  } catch {
    return problem(req, res, 400, 'the AccessKeyId in the path is not valid percent-encoding');
  }
  if (accessKeyId.trim() === '') return problem(req, res, 400, 'the AccessKeyId in the path is empty');
  const method = req.method ?? 'GET';
  return allow(req, res, path, 'GET, POST, DELETE', async () => {
    if (method === 'DELETE')
      return saved(req, res, async () => ({ accessKeyId, forgotten: await store.forgetAccount(accessKeyId) }));
    if (method !== 'POST') return json(req, res, 200, await store.accountView(accessKeyId));
    return setProfile(store, rules, req, res, accessKeyId);
  });
}

/** POST /_emulator/accounts/<AccessKeyId>: the body is a profile patch, checked before the store applies it. */
async function setProfile(
  store: Store,
  rules: EmulatorRules,
  req: IncomingMessage,
  res: ServerResponse,
  accessKeyId: string,
): Promise<void> {
  const received = await body(req);
  if (received === undefined) {
    res.setHeader('connection', 'close');
    return problem(req, res, 413, `the body is larger than ${MAX_CONTROL_BODY} bytes`);
  }
  let patch: unknown;
  try {
    patch = JSON.parse(received.toString('utf8'));
  } catch {
    return problem(req, res, 400, 'the body must be a JSON object, e.g. {"site":"intl","enterpriseVerified":false}');
  }
  const wrong = profilePatchProblem(patch, rules.phone);
  if (wrong) return problem(req, res, 400, wrong);
  return saved(req, res, () => store.setProfile(accessKeyId, patch as ProfilePatch));
}
