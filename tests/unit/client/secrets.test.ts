// The AccessKey secret and the STS token never appear in anything the client throws, returns as an error, or logs.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createClient, ResourceDirectoryClientError, type ClientOptions } from '../../../packages/client/src/index.js';
import { percentEncodeRpc } from '../../../packages/client/src/protocol/signing.js';
import { errorBody, useCaptureServer } from '../../helpers/capture-server.js';

const SECRET = 'S3cretValue/With+Specials=0123456789';
const TOKEN = 'CAIS/StsToken+Value=0123456789abcdef';
/** Every form a secret could take in a message: raw, percent-encoded once and twice (a v1 string to sign). */
const FORMS = [
  SECRET,
  TOKEN,
  percentEncodeRpc(SECRET),
  percentEncodeRpc(TOKEN),
  percentEncodeRpc(percentEncodeRpc(TOKEN)),
  encodeURIComponent(TOKEN),
];

const server = useCaptureServer();
let consoleSpies: MockInstance[] = [];
beforeEach(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
});
afterEach(() => {
  // the client never logs
  for (const s of consoleSpies) expect(s).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

/** Everything a caller could print of a value. */
function everyRendering(x: unknown): string {
  const parts = [String(x), inspect(x, { depth: 20, showHidden: true, getters: true })];
  try {
    parts.push(JSON.stringify(x, Object.getOwnPropertyNames(x as object)));
  } catch {
    /* circular: inspect covers it */
  }
  if (x instanceof Error) {
    parts.push(x.message, x.stack ?? '');
    let c: unknown = x.cause;
    while (c) {
      parts.push(
        inspect(c, { depth: 20, showHidden: true }),
        c instanceof Error ? `${c.message}\n${c.stack}` : String(c),
      );
      c = c instanceof Error ? c.cause : undefined;
    }
  }
  return parts.join('\n');
}

function expectNoSecret(x: unknown) {
  const text = everyRendering(x);
  for (const f of FORMS) expect(text.includes(f), `leaks ${f}`).toBe(false);
}

const opts = (extra: Partial<ClientOptions> = {}): ClientOptions => ({
  endpoint: server.origin,
  accessKeyId: 'KeyId',
  accessKeySecret: SECRET,
  securityToken: TOKEN,
  ...extra,
});

describe.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)('%s', (signatureAlgorithm) => {
  it('validation failure: even a secret passed as a parameter value is not echoed', async () => {
    const c = createClient(opts({ signatureAlgorithm }));
    const e = await c
      .EnableResourceDirectory({
        EnableMode: 'NewManagementAccount',
        MAName: SECRET,
        MASecureMobilePhone: TOKEN,
        VerificationCode: SECRET,
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResourceDirectoryClientError);
    expect((e as ResourceDirectoryClientError).code).toBe('InvalidParameter.ManagementAccountName');
    expectNoSecret(e);
    expect(server.requests).toHaveLength(0);
  });

  it('fetch throws an error quoting the request URL, headers and secret: the thrown error is redacted', async () => {
    const c = createClient(
      opts({
        signatureAlgorithm,
        fetch: async (req) => {
          const cause = Object.assign(
            new Error(`socket hang up after ${req.headers.get('x-acs-security-token') ?? ''} ${SECRET}`),
            { code: 'ECONNRESET' },
          );
          throw new TypeError(`fetch failed for ${req.url} ${JSON.stringify(Object.fromEntries(req.headers))}`, {
            cause,
          });
        },
      }),
    );
    const e = await c.GetResourceDirectory().catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ResourceDirectoryNetworkError', code: 'NetworkError' });
    expect((e as Error).message).toContain('fetch failed'); // still useful
    expect(((e as Error).cause as { code?: string }).code).toBe('ECONNRESET');
    expectNoSecret(e);
  });

  it('a refused connection is a NetworkError without secrets', async () => {
    const c = createClient(opts({ signatureAlgorithm, endpoint: 'http://127.0.0.1:9' }));
    const e = await c.GetResourceDirectory().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'NetworkError' });
    expectNoSecret(e);
  });

  it('an error body echoing the string to sign is redacted before it is returned', async () => {
    // the real gateway appends its StringToSign to SignatureDoesNotMatch; in the v1 form that holds the token
    server.queue.push({
      status: 400,
      body: errorBody(
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign` +
          ` is:POST&%2F&${percentEncodeRpc(`SecurityToken=${percentEncodeRpc(TOKEN)}`)} ${SECRET}`,
      ),
    });
    const { error, response } = await createClient(opts({ signatureAlgorithm })).GetResourceDirectory();
    expect(error?.Code).toBe('SignatureDoesNotMatch');
    expect(error?.Message).toContain('[REDACTED]');
    expectNoSecret(error);
    expectNoSecret(response.url);
  });

  it('an undocumented answer echoing secrets is thrown redacted', async () => {
    server.queue.push({ status: 418, body: `teapot ${TOKEN} ${SECRET}` });
    const e = await createClient(opts({ signatureAlgorithm }))
      .GetResourceDirectory()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'UnexpectedResponse', status: 418 });
    expect((e as { body: string }).body).toContain('teapot');
    expectNoSecret(e);
  });

  it('a timeout is thrown without secrets', async () => {
    server.handler = () => {}; // never answers
    const e = await createClient(opts({ signatureAlgorithm, timeoutMs: 100 }))
      .GetResourceDirectory()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'RequestTimeout' });
    expectNoSecret(e);
  });

  it('the client object does not expose the credentials', () => {
    const c = createClient(opts({ signatureAlgorithm }));
    expectNoSecret(c);
    expectNoSecret(Object.keys(c));
  });
});

it('HMAC-SHA1 with STS puts the token in the URL, so the response handed back has no URL', async () => {
  const { data, response } = await createClient(opts({ signatureAlgorithm: 'HMAC-SHA1' })).GetResourceDirectory();
  expect(data).toBeDefined();
  expect(server.requests[0]!.rawQuery).toContain(`SecurityToken=${percentEncodeRpc(TOKEN)}`); // it was sent
  expect(response.url).toBe('');
  expectNoSecret(response);
});
