/**
 * `client.raw`: openapi-fetch over the contract's paths (path key `/#Action=X`, parameters as `params.query`), whose
 * middleware reads the action from `schemaPath` and the parameters from `params.query` (never from the URL
 * openapi-fetch built, whose `#` would swallow the query), calls the wire building and replaces the request.
 */
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { ApiModel, ApiName, ApiSurfaces } from '@rd-contract/contract';
import { ResourceDirectoryClientError } from './errors.js';
import type { WireBuilder } from './wire.js';
import { withoutUrl } from './send.js';

type AnyPaths = ApiSurfaces[ApiName]['paths'];

export interface RawClient {
  readonly raw: Client<AnyPaths>;
  /** Middleware the caller added to `raw`, in openapi-fetch's order: while there is any, the action methods go through `raw` too. */
  readonly added: readonly Middleware[];
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

export interface RawSettings {
  /** The model of the client's API. */
  readonly model: ApiModel;
  readonly origin: string;
  readonly fetch: ((input: Request) => Promise<Response>) | undefined;
  /** HMAC-SHA1 with a security token: the response handed back has an empty `url`. */
  readonly tokenInUrl: boolean;
  readonly wireRequest: WireBuilder;
}

export function createRawClient(settings: RawSettings): RawClient {
  const { wireRequest, tokenInUrl } = settings;
  /** The middleware of `raw`: validates and signs. (The action methods call wireRequest themselves.) */
  const middleware: Middleware = {
    onRequest({ request, schemaPath, params }) {
      // The action from schemaPath and the parameters from params.query, never from the URL openapi-fetch built
      // (its `#` would swallow the query).
      const wire = wireRequest(actionOf(settings.model, schemaPath), params.query ?? {});
      return new Request(wire.url, { method: wire.method, headers: wire.headers, signal: request.signal, redirect: 'manual' });
    },
    onResponse({ response }) {
      return tokenInUrl ? withoutUrl(response) : undefined;
    },
  };

  const base = createFetchClient<AnyPaths>({
    baseUrl: settings.origin,
    // The middleware builds the wire URL from params.query; openapi-fetch's own serialisation is not used.
    querySerializer: () => '',
    fetch: (input: Request) => (settings.fetch ?? globalThis.fetch)(input),
  });
  base.use(middleware);
  const added: Middleware[] = [];
  const raw: Client<AnyPaths> = {
    ...base,
    use(...middlewares) {
      for (const m of middlewares) {
        base.use(m);
        if (m) added.push(m);
      }
    },
    eject(...middlewares) {
      base.eject(...middlewares);
      for (const m of middlewares) {
        const i = added.indexOf(m);
        if (i !== -1) added.splice(i, 1);
      }
    },
  };
  return { raw, added };
}
