/**
 * The contract proxy: forwards each RPC request to an upstream (Alibaba Cloud's endpoint, or any server that speaks
 * it) and checks both directions against the contract it is given, the API of the request's version
 * (packages/mock/src/proxy/contracts.ts):
 *
 *   read     the request, at most maxBodyBytes (the front end, ../frontend/steps.ts; what Node's parser refuses too)
 *                                              -> 400 InvalidParameter, connection closed
 *   check    ./request-checks.ts               -> with `errors`: 400 InvalidParameter, not forwarded
 *   sign     ./resign.ts: re-signed for the upstream with `credentials`, else forwarded as signed
 *   forward  ./forwarder.ts                    -> 504 Proxy.UpstreamTimeout / 502 Proxy.UpstreamUnreachable
 *   check    ./response-checks.ts              -> with `errors`: 502 Proxy.ResponseViolation
 *   answer   the upstream's status, headers and body (the proxy's credentials, should the upstream echo them, replaced
 *            by [REDACTED]), plus `sl-violations` when something broke the contract
 *
 * The steps are ./exchange.ts's, on the front end shared with the mock.
 *
 * Every violation is handed to `onViolation` as one record (and its JSON line), redacted of the credentials.
 */
import { createServer, maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { makeRedactor } from '@rd-contract/client/protocol';
import { buildCatalogue } from '../frontend/catalogue.js';
import { createCorsHandler } from '../frontend/cors.js';
import { close, guardServer, listen, type GuardContext } from '../frontend/http-guard.js';
import { splitTarget } from '../frontend/request.js';
import { serveRpc } from '../frontend/steps.js';
import { proxyServing, proxySteps, type ProxyContext } from './exchange.js';
import { versionContracts } from './contracts.js';
import { PROXY_DEFAULTS, type ProxyServerSetup } from './options.js';
import { ReportCollector, type ProxyReport } from './report.js';
import { createUpstream } from './forwarder.js';

export { PROXY_DEFAULTS, PROXY_ERRORS } from './options.js';
export type { ProxyServerOptions, ProxyServerSetup } from './options.js';

export interface ProxyServer {
  readonly server: Server;
  /** `http://host:port` once listening. */
  readonly url: string;
  readonly upstream: string;
  /** Whether requests are re-signed (credentials given). */
  readonly resigning: boolean;
  listen(): Promise<string>;
  close(): Promise<void>;
  /** The summary so far (what `--report` writes). */
  report(): ProxyReport;
}

function parseUpstream(upstream: string | URL): URL {
  const url = new URL(String(upstream));
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError(`upstream must be an http: or https: URL, got ${url.protocol}`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
    throw new RangeError(
      'upstream must be an origin such as https://resourcemanager.aliyuncs.com (no path, query, fragment or user info)',
    );
  return url;
}

export function createProxyServer(options: ProxyServerSetup): ProxyServer {
  const upstreamUrl = parseUpstream(options.upstream);
  const { contract } = options;
  const defaultApi = options.defaultApi ?? contract.defaultApi;
  if (!Object.hasOwn(contract.apis, defaultApi))
    throw new RangeError(`defaultApi ${defaultApi} is not an API of the contract`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? PROXY_DEFAULTS.port;
  const credentials = options.credentials;
  const upstream = createUpstream(upstreamUrl, {
    timeoutMs: options.upstreamTimeoutMs ?? PROXY_DEFAULTS.upstreamTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? PROXY_DEFAULTS.maxResponseBytes,
  });
  const redact = makeRedactor([credentials?.accessKeySecret, credentials?.securityToken]);
  const hostId = upstreamUrl.hostname;
  const server = createServer({ keepAliveTimeout: 5_000 });
  // The proxy's own refusals below the steps (a body too large, what Node's parser refuses, CONNECT) name the upstream
  // as HostId and the default API's product, as its other errors do.
  const guard: GuardContext = {
    site: options.site,
    catalogue: { ...buildCatalogue(contract, defaultApi), hostId },
    onResponse: undefined,
    onError: (e) => options.onUpstreamError?.(redact(`proxy failure: ${(e as Error)?.message ?? String(e)}`)),
    limits: {
      maxBody: options.maxBodyBytes ?? PROXY_DEFAULTS.maxBodyBytes,
      maxHeader: maxHeaderSize,
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
    },
  };
  const ctx: ProxyContext = {
    options,
    checks: { shared: contract.shared, contracts: versionContracts(contract), site: options.site },
    product: contract.apis[defaultApi]!.product,
    redact,
    upstream,
    collector: new ReportCollector(upstreamUrl.origin),
    credentials,
    hostId,
    guard,
  };
  const serving = proxyServing(ctx);
  const cors = createCorsHandler(options.cors, ['sl-violations']);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => res.destroy());
    if (cors?.(req, res)) return;
    serveRpc(serving, proxySteps, ctx, req, res, splitTarget(req.url ?? '/'));
  };
  server.on('request', handle);
  // What Node's HTTP parser refuses, and CONNECT: an Alibaba-shaped answer, then the connection is closed.
  guardServer(guard, server, handle);
  let url = '';
  return {
    server,
    get url() {
      return url;
    },
    upstream: upstreamUrl.origin,
    resigning: credentials !== undefined,
    report: () => ctx.collector.report(),
    async listen() {
      return (url = await listen(server, port, host));
    },
    close() {
      upstream.close();
      return close(server);
    },
  };
}
