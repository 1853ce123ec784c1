/**
 * A local HTTP server (127.0.0.1, port 0) that records exactly what a client sends, for the client tests.
 * By default it answers every request with a success body for the action it names (query `Action` or header
 * `x-acs-action`); a test can queue answers or replace the handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface Captured {
  method: string;
  /** The request target as received, e.g. `/?EnableMode=CurrentAccount`. */
  url: string;
  path: string;
  /** The raw query string (without `?`), `''` when there is none. */
  rawQuery: string;
  /** Decoded query pairs in wire order. */
  query: [string, string][];
  /** Header names lower-cased; repeated headers joined by `, ` (as Node does). */
  headers: Record<string, string>;
  /** Header names as sent, in order. */
  headerNames: string[];
  body: Buffer;
  receivedAt: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type Handler = (req: Captured, res: ServerResponse) => void;

export interface CaptureServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: Captured[];
  /** Answers for the next requests, in order; after them the default answer (or the handler) applies. */
  queue: Answer[];
  handler: Handler | undefined;
  reset(): void;
  close(): Promise<void>;
}

export function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

export const successBodies: Record<string, unknown> = {
  EnableResourceDirectory: {
    RequestId: 'EC2FE94D-A4A2-51A1-A493-5C273A36C46A',
    ResourceDirectory: {
      ResourceDirectoryId: 'rd-54****',
      MasterAccountId: '507408460615****',
      MasterAccountName: 'alice@example.com',
      RootFolderId: 'r-G9****',
      CreateTime: '2021-12-08T02:15:31.744Z',
    },
  },
  InitResourceDirectory: {
    RequestId: 'EC2FE94D-A4A2-51A1-A493-5C273A36C46B',
    ResourceDirectory: {
      RootFolderId: 'r-Zo****',
      ResourceDirectoryId: 'rd-Ss****',
      MasterAccountId: '172841235500****',
      MasterAccountName: 'aliyun-****',
      CreateTime: '2019-02-18T15:32:10.473Z',
    },
  },
  SendVerificationCodeForEnableRD: { RequestId: 'EC2FE94D-A4A2-51A1-A493-5C273A36C46C' },
  GetResourceDirectory: {
    RequestId: 'EC2FE94D-A4A2-51A1-A493-5C273A36C46D',
    ResourceDirectory: {
      RootFolderId: 'r-Zo****',
      ResourceDirectoryId: 'rd-St****',
      CreateTime: '2019-02-18T15:32:10.473Z',
      MasterAccountId: '172845045600****',
      MasterAccountName: 'aliyun-admin',
      ControlPolicyStatus: 'Enabled',
      MemberDeletionStatus: 'Enabled',
    },
  },
};

export function actionOf(req: Captured): string {
  return req.query.find(([k]) => k === 'Action')?.[1] ?? req.headers['x-acs-action'] ?? '';
}

function defaultAnswer(req: Captured): Answer {
  const body = successBodies[actionOf(req)];
  if (!body)
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        RequestId: 'x',
        Code: 'InvalidAction.NotFound',
        Message: 'Specified api is not found, please check your url and method.',
      }),
    };
  return {
    status: 200,
    headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': 'req' },
    body: JSON.stringify(body),
  };
}

/**
 * A capture server that is not listening yet: `listen()` starts it on 127.0.0.1 (a free port) and sets `port` and
 * `origin`.
 */
export function createCaptureServer(): CaptureServer & { listen(): Promise<void> } {
  const state = { requests: [] as Captured[], queue: [] as Answer[] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
      const captured: Captured = {
        method: req.method ?? '',
        url,
        path: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        query: parseQuery(q < 0 ? '' : url.slice(q + 1)),
        headers,
        headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
        body: Buffer.concat(chunks),
        receivedAt: performance.now(),
      };
      state.requests.push(captured);
      if (capture.handler) return capture.handler(captured, res);
      const answer = capture.queue.shift() ?? defaultAnswer(captured);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  const capture: CaptureServer & { listen(): Promise<void> } = {
    port: 0,
    origin: '',
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      capture.port = (server.address() as AddressInfo).port;
      capture.origin = `http://127.0.0.1:${capture.port}`;
    },
    requests: state.requests,
    queue: state.queue,
    handler: undefined,
    reset() {
      state.requests.length = 0;
      state.queue.length = 0;
      capture.handler = undefined;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return capture;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const capture = createCaptureServer();
  await capture.listen();
  return capture;
}

/**
 * The capture server of a test file: listening before its tests, reset after each test, closed after all (which also
 * drops connections a handler left open). Its `origin` is set once the file's tests start.
 */
export function useCaptureServer(): CaptureServer {
  const capture = createCaptureServer();
  beforeAll(() => capture.listen());
  afterEach(() => capture.reset());
  afterAll(() => capture.close());
  return capture;
}

/**
 * A captured request with what varies per request replaced (64-hex nonces and signatures, timestamps, HMAC-SHA1
 * Signature values), so that two requests can be compared: method, target, header names in order, header values, body
 * length.
 */
export function normalisedRequest(r: Captured) {
  const stable = (s: string) =>
    s
      .replace(/[0-9a-f]{64}/g, '<hex>')
      .replace(/\d{4}-\d\d-\d\dT\d\d(:|%3A)\d\d(:|%3A)\d\dZ/g, '<date>')
      .replace(/Signature=[^&,]+/g, 'Signature=<sig>');
  return {
    method: r.method,
    url: stable(r.url),
    headerNames: r.headerNames,
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, stable(v)])),
    body: r.body.length,
  };
}

export const errorBody = (code: string, message = 'message', extra: Record<string, string> = {}): string =>
  JSON.stringify({
    RequestId: '724E69B8-9285-54E9-A4A4-159108C46B03',
    HostId: 'resourcemanager.aliyuncs.com',
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${code}`,
    ...extra,
  });
