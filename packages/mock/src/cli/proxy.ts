/**
 * `rd-mock proxy --upstream <url> [--host H --port 4011 --access-key-id ID --access-key-secret S --security-token T
 * --site intl|china --errors --strict-fields --report FILE --cors [origin] --upstream-timeout-ms N]` (`npm run proxy --
 * ...` in the repository): `runProxy(args)` runs the contract proxy (packages/mock/src/proxy/) until SIGINT/SIGTERM.
 * Prints its URL alone on the first line of stdout, then one JSON line per contract violation; everything else goes
 * to stderr. It throws a CliExit for a bad flag (code 2) or when the proxy cannot start (code 1).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createProxyServer,
  PROXY_DEFAULTS,
  PROXY_ERRORS,
  type Credentials,
  type ProxyServer,
  type ProxyServerOptions,
} from '../proxy/index.js';
import type { Site } from '@rd-contract/contract';
import { CliExit, corsFlag, parseFlags, stopOnSignals } from './command.js';

const usage = `Usage: rd-mock proxy --upstream <url> [options]   (in a clone of the repository: npm run proxy -- ...)

Forwards Alibaba Cloud RPC requests (ResourceManager 2020-03-31, ResourceDirectoryMaster 2022-04-19) to
<url> and checks each request and each answer against the contract of the request's Version. Every violation is
one JSON line on stdout (after the proxy's URL on the first line), and the answer carries them in an sl-violations
header (Prism's format).

Options:
  --upstream <url>             where requests go, e.g. https://resourcemanager.aliyuncs.com (required)
  --host <host>                interface to listen on (env HOST; default 127.0.0.1)
  --port <port>                port, 0 for a free one (env PORT; default ${PROXY_DEFAULTS.port})
  --access-key-id <id>         re-sign every request for the upstream with this key, in the caller's style
                               (env ALIBABA_CLOUD_ACCESS_KEY_ID)
  --access-key-secret <s>      its secret (env ALIBABA_CLOUD_ACCESS_KEY_SECRET; the environment keeps it out of
                               the process list). Never logged, reported or put in an answer.
  --security-token <t>         an STS token to sign with (env ALIBABA_CLOUD_SECURITY_TOKEN)
                               Without a key, requests are forwarded as the caller signed them (HMAC-SHA1 still
                               verifies upstream; ACS3 signs the host, so it verifies only if signed for the upstream).
  --site <intl|china>          also check that site's parameter rules
  --errors                     a request violation is answered 400 InvalidParameter without forwarding; a response
                               violation 502 Proxy.ResponseViolation naming the rule
  --strict-fields              undocumented response fields are errors (default: info)
  --report <file>              write a summary (counts by action and rule, first examples) to <file> on exit
  --cors [origin]              answer CORS preflights and add CORS headers: any origin (*) or only this one;
                               allows x-acs-*, Authorization, Content-Type and Accept, exposes x-acs-request-id
                               and sl-violations (default: off)
  --upstream-timeout-ms <n>    time for the upstream's whole answer (default ${PROXY_DEFAULTS.upstreamTimeoutMs});
                               past it: ${PROXY_ERRORS['Proxy.UpstreamTimeout']} Proxy.UpstreamTimeout. A connection
                               that fails: ${PROXY_ERRORS['Proxy.UpstreamUnreachable']} Proxy.UpstreamUnreachable.
  -h, --help                   this text`;

function fail(message: string): never {
  throw new CliExit(2, `proxy: ${message}\n\n${usage}`);
}

/** The checked command line: the proxy's options, the port as typed (for messages) and the --report file. */
interface ProxyCommand {
  readonly options: ProxyServerOptions & { readonly host: string };
  readonly portText: string;
  readonly reportFile: string | undefined;
}

/** Runs the proxy with these command-line arguments (HOST, PORT and ALIBABA_CLOUD_* from `env`) until a signal. */
export async function runProxy(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const values = readFlags(argv);
  if (!values) return;
  const command = checkFlags(values, env);
  const proxy = createProxy(command.options);
  stopOnSignals(
    'proxy',
    () => proxy.close(),
    () => writeReport(proxy, command.reportFile),
  );
  try {
    const url = await proxy.listen();
    console.log(url);
    console.error(announcement(url, proxy.upstream, command));
  } catch (e) {
    throw new CliExit(
      1,
      `proxy: cannot listen on ${command.options.host}:${command.portText}: ${(e as Error).message}`,
    );
  }
}

/** The flags as parsed, or undefined once --help has printed the usage. */
function readFlags(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
      upstream: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      'security-token': { type: 'string' },
      site: { type: 'string' },
      errors: { type: 'boolean', default: false },
      'strict-fields': { type: 'boolean', default: false },
      report: { type: 'string' },
      cors: { type: 'string' },
      'upstream-timeout-ms': { type: 'string' },
    },
    ['--port', '--upstream-timeout-ms'],
    usage,
    fail,
  );
}

type ProxyFlags = NonNullable<ReturnType<typeof readFlags>>;

