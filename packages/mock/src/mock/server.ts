/**
 * The mock server: Alibaba Cloud's RPC gateway for every API of the contract it is given (ResourceManager 2020-03-31
 * and ResourceDirectoryMaster 2022-04-19 in @rd-contract/contract), routed by version, answering from that contract.
 *
 * One request goes through the steps of the contract's `x-acs-error-precedence`, then the action's handler:
 *
 *   route      `/` only (plus `/openapi.yaml|json` and `/docs/`), GET or POST   -> 404 InvalidApi.NotFound
 *   action     `x-acs-action` header or `Action` parameter                         -> 404 InvalidAction.NotFound
 *   version    `x-acs-version` header or `Version` parameter                       -> 400 MissingVersion /
 *   InvalidVersion
 *   signature  only with `verifySignatures` (packages/mock/src/frontend/auth.ts,
 *   packages/client/src/protocol/signing.ts)     -> IncompleteSignature ... SignatureDoesNotMatch
 *   Prefer     `Prefer: code=, example=` / `__code`, `__example`: an error example is answered here;
 *              an unknown name or status                                           -> 400 Mock.InvalidPrefer
 *   parameters packages/client/src/protocol/validate.ts over the action's parameters, plus `Format`        -> the
 *   documented code and status
 *   handler    `handlers[action]` (default: the contract's example; Prefer's success example wins)
 *
 * With `stateful` (packages/mock/src/emulator/), a request without an AccessKeyId is refused after the signature step
 * (400 IncompleteSignature), the handlers answer from per-account state, and `/_emulator/...` control routes are
 * served. Every mock serves the `/_mock/...` control routes (packages/mock/src/control/): the journal and the coverage
 * counts of its answers, and the fault rules, which apply to a request that passed every step, in place of its answer.
 *
 * Parameters come from the query string and, for POST, an `application/x-www-form-urlencoded` body; names are
 * case-sensitive. Every answer has a fresh upper-case UUID as RequestId (from `seed`'s generator, given one) (also in
 * `Recommend` and the `x-acs-request-id` header), as JSON or as XML (`text/xml;charset=utf-8`) per `Format` / `Accept`.
 *
 * Limits (a contract-test mock runs in other teams' CI: it must never fall over, hang or answer a 5xx for bad input).
 * Each is answered 400 InvalidParameter with an Alibaba JSON error body, and the connection is closed:
 *
 *   maxBodyBytes      1 MiB   a larger body (by Content-Length before reading, or while reading a chunked one);
 *                             nothing past the limit is kept. Routes that do not use a body (static files, other
 *                             paths and methods) read and drop it before answering, so that closing the connection
 *                             cannot reset it under the answer
 *   maxHeaderBytes    16 KiB  request line plus headers (Node's `maxHeaderSize`); a longer query string counts too
 *   headersTimeoutMs  10 s    to receive the request line and headers (slowloris); also an idle new connection
 *   requestTimeoutMs  30 s    to receive the whole request, body included
 *
 * Requests Node's HTTP parser refuses (malformed request line, header or chunked body; `Content-Length` with
 * `Transfer-Encoding`, ...) are answered the same way, and so is an HTTP/1.1 request without `Host`. CONNECT is
 * 404 InvalidApi.NotFound like every other method but GET and POST; an `Expect` other than 100-continue is ignored.
 *
 * This module only wires the pieces, each in its module: packages/mock/src/mock/gateway.ts (the steps above, on the
 * front end's packages/mock/src/frontend/steps.ts), packages/mock/src/frontend/answer.ts (answers and their writing),
 * packages/mock/src/mock/static.ts (static and docs answers), packages/mock/src/frontend/http-guard.ts (the limits and
 * the answers below the request listener).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApiName, ContractModel, Site } from '@rd-contract/contract';
import { createCorsHandler } from '../frontend/cors.js';
import { NonceCache } from '../frontend/auth.js';
import { buildCatalogue, type Catalogue } from '../frontend/catalogue.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import type { MockResponseEvent } from '../frontend/answer.js';
import type { ActionHandlers, ControlRoutes } from '../frontend/responder.js';
import { close, guardServer, listen, resolveLimits, serverOptions, type HttpLimits } from '../frontend/http-guard.js';
import { createRequestListener, type GatewayContext } from './gateway.js';
import { toPath } from './static.js';
import { Coverage } from '../control/coverage.js';
import { checkFaultRules, FaultSet, type FaultRule } from '../control/faults.js';
import { DEFAULT_JOURNAL_SIZE, Journal } from '../control/journal.js';
import { createMockControlRoutes, type MockControl } from '../control/routes.js';
import { seededRandom, systemRandom, type Random } from '../frontend/random.js';
import { makeRedactor } from '@rd-contract/client/protocol';

export type { MockResponseEvent } from '../frontend/answer.js';
export type { ControlRoutes } from '../frontend/responder.js';
export type { MockControl } from '../control/routes.js';
export type { FaultRule } from '../control/faults.js';
export type { JournalEntry, JournalFilter } from '../control/journal.js';
export type { CoverageReport, AnswerCount } from '../control/coverage.js';
export { MOCK_LIMIT_DEFAULTS } from '../frontend/http-guard.js';
export { INVALID_PREFER } from './gateway.js';

export interface MockServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4010; 0 picks a free port. */
  readonly port?: number;
  /** Apply the site's rules (`x-acs-site-rules`) and messages (`x-acs-site-messages`). Default: neither site's. */
  readonly site?: Site;
  /** Verify both signing styles like the gateway. Default false: any credentials (or none) are accepted. */
  readonly verifySignatures?: boolean;
  /** AccessKeyId -> secret, for `verifySignatures`. */
  readonly accessKeys?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Per-action answers for requests that pass every check (the stateful emulator's seam). Default: examples. */
  readonly handlers?: ActionHandlers;
  /**
   * The stateful emulator (packages/mock/src/emulator/): answers from per-account state and serves `/_emulator/...`.
   * `true` keeps the state in memory; options give a `stateFile` and more. `handlers` still win per action.
   * Throws (StateFileError) when the state file cannot be used. Default: stateless.
   */
  readonly stateful?: boolean | EmulatorOptions;
  /**
   * Answers paths other than `/` before the static files (returns true when it did). Default: the emulator's, if any.
   */
  readonly controlRoutes?: ControlRoutes;
  /**
   * The contract the mock answers from: the APIs it serves, their examples and every rule (versions, signing
   * parameters, parameters, error precedence, the emulator's state errors and quotas). Default: the `contract` of
   * @rd-contract/contract.
   */
  readonly contract?: ContractModel;
  /**
   * The API whose answers a request gets before it names one (HostId of its errors) and whose description is served
   * at /openapi.json and /openapi.yaml. Default: the contract's `defaultApi`.
   */
  readonly defaultApi?: ApiName;
  /**
   * The folder of the published descriptions (`<Product>-<version>/openapi.json|yaml`, `.../actions/`), served at
   * `/<Product>-<version>/...`. Default: @rd-contract/contract's (`contractFiles`).
   */
  readonly descriptions?: string | URL;
  /** The description served at /openapi.json. Default: the default API's openapi.json in `descriptions`. */
  readonly contractFile?: string | URL;
  /** The description served at /openapi.yaml. Default: the default API's openapi.yaml. */
  readonly contractYamlFile?: string | URL;
  /** The rendered docs served under /docs/. Default: generated/docs. */
  readonly docsDir?: string | URL;
  /**
   * Largest request body accepted; a larger one is 400 InvalidParameter and the connection is closed. Default 1 MiB.
   */
  readonly maxBodyBytes?: number;
  /**
   * Largest request line plus headers accepted (Node's `maxHeaderSize`); more is 400 InvalidParameter and the
   * connection is closed. Default 16 KiB (Node's default).
   */
  readonly maxHeaderBytes?: number;
  /**
   * Time a client has to send the request line and headers, from its first byte (or from connecting); then it is
   * answered 400 InvalidParameter and disconnected (Node's `headersTimeout`). At most `requestTimeoutMs`. Default 10
   * 000.
   */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (Node's `requestTimeout`); as above. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Nonces remembered at most (each for 15 minutes). Default 100 000. */
  readonly nonceCapacity?: number;
  /**
   * The real clock, in ms since the epoch (tests): signatures are checked against it, and without `clock` the
   * emulator's and the journal's times read it. Default Date.now.
   */
  readonly now?: () => number;
  /** Called after every API answer is written (tests, logging). */
  readonly onResponse?: (event: MockResponseEvent) => void;
  /** Called when a handler fails (the request is answered 500 InternalError). Default: console.error. */
  readonly onError?: (error: unknown, action: string | undefined) => void;
  /**
   * CORS for browsers (packages/mock/src/frontend/cors.ts): `*` or one origin. Default: off, like Alibaba's gateway.
   */
  readonly cors?: string;
  /** Requests the journal (`GET /_mock/requests`) keeps, the oldest dropped first; 0 keeps none. Default 1000. */
  readonly journalSize?: number;
  /**
   * Fault rules in force from the start (`PUT /_mock/faults` replaces them; packages/mock/src/control/faults.ts).
   * A rule that does not check throws a RangeError naming it. Default: none.
   */
  readonly faults?: readonly FaultRule[];
  /**
   * Seed (an integer from 0 to 2^32 - 1) of the one generator of RequestIds, the emulator's ids and verification
   * codes, and fault draws: two mocks given the same seed and the same requests, in the same order, answer the same
   * bodies (times apart, see `clock`). Default: node:crypto's generator.
   */
  readonly seed?: number;
  /**
   * The mock's clock stands at this time (ISO 8601, or ms since the epoch): the emulator's times (CreateTime, a code's
   * sentAt and expiresAt, the day of the daily quota) and the journal's read it. With `seed` too, the same requests get
   * byte-identical bodies. Signatures are still checked against the real time (`now`), as clients sign with it.
   * Default: `now`.
   */
  readonly clock?: string | number;
}

export interface MockServer {
  readonly server: Server;
  /** `http://host:port` once listening, '' before. */
  readonly url: string;
  /** Starts listening; resolves with the URL. */
  listen(): Promise<string>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
  /** The request listener, to mount the mock in another server. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The stateful emulator, with `stateful`. */
  readonly emulator: Emulator | undefined;
  /** The journal, the fault rules and the coverage counts behind `/_mock/...`. */
  readonly control: MockControl;
}

/** Options with the contract and its descriptions given (the package's entry point gives the defaults). */
export type MockServerSetup = MockServerOptions & {
  readonly contract: ContractModel;
  readonly descriptions: string | URL;
};

/** The folder of an API's published files: `<Product>-<version>`. */
const apiFolder = (api: string): string => api.replace('/', '-');

/**
 * The rendered docs: inside this package once built (dist/docs, copied from generated/docs by scripts/packages.ts),
 * or generated/docs when run from this repository's sources.
 */
function defaultDocsDir(): URL {
  const candidates = [new URL('../docs/', import.meta.url), new URL('../../../../generated/docs/', import.meta.url)];
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

/** The gateway's context from the options, with their defaults. */
function gatewayContext(
  options: MockServerSetup,
  limits: HttpLimits,
  emulator: Emulator | undefined,
  time: { readonly random: Random; readonly clock: () => number },
): GatewayContext {
  const { contract } = options;
  const defaultApi = options.defaultApi ?? (contract.defaultApi as ApiName);
  // Every API by the version a request names.
  const apisByVersion = new Map(
    (Object.keys(contract.apis) as ApiName[]).map(
      (api) => [contract.apis[api]!.version, { api, catalogue: buildCatalogue(contract, api) }] as const,
    ),
  );
  const catalogue = [...apisByVersion.values()].find((a) => a.api === defaultApi)!.catalogue;
  const descriptions = toPath(options.descriptions).replace(/[\\/]+$/, '');
  const keys: ReadonlyMap<string, string> =
    options.accessKeys instanceof Map
      ? options.accessKeys
      : new Map(Object.entries((options.accessKeys ?? {}) as Record<string, string>));
  return {
    site: options.site,
    catalogue,
    onResponse: options.onResponse,
    onError:
      options.onError ??
      ((err: unknown, action: string | undefined) => console.error(`mock: ${action ?? 'request'} failed:`, err)),
    contract,
    contractFile: options.contractFile ?? join(descriptions, apiFolder(defaultApi), 'openapi.json'),
    yamlFile: options.contractYamlFile ?? join(descriptions, apiFolder(defaultApi), 'openapi.yaml'),
    descriptionsDir: descriptions,
    docsDir: toPath(options.docsDir ?? defaultDocsDir()).replace(/[\\/]+$/, ''),
    limits,
    apisByVersion,
    actionNames: new Set([...apisByVersion.values()].flatMap(({ catalogue }) => [...catalogue.actions.keys()])),
    verify: options.verifySignatures === true,
    keys,
    now: options.now ?? Date.now,
    nonces: new NonceCache(options.nonceCapacity ?? 100_000),
    refuseAnonymous: emulator !== undefined,
    handlers: emulator ? { ...emulator.handlers, ...options.handlers } : (options.handlers ?? {}),
    controlRoutes: options.controlRoutes ?? emulator?.controlRoutes,
    random: time.random,
    clock: time.clock,
    control: mockControl(
      options,
      [...apisByVersion.values()].map((a) => a.catalogue),
      keys,
      time.random,
      emulator,
    ),
  };
}

/** The journal, the fault rules (checked: a RangeError names the first that is wrong) and the coverage counts. */
function mockControl(
  options: MockServerSetup,
  catalogues: Catalogue[],
  keys: ReadonlyMap<string, string>,
  random: Random,
  emulator: Emulator | undefined,
): MockControl {
  const journalSize = options.journalSize ?? DEFAULT_JOURNAL_SIZE;
  if (!Number.isSafeInteger(journalSize) || journalSize < 0)
    throw new RangeError(`createMockServer: journalSize must be an integer >= 0, got ${journalSize}`);
  const faults = new FaultSet(random);
  if (options.faults) {
    const checked = checkFaultRules(options.faults, catalogues);
    if ('message' in checked) throw new RangeError(`createMockServer: faults: ${checked.message}`);
    faults.replace(checked.rules);
  }
  return {
    journal: new Journal(journalSize, makeRedactor([...keys.values()])),
    faults,
    coverage: new Coverage(catalogues),
    catalogues,
    health: () => ({
      stateful: emulator !== undefined,
      apis: catalogues.map((c) => c.api),
      seed: options.seed ?? null,
      clock: new Date(clockOf(options)()).toISOString(),
    }),
  };
}

/** The mock's clock: standing at `clock`, else `now`. */
function clockOf(options: MockServerOptions): () => number {
  if (options.clock === undefined) return options.now ?? Date.now;
  const at = typeof options.clock === 'number' ? options.clock : Date.parse(options.clock);
  if (!Number.isFinite(at) || Number.isNaN(new Date(at).getTime()))
    throw new RangeError(
      `createMockServer: clock must be an ISO 8601 time or ms since the epoch, got ${JSON.stringify(options.clock)}`,
    );
  return () => at;
}

/** The seeded generator, or a RangeError naming the option. */
function seededRandomFor(seed: number): Random {
  try {
    return seededRandom(seed);
  } catch (e) {
    throw new RangeError(`createMockServer: ${(e as Error).message}, got ${seed}`, { cause: e });
  }
}

export function createMockServer(options: MockServerSetup): MockServer {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4010;
  const limits = resolveLimits(options);
  const { contract } = options;
  const defaultApi = options.defaultApi ?? contract.defaultApi;
  if (!Object.hasOwn(contract.apis, defaultApi))
    throw new RangeError(`createMockServer: defaultApi ${defaultApi} is not an API of the contract`);
  const clock = clockOf(options);
  const random = options.seed === undefined ? systemRandom : seededRandomFor(options.seed);
  const emulator = options.stateful
    ? createEmulator(options.stateful === true ? {} : options.stateful, {
        site: options.site,
        contract,
        now: clock,
        random,
      })
    : undefined;
  const ctx = gatewayContext(options, limits, emulator, { random, clock });
  const mockRoutes = createMockControlRoutes(ctx.control, ctx);
  const otherRoutes = ctx.controlRoutes;
  const routed: GatewayContext = {
    ...ctx,
    controlRoutes: (req, res, path, query) =>
      mockRoutes(req, res, path, query) || (otherRoutes?.(req, res, path, query) ?? false),
  };
  const cors = createCorsHandler(options.cors);
  const listener = createRequestListener(routed);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (cors?.(req, res)) return;
    listener(req, res);
  };
  const server = createServer(serverOptions(limits), handle);
  guardServer(ctx, server, handle);
  let url = '';

  return {
    server,
    get url() {
      return url;
    },
    handle,
    emulator,
    control: ctx.control,
    async listen() {
      // The store first (Redis: reachable), so that a mock that listens can answer.
      await emulator?.ready();
      return (url = await listen(server, port, host));
    },
    close() {
      return close(server).then(() => emulator?.close());
    },
  };
}
