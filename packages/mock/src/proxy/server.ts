/**
 * The contract proxy: forwards each RPC request to an upstream (Alibaba Cloud's endpoint, or any server that speaks
 * it) and checks both directions against the contract it is given, the API of the request's version
 * (packages/mock/src/proxy/contracts.ts):
 *
 *   read        the request (at most maxBodyBytes; what Node's parser refuses too) -> 400 InvalidParameter, connection closed
 *   check       packages/mock/src/proxy/request-checks.ts                          -> with `errors`: 400 InvalidParameter, not forwarded
 *   sign        packages/mock/src/proxy/resign.ts: re-signed for the upstream with `credentials`, else forwarded as signed
 *   forward     packages/mock/src/proxy/upstream.ts                                -> 504 Proxy.UpstreamTimeout / 502 Proxy.UpstreamUnreachable
 *   check       packages/mock/src/proxy/response-checks.ts                         -> with `errors`: 502 Proxy.ResponseViolation
 *   answer      the upstream's status, headers and body (the proxy's credentials, should the upstream echo them,
 *               replaced by [REDACTED]), plus `sl-violations` when something broke the contract
 *
 * Every violation is handed to `onViolation` as one record (and its JSON line), redacted of the credentials.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCorsHandler } from '../frontend/cors.js';
import { answerClientError, handleProxyRequest, type ProxyContext } from './exchange.js';
import { versionContracts } from './contracts.js';
import { PROXY_DEFAULTS, type ProxyServerSetup } from './options.js';
import { createRedactor } from './redact.js';
import { ReportCollector, type ProxyReport } from './report.js';
import { createUpstream } from './upstream.js';

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
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`upstream must be an http: or https: URL, got ${url.protocol}`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw new RangeError('upstream must be an origin such as https://resourcemanager.aliyuncs.com (no path, query, fragment or user info)');
  return url;
}

export function createProxyServer(options: ProxyServerSetup): ProxyServer {
  const upstreamUrl = parseUpstream(options.upstream);
  const { contract } = options;
  const defaultApi = options.defaultApi ?? contract.defaultApi;
  if (!Object.hasOwn(contract.apis, defaultApi)) throw new RangeError(`defaultApi ${defaultApi} is not an API of the contract`);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? PROXY_DEFAULTS.port;
  const credentials = options.credentials;
  const upstream = createUpstream(upstreamUrl, {
    timeoutMs: options.upstreamTimeoutMs ?? PROXY_DEFAULTS.upstreamTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? PROXY_DEFAULTS.maxResponseBytes,
  });
  const ctx: ProxyContext = {
    options,
    checks: { shared: contract.shared, contracts: versionContracts(contract), site: options.site },
    product: contract.apis[defaultApi]!.product,
    redact: createRedactor([credentials?.accessKeySecret, credentials?.securityToken]),
    upstream,
    collector: new ReportCollector(upstreamUrl.origin),
    credentials,
    hostId: upstreamUrl.hostname,
    maxBody: options.maxBodyBytes ?? PROXY_DEFAULTS.maxBodyBytes,
  };
  const cors = createCorsHandler(options.cors, ['sl-violations']);
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    req.on('error', () => res.destroy());
    if (cors?.(req, res)) return;
    handleProxyRequest(ctx, req, res);
  });
  // What Node's HTTP parser refuses: an Alibaba-shaped 400, then the connection is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(ctx, err, socket));
  let url = '';
  return {
    server,
    get url() {
      return url;
    },
    upstream: upstreamUrl.origin,
    resigning: credentials !== undefined,
    report: () => ctx.collector.report(),
    listen() {
      return new Promise<string>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const a = server.address() as AddressInfo;
          url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
          resolve(url);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        upstream.close();
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