/** The proxy's options from the flags and the environment; the first bad flag ends the command (exit 2). */
function checkFlags(values: ProxyFlags, env: NodeJS.ProcessEnv): ProxyCommand {
  const upstream = checkUpstream(values.upstream);
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const portText = values.port ?? env.PORT ?? String(PROXY_DEFAULTS.port);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    fail(`--port must be a number from 0 to 65535, got "${portText}"`);
  const site = values.site;
  if (site !== undefined && site !== 'intl' && site !== 'china') fail(`--site must be intl or china, got "${site}"`);
  const timeoutText = values['upstream-timeout-ms'];
  if (
    timeoutText !== undefined &&
    (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 1 || !Number.isSafeInteger(Number(timeoutText)))
  ) {
    fail(`--upstream-timeout-ms must be a positive integer (decimal digits), got "${timeoutText}"`);
  }
  const cors = corsFlag(values.cors, fail);
  const reportFile = values.report;
  if (reportFile !== undefined && reportFile.trim() === '') fail('--report needs a file');
  const credentials = checkCredentials(values, env);
  return {
    options: {
      upstream,
      host,
      port: Number(portText),
      ...(credentials ? { credentials } : {}),
      ...(site ? { site: site as Site } : {}),
      errors: values.errors === true,
      strictFields: values['strict-fields'] === true,
      ...(cors !== undefined ? { cors } : {}),
      ...(timeoutText !== undefined ? { upstreamTimeoutMs: Number(timeoutText) } : {}),
    },
    portText,
    reportFile,
  };
}

function checkUpstream(text: string | undefined): URL {
  if (text === undefined) fail('--upstream is required, e.g. --upstream https://resourcemanager.aliyuncs.com');
  let upstream: URL;
  try {
    upstream = new URL(text);
  } catch {
    fail(`--upstream must be a URL such as https://resourcemanager.aliyuncs.com, got "${text}"`);
  }
  if (
    (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') ||
    upstream.pathname !== '/' ||
    upstream.search ||
    upstream.hash ||
    upstream.username ||
    upstream.password
  ) {
    fail(`--upstream must be an http(s) origin without path, query or user info, got "${text}"`);
  }
  return upstream;
}

/** The key to re-sign with, each part from its flag or else the environment; undefined when neither gives one. */
function checkCredentials(values: ProxyFlags, env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = values['access-key-id'] ?? env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = values['access-key-secret'] ?? env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const securityToken = values['security-token'] ?? env.ALIBABA_CLOUD_SECURITY_TOKEN;
  if (values['access-key-id'] !== undefined && values['access-key-id'] === '') fail('--access-key-id is empty');
  if (values['access-key-secret'] !== undefined && values['access-key-secret'] === '')
    fail('--access-key-secret is empty');
  if (Boolean(accessKeyId) !== Boolean(accessKeySecret)) {
    fail(
      accessKeyId
        ? '--access-key-id needs --access-key-secret (or ALIBABA_CLOUD_ACCESS_KEY_SECRET)'
        : '--access-key-secret needs --access-key-id (or ALIBABA_CLOUD_ACCESS_KEY_ID)',
    );
  }
  return accessKeyId && accessKeySecret
    ? { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) }
    : undefined;
}

/** The proxy server, violations to stdout and upstream failures to stderr; exits 1 when it cannot be created. */
function createProxy(options: ProxyServerOptions): ProxyServer {
  try {
    return createProxyServer({
      ...options,
      onViolation: (line) => process.stdout.write(`${line}\n`),
      onUpstreamError: (message) => console.error(`proxy: ${message}`),
    });
  } catch (e) {
    throw new CliExit(
      1,
      `proxy: cannot start: ${(e as Error).message}\nRun \`npm run build\` first if the contract is missing.`,
    );
  }
}

/** Writes the --report summary, if one was asked for; a failure is said on stderr, and the proxy stops all the same. */
function writeReport(proxy: ProxyServer, reportFile: string | undefined): void {
  if (reportFile === undefined) return;
  try {
    writeFileSync(resolve(reportFile), `${JSON.stringify(proxy.report(), null, 2)}\n`);
    console.error(`proxy: report written to ${resolve(reportFile)}`);
  } catch (e) {
    console.error(`proxy: cannot write the report to ${reportFile}: ${(e as Error).message}`);
  }
}

/** The stderr line that says, once listening, where requests go and how the proxy treats them. */
function announcement(url: string, upstream: string, { options, reportFile }: ProxyCommand): string {
  const { credentials, cors } = options;
  return (
    `proxy: ${url}/ -> ${upstream}/; ` +
    (credentials
      ? `re-signing every request as` +
        ` ${credentials.accessKeyId}${credentials.securityToken ? ' (with an STS token)' : ''} in the caller's` +
        ` style (ACS3-HMAC-SHA256 or HMAC-SHA1); `
      : 'no credentials: forwarding requests unchanged, as the caller signed them (HMAC-SHA1 verifies upstream;' +
        ' ACS3 only if signed for the upstream host); ') +
    `${options.errors ? 'violations answered as errors (--errors)' : 'violations reported, answers passed on'}; ` +
    `undocumented response fields: ${options.strictFields ? 'errors' : 'info'}; CORS` +
    ` ${cors === undefined ? 'off' : `for ${cors}`}` +
    (reportFile !== undefined ? `; report on exit to ${resolve(reportFile)}` : '')
  );
}
