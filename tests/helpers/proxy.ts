/**
 * The contract proxy in-process for tests, with every violation it reports collected; and signed requests built by
 * hand (packages/client/src/protocol/signing.ts) in both styles, so that a test can break any rule a client would
 * refuse to send.
 */
import {
  createProxyServer,
  type ProxyServer,
  type ProxyServerOptions,
  type ViolationRecord,
} from '../../packages/mock/src/proxy/index.js';
import { acs3Sign, newNonce, sha256Hex, signRpc, utcTimestamp } from '../../packages/client/src/protocol/signing.js';
import { VERSION } from './mock.js';

export interface TestProxy {
  readonly url: string;
  readonly port: number;
  /** Every violation line, parsed, in order. */
  readonly records: ViolationRecord[];
  /** Every line, as written. */
  readonly lines: string[];
  readonly upstreamErrors: string[];
  readonly proxy: ProxyServer;
  close(): Promise<void>;
}

export async function startProxy(options: ProxyServerOptions): Promise<TestProxy> {
  const records: ViolationRecord[] = [];
  const lines: string[] = [];
  const upstreamErrors: string[] = [];
  const proxy = createProxyServer({
    ...options,
    host: '127.0.0.1',
    port: 0,
    onViolation: (line, record) => {
      lines.push(line);
      records.push(record);
    },
    onUpstreamError: (m) => upstreamErrors.push(m),
  });
  const url = await proxy.listen();
  return { url, port: Number(new URL(url).port), records, lines, upstreamErrors, proxy, close: () => proxy.close() };
}

export type Style = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
export const STYLES: readonly Style[] = ['ACS3-HMAC-SHA256', 'HMAC-SHA1'];

export interface SignedRequestOptions {
  readonly action?: string;
  readonly version?: string;
  /** The action's parameters (and any others). */
  readonly params?: Record<string, string>;
  readonly method?: string;
  readonly path?: string;
  /** Key and secret to sign with. */
  readonly id: string;
  readonly secret: string;
  /** ACS3: headers to change before signing (undefined removes one). HMAC-SHA1: common parameters to change. */
  readonly override?: Record<string, string | undefined>;
  /** ACS3: the signed header names, instead of all. */
  readonly signedHeaders?: string[];
  readonly headers?: Record<string, string>;
}

/** A request signed in `style` for `base` (its host is what ACS3 signs). */
export function signedRequest(style: Style, base: string, o: SignedRequestOptions): { url: string; init: RequestInit } {
  const method = o.method ?? 'POST';
  const path = o.path ?? '/';
  const host = new URL(base).host;
  const params = o.params ?? {};
  if (style === 'ACS3-HMAC-SHA256') {
    const headers: Record<string, string | undefined> = {
      host,
      'x-acs-action': o.action ?? 'GetResourceDirectory',
      'x-acs-version': o.version ?? VERSION,
      'x-acs-date': utcTimestamp(),
      'x-acs-signature-nonce': newNonce(),
      'x-acs-content-sha256': sha256Hex(''),
      ...o.override,
    };
    for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
    const signed = acs3Sign(
      {
        method,
        pathname: path,
        query: params,
        headers: headers as Record<string, string>,
        payloadHash: headers['x-acs-content-sha256'] ?? '',
        ...(o.signedHeaders ? { signedHeaders: o.signedHeaders } : {}),
      },
      o.id,
      o.secret,
    );
    const { host: _host, ...sent } = headers as Record<string, string>;
    const qs = new URLSearchParams(params).toString();
    return {
      url: `${base}${path}${qs ? `?${qs}` : ''}`,
      init: {
        method,
        headers: { ...sent, authorization: signed.authorization, accept: 'application/json', ...o.headers },
      },
    };
  }
  const all: Record<string, string | undefined> = {
    Action: o.action ?? 'GetResourceDirectory',
    Version: o.version ?? VERSION,
    Format: 'JSON',
    AccessKeyId: o.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: newNonce(),
    Timestamp: utcTimestamp(),
    ...params,
    ...o.override,
  };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  const signature = signRpc(method, all as Record<string, string>, o.secret);
  const qs = new URLSearchParams({ ...(all as Record<string, string>), Signature: signature }).toString();
  return { url: `${base}${path}?${qs}`, init: { method, headers: { accept: 'application/json', ...o.headers } } };
}

export interface ProxyAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape the upstream sent
  body: any;
  /** The parsed sl-violations header ([] when absent). */
  violations: { location: string[]; severity: string; code: string; message: string }[];
}

export async function send(style: Style, base: string, o: SignedRequestOptions): Promise<ProxyAnswer> {
  const { url, init } = signedRequest(style, base, o);
  return answerOf(await fetch(url, init));
}

export async function answerOf(res: Response): Promise<ProxyAnswer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const sl = res.headers.get('sl-violations');
  return { status: res.status, headers: res.headers, text, body, violations: sl ? JSON.parse(sl) : [] };
}
