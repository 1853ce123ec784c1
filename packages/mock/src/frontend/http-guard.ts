/**
 * The HTTP server side of the mock and the proxy (see the limits in packages/mock/src/mock/server.ts's header): the
 * server's limits and timeouts, the body read within its limit (or drained), and the answers to a body over the limit,
 * to a request without Host, to what Node's HTTP parser refuses (clientError) and to CONNECT, each a 400
 * InvalidParameter (404 InvalidApi.NotFound for CONNECT) with an Alibaba JSON body, the connection closed; listening
 * and closing.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorAnswer, rawError, replyByAccept, type Answer, type AnswerContext } from './answer.js';

/** The defaults of the limit options (also stated by `npm run mock -- --help`). */
export const MOCK_LIMIT_DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  /** Lowered to `requestTimeoutMs` when that is lower. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
} as const;

/** The limits of one server, checked. */
export interface HttpLimits {
  readonly maxBody: number;
  readonly maxHeader: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
}

export interface GuardContext extends AnswerContext {
  readonly limits: HttpLimits;
}

const EMPTY_BODY = Buffer.alloc(0);

/** A positive integer option, or its default; anything else throws a RangeError naming the option. */
function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`createMockServer: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The limit options checked (RangeError naming the option), with their defaults. */
export function resolveLimits(options: {
  maxBodyBytes?: number;
  maxHeaderBytes?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}): HttpLimits {
  const maxBody = positiveInteger('maxBodyBytes', options.maxBodyBytes, MOCK_LIMIT_DEFAULTS.maxBodyBytes);
  const maxHeader = positiveInteger('maxHeaderBytes', options.maxHeaderBytes, MOCK_LIMIT_DEFAULTS.maxHeaderBytes);
  const requestTimeout = positiveInteger(
    'requestTimeoutMs',
    options.requestTimeoutMs,
    MOCK_LIMIT_DEFAULTS.requestTimeoutMs,
  );
  const headersTimeout = positiveInteger(
    'headersTimeoutMs',
    options.headersTimeoutMs,
    Math.min(MOCK_LIMIT_DEFAULTS.headersTimeoutMs, requestTimeout),
  );
  if (headersTimeout > requestTimeout)
    throw new RangeError(
      `createMockServer: headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`,
    );
  return { maxBody, maxHeader, headersTimeout, requestTimeout };
}

/** node:http's options for these limits. */
export function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    keepAliveTimeout: 5_000,
    headersTimeout: limits.headersTimeout,
    requestTimeout: limits.requestTimeout,
    // Node checks the two timeouts every connectionsCheckingInterval (default 30 s): often enough to honour them.
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeout / 4))),
    maxHeaderSize: limits.maxHeader,
    // A missing Host is answered by the request listener (Node's own answer is a bare 400).
    requireHostHeader: false,
  };
}

/**
 * Reads a request body of at most maxBody bytes (with `keep` its bytes, otherwise dropped as they come), then calls
 * `done` with it; with undefined when it is larger: at once when Content-Length says so (Node has checked it is
 * digits only), otherwise as soon as it passes the limit, the bytes read so far dropped and the rest ignored.
 */
export function readBody(
  maxBody: number,
  req: IncomingMessage,
  keep: boolean,
  done: (body: Buffer | undefined) => void,
): void {
  const lengthHeader = req.headers['content-length'];
  const length = Array.isArray(lengthHeader) ? lengthHeader[0] : lengthHeader;
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0'))
    return done(EMPTY_BODY);
  if (length !== undefined && Number(length) > maxBody) return done(undefined);
  let chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > maxBody) {
      over = true;
      chunks = [];
      done(undefined);
      return;
    }
    if (keep) chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  });
}

/** A refusal that closes the connection after the answer. */
function closing(a: Answer): Answer {
  return { ...a, headers: { ...a.headers, connection: 'close' } };
}

/**
 * An HTTP/1.1 request without Host: 400 InvalidParameter, the connection closed after it; undefined when it has
 * one.
 */
export function hostRefusal(ctx: AnswerContext, req: IncomingMessage): Answer | undefined {
  if (req.headers.host !== undefined || req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return undefined;
  const message = 'Specified parameter format is not valid. An HTTP/1.1 request must have a Host header.';
  return closing(errorAnswer(ctx, replyByAccept(ctx, req), 'InvalidParameter', { status: 400, message }));
}

/** A body over the limit: answered at once, the connection closed after the answer; what was read so far is dropped. */
export function tooLargeAnswer(ctx: GuardContext, req: IncomingMessage): Answer {
  const reason = `The request body is larger than ${ctx.limits.maxBody} bytes.`;
  const message = `Specified parameter format is not valid. ${reason}`;
  return closing(errorAnswer(ctx, replyByAccept(ctx, req), 'InvalidParameter', { status: 400, message }));
}

/** Why Node's parser refused a request, in words for the InvalidParameter message. */
function refusalReason(limits: HttpLimits, code: string | undefined): string {
  return code === 'HPE_HEADER_OVERFLOW'
    ? `The request line and headers are larger than ${limits.maxHeader} bytes.`
    : code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? `The request was not received in time (headers within ${limits.headersTimeout} ms, the whole request within` +
        ` ${limits.requestTimeout} ms).`
      : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? 'The chunk extensions of the request body are too large.'
        : `The request is not valid HTTP/1.1 (${code ?? 'parse error'}).`;
}

/**
 * What Node's parser refuses (see the header comment of packages/mock/src/mock/server.ts) would get Node's bare
 * `400 Bad Request`, `431 Request Header Fields Too Large` or `408 Request Timeout`, without a body. The server
 * answers 400 InvalidParameter with an Alibaba body instead: the contract documents no 408 or 431 (every action
 * declares 400 InvalidParameter, so clients and SDKs know the shape), and the message says what was wrong. A
 * connection reset by the peer or that cannot be written to is only destroyed; so is one whose answer to the broken
 * request has started already (writing now would corrupt it). When the broken bytes follow a complete request still
 * being answered (pipelining), the error is written after that answer. `answered`: sockets already answered (Node's
 * parser reports every later chunk of a broken request again).
 */
function onClientError(ctx: GuardContext, answered: WeakSet<Duplex>, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (answered.has(socket)) return;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const reason = refusalReason(ctx.limits, err.code);
  // The method, when the request line is in the bytes Node's parser failed on (HEAD gets no body).
  const rawPacket = (err as { rawPacket?: unknown }).rawPacket;
  const sniffed = Buffer.isBuffer(rawPacket)
    ? /^([A-Z]{1,20}) /.exec(rawPacket.toString('latin1', 0, 21))?.[1]
    : undefined;
  const answer = (): void => {
    // Node's own check: the response of the request in progress on this socket, if any.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable) {
      socket.destroy();
    } else if (inFlight && inFlight.req.complete) {
      // a complete request before the broken bytes: its answer first ('close' follows 'finish' once detached)
      inFlight.once('close', answer);
    } else if (inFlight?.headersSent) {
      socket.destroy();
    } else {
      rawError(
        ctx,
        socket,
        inFlight?.req.method ?? sniffed ?? '',
        inFlight?.req.url ?? '',
        'InvalidParameter',
        400,
        `Specified parameter format is not valid. ${reason}`,
      );
    }
  };
  answer();
}

/** CONNECT (a tunnel): not an API of this endpoint, like any method but GET and POST. */
function onConnect(ctx: AnswerContext, req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  const entry = ctx.catalogue.gatewayErrors.get('InvalidApi.NotFound');
  rawError(
    ctx,
    socket,
    req.method ?? '',
    req.url ?? '',
    'InvalidApi.NotFound',
    entry?.status ?? 404,
    entry?.message ?? 'Specified api is not found, please check your url and method.',
  );
}

/**
 * Installs the answers below the request listener: to what Node's parser refuses, and to CONNECT; an Expect other
 * than 100-continue (Node would answer a bare 417) is served by `handle` as if it had none.
 */
export function guardServer(
  ctx: GuardContext,
  server: Server,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => onClientError(ctx, answered, err, socket));
  server.on('connect', (req: IncomingMessage, socket: Duplex) => onConnect(ctx, req, socket));
  server.on('checkExpectation', handle);
}

/** Starts listening; resolves with `http://host:port`. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const h = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${h}:${address.port}`);
    });
  });
}

/** Stops listening and closes every connection. */
export function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
