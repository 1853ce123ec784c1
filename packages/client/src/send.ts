/**
 * How the client sends, its one path: openapi-fetch over the API's paths (`client.raw`), whose first middleware checks
 * and signs, and whose fetch is the transport. The action methods call `raw.POST(<path key>, { params: { query },
 * parseAs: 'text', headers, signal })` as a caller of `raw` would; middleware added with `raw.use` (the only extension
 * point) sees every request the client sends, signed, and every answer.
 *
 * - The client's middleware reads the action from `schemaPath` (path key `/#Action=X`) and the parameters from
 *   `params.query`, never from the URL openapi-fetch built (its `#` would swallow the query); it builds the wire
 *   request (./wire.ts: checked, then signed) and replaces openapi-fetch's Request with it, adding the call's own
 *   headers (`CallOptions.headers`; not one the client sets or signs).
 * - The fetch: the `fetch` option, by default `nodeHttpFetch` (./node-http-fetch.ts: node:http, as the official SDK
 *   sends, cheaper per call than Node's fetch). With HMAC-SHA1 and a security token the URL holds the token, so the
 *   answer every middleware and the caller see has an empty `url`.
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { ApiModel, ApiName, ApiSurfaces } from '@rd-contract/contract';
import { ResourceDirectoryClientError } from './errors.js';
import { optionError } from './options.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import type { WireBuilder } from './wire.js';

export type AnyPaths = ApiSurfaces[ApiName]['paths'];

/**
 * What openapi-fetch resolves with for `parseAs: 'text'`: the body text on success, the parsed JSON (or text)
 * otherwise.
 */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface SendSettings {
  /** The model of the client's API. */
  readonly model: ApiModel;
  readonly origin: string;
  readonly fetch: (input: Request) => Promise<Response>;
  /** HMAC-SHA1 with a security token: the response handed back has an empty `url`. */
  readonly tokenInUrl: boolean;
  readonly wireRequest: WireBuilder;
}

function actionOf(model: ApiModel, schemaPath: string): string {
  const m = /^\/#Action=([A-Za-z0-9]+)$/.exec(schemaPath);
  const name = m?.[1];
  if (!name || !Object.hasOwn(model.actions, name)) {
    throw new ResourceDirectoryClientError(
      'InvalidAction.NotFound',
      `${schemaPath} is not an action of ${model.api}; nothing was sent`,
    );
  }
  return name;
}

/** A response without its URL (the URL of an HMAC-SHA1 request with STS holds the token). */
function withoutUrl(response: Response): Response {
  // Shadowing the getter keeps the response itself (a copy through `new Response` would throw for a status outside
  // 200-599, which fetch accepts, e.g. `HTTP/1.1 999`).
  return Object.defineProperty(response, 'url', { value: '', enumerable: true });
}

/** Headers the client sets or signs itself; a call may not give them. */
const CLIENT_HEADER = /^(?:host|authorization|accept|content-type|content-length|x-acs-.*)$/;

/** The wire request's headers with the call's own added (every name in code-unit order, as the client sets them). */
function withCallHeaders(own: Readonly<Record<string, string>>, given: Headers): Readonly<Record<string, string>> {
  let merged: Record<string, string> | undefined;
  given.forEach((value, name) => {
    if (CLIENT_HEADER.test(name)) throw optionError(`headers: ${name} is set by the client; a call cannot give it`);
    (merged ??= { ...own })[name] = value;
  });
  if (!merged) return own;
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(merged).sort()) sorted[name] = merged[name]!;
  return sorted;
}

/**
 * A request as only the client itself sees it: what openapi-fetch builds first (its `Request` option), which the
 * client's middleware, always the first, replaces with the signed request; and that signed request of an action
 * method's call when nothing but the client's default fetch (nodeHttpFetch) will see it. Whenever something else may,
 * a middleware added with `raw.use`, a fetch of the caller's, or a call through `raw` (which may bring middleware of
 * its own), the signed request is a WHATWG Request. It holds what the middleware and
 * nodeHttpFetch read: URL, method, headers, and the call's signal if it has one.
 *
 * Why: a WHATWG Request costs a good part of the client's own work per call (Node 20's undici makes an AbortSignal
 * for each, and several times more when it must follow the call's signal), and its `signal` is never undefined, so a
 * signed Request would follow one on every call. openapi-fetch takes a middleware's result as the new request when it
 * is `instanceof` its `Request` option: a WHATWG Request is an instance of this class too.
 */
class PlannedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | undefined;
  readonly body = null;
  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.signal = init.signal ?? undefined;
  }
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      value instanceof Request ||
      (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === PlannedRequest.prototype)
    );
  }
}

/** The queries of the action methods' calls (they bring no middleware of their own to openapi-fetch). */
const actionMethodQueries = new WeakSet<object>();

/** Marks a query as an action method's (see PlannedRequest). */
export function actionMethodQuery<Q extends object>(query: Q): Q {
  actionMethodQueries.add(query);
  return query;
}

/** The client's openapi-fetch client: its middleware first, then whatever the caller adds with `use`. */
export function createSender(settings: SendSettings): Client<AnyPaths> {
  const { wireRequest, tokenInUrl, fetch } = settings;
  /**
   * Middleware the caller added with `use` and has not ejected; with none, and the default fetch, nothing else sees the
   * request.
   */
  const added: Middleware[] = [];
  const middleware: Middleware = {
    onRequest({ request, schemaPath, params }) {
      const wire = wireRequest(actionOf(settings.model, schemaPath), params.query ?? {});
      const init: RequestInit = {
        method: wire.method,
        headers: withCallHeaders(wire.headers, request.headers),
        redirect: 'manual',
      };
      // The call's signal, if it has one (a Request a caller of raw gives always has one).
      if (request.signal) init.signal = request.signal;
      const unseen =
        added.length === 0 &&
        fetch === nodeHttpFetch &&
        params.query !== undefined &&
        actionMethodQueries.has(params.query);
      return unseen ? (new PlannedRequest(wire.url, init) as unknown as Request) : new Request(wire.url, init);
    },
  };
  const client = createFetchClient<AnyPaths>({
    baseUrl: settings.origin,
    // The middleware builds the wire URL from params.query; openapi-fetch's own serialisation is not used.
    querySerializer: () => '',
    Request: PlannedRequest as unknown as typeof Request,
    fetch: tokenInUrl ? async (input: Request) => withoutUrl(await fetch(input)) : fetch,
  });
  client.use(middleware);
  const { use, eject } = client;
  return Object.assign(client, {
    use(...middlewares: Middleware[]) {
      use(...middlewares);
      for (const m of middlewares) if (m) added.push(m);
    },
    eject(...middlewares: Middleware[]) {
      eject(...middlewares);
      for (const m of middlewares) {
        const i = added.indexOf(m);
        if (i !== -1) added.splice(i, 1);
      }
    },
  });
}
