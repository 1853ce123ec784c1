/**
 * Driving the stateful emulator on the wire in tests: RPC calls by AccessKeyId (unsigned: the mock is started without
 * signature verification unless a test says otherwise), the control routes, and a settable clock. The mock itself is
 * started with tests/helpers/mock.ts's startMock, so every API answer is checked against the contract.
 */
import type { Emulator, MockServerOptions } from '../../packages/mock/src/index.js';
import { bodyOf, startMock, VERSION, type TestMock } from './mock.js';
import type { Json } from './contract.js';

export interface Answer {
  readonly status: number;
  readonly body: Json;
  /** `Code` of an error body. */
  readonly code: string | undefined;
  readonly contentType: string | null;
}

/** A clock tests move by hand. */
export class Clock {
  constructor(public t = Date.parse('2025-03-01T12:00:00.000Z')) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Emu extends TestMock {
  readonly clock: Clock;
  readonly emulator: Emulator;
  /** One RPC call as `accessKeyId` (none: anonymous), parameters in the query of a POST. */
  call(
    action: string,
    accessKeyId: string | undefined,
    params?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** A control route; `body` is sent as JSON. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }>;
  /**
   * Sends a verification code as `accessKeyId` (to `phone`, or the account's own) and reads it from
   * /_emulator/verification-codes.
   */
  sendCode(accessKeyId: string, phone?: string): Promise<{ phone: string; code: string }>;
  /** Sets profile fields of an account. */
  profile(accessKeyId: string, patch: Record<string, unknown>): Promise<Json>;
}

export async function startEmulator(options: Omit<MockServerOptions, 'clock'> & { clock?: Clock } = {}): Promise<Emu> {
  const { clock = new Clock(), ...rest } = options;
  const stateful = typeof rest.stateful === 'object' ? rest.stateful : {};
  const mock = await startMock({ ...rest, stateful: { now: clock.now, ...stateful } });
  const call: Emu['call'] = async (action, accessKeyId, params = {}, headers = {}) => {
    const q = new URLSearchParams({
      Action: action,
      Version: VERSION,
      ...(accessKeyId !== undefined ? { AccessKeyId: accessKeyId } : {}),
      ...params,
    });
    const res = await fetch(`${mock.url}/?${q}`, { method: 'POST', headers });
    const text = await res.text();
    const body = bodyOf(text, res.headers.get('content-type'));
    return {
      status: res.status,
      body,
      code: res.status >= 400 ? body.Code : undefined,
      contentType: res.headers.get('content-type'),
    };
  };
  const control: Emu['control'] = async (method, path, body) => {
    const res = await fetch(`${mock.url}${path}`, {
      method,
      ...(body !== undefined
        ? {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }
        : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
  };
  const sendCode: Emu['sendCode'] = async (accessKeyId, phone) => {
    const sent = await call(
      'SendVerificationCodeForEnableRD',
      accessKeyId,
      phone !== undefined ? { SecureMobilePhone: phone } : {},
    );
    if (sent.status !== 200)
      throw new Error(`SendVerificationCodeForEnableRD for ${accessKeyId}: ${sent.status} ${sent.code}`);
    const list = await control('GET', `/_emulator/verification-codes?account=${encodeURIComponent(accessKeyId)}`);
    const last = list.body.at(-1);
    return { phone: last.phone, code: last.code };
  };
  const profile: Emu['profile'] = async (accessKeyId, patch) => {
    const r = await control('POST', `/_emulator/accounts/${encodeURIComponent(accessKeyId)}`, patch);
    if (r.status !== 200) throw new Error(`profile ${accessKeyId}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return { ...mock, clock, emulator: mock.server.emulator!, call, control, sendCode, profile };
}

/** EnableResourceDirectory parameters for a new management account. */
export const newAccount = (
  maName: string,
  phone: string,
  code: string,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  EnableMode: 'NewManagementAccount',
  MAName: maName,
  MASecureMobilePhone: phone,
  VerificationCode: code,
  ...extra,
});

/** A six-digit code that is not `code`. */
export const otherCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
