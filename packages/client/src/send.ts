/**
 * How the client's action methods send a wire request: the transport chosen per request (`ClientOptions.transport`),
 * node:http (packages/client/src/protocol/http-sender.ts) or fetch, and the answer read the way openapi-fetch reads it with `parseAs: 'text'`,
 * so that the action methods cannot tell a direct send from one through `client.raw`.
 */
import type { Transport } from './options.js';
import { sendWithNodeHttp, type WireRequest } from './protocol/http-sender.js';

/** What openapi-fetch resolves with for `parseAs: 'text'`: the body text on success, the parsed JSON (or text) otherwise. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** What sending needs from the client's settings. */
export interface SendSettings {
  readonly transport: Transport;
  readonly fetch: ((input: Request) => Promise<Response>) | undefined;
  /** HMAC-SHA1 with a security token: the URL holds the token, so the answer handed back has an empty `url`. */
  readonly tokenInUrl: boolean;
}

/** The global fetch as this module found it (Node's own, unless something replaced it first). */
const nativeFetch = globalThis.fetch;

const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
/**
 * Whether an undici global dispatcher other than a plain Agent is installed (`setGlobalDispatcher(new MockAgent())`,
 * a ProxyAgent, ...): fetch would go through it, node:http would not. Node's own default dispatcher, created on the
 * first fetch, is a plain Agent.
 */
function dispatcherInstalled(): boolean {
  const d = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER];
  return d !== undefined && (d as { constructor?: { name?: string } } | null)?.constructor?.name !== 'Agent';
}

/** A response without its URL (the URL of an HMAC-SHA1 request with STS holds the token). */
export function withoutUrl(response: Response): Response {
  // Shadowing the getter keeps the response itself (a copy through `new Response` would throw for a status outside
  // 200-599, which fetch accepts, e.g. `HTTP/1.1 999`).
  return Object.defineProperty(response, 'url', { value: '', enumerable: true });
}

/**
 * Reads a response the way openapi-fetch does with `parseAs: 'text'`, so both paths resolve with the same shape.
 * (openapi-fetch leaves a 204 or `content-length: 0` body unread and gives `undefined`; reading it gives `''`, which
 * the client treats exactly as `undefined`: not a JSON object, no error body.)
 */
async function readAsText(response: Response): Promise<FetchResult> {
  return textResult(response, await response.text());
}

function textResult(response: Response, text: string): FetchResult {
  if (response.ok) return { data: text, response };
  let error: unknown = text;
  try {
    error = JSON.parse(text);
  } catch {
    /* not JSON: the text */
  }
  return { error, response };
}

/**
 * Sends a wire request with the transport (see ClientOptions.transport): node:http, or Node's own fetch as URL and
 * init (fetch then builds the only Request), or a custom or replaced fetch given a Request; read as openapi-fetch
 * would read it. This is what `raw.POST(pathKey, { params: { query }, parseAs: 'text', signal })` does through the
 * middleware, without the Request that openapi-fetch builds only for the middleware to replace it.
 */
export async function sendWire(how: SendSettings, wire: WireRequest, signal: AbortSignal | undefined): Promise<FetchResult> {
  const custom = how.fetch;
  const global = globalThis.fetch;
  if (how.transport === 'node:http' || (how.transport === 'auto' && !custom && global === nativeFetch && !dispatcherInstalled())) {
    const { response, text } = await sendWithNodeHttp(wire, signal, how.tokenInUrl ? '' : wire.url);
    return textResult(response, text);
  }
  const init: RequestInit = { method: wire.method, headers: wire.headers, redirect: 'manual' };
  if (signal) init.signal = signal;
  const response = custom
    ? await custom(new Request(wire.url, init))
    : global === nativeFetch
      ? await global(wire.url, init) // the only Request is the one fetch builds
      : await global(new Request(wire.url, init)); // a replaced global fetch gets a Request, as a custom one does
  return readAsText(how.tokenInUrl ? withoutUrl(response) : response);
}
