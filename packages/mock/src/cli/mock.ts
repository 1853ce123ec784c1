/**
 * `rd-mock [mock] [--port 4010 --host 127.0.0.1 --verify-signatures --site intl|china --stateful --state-file PATH
 * --state redis://host:port/db --max-body-bytes N --max-header-bytes N --headers-timeout-ms N --request-timeout-ms N
 * --cors [origin] --journal-size N --faults FILE --seed N --clock ISO --coverage-report FILE]` (`npm run mock -- ...`
 * in the repository): `runMock(args)` serves the mock (packages/mock/src/mock/) until SIGINT/SIGTERM. Prints its URL
 * alone on the first line of stdout; everything else goes to stderr. It throws a CliExit for a bad flag (code 2, also
 * when a flag needs an optional peer dependency that is not installed) or when the mock cannot start (code 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import {
  createMockServer,
  DEFAULT_CODE_TTL_MS,
  MOCK_LIMIT_DEFAULTS,
  parseAccessKeys,
  StateFileError,
  type MockServer,
  type MockServerOptions,
} from '../index.js';
import type { Site } from '@rd-contract/contract';
import { CliExit, corsFlag, parseFlags, requirePeer, stopOnSignals } from './command.js';
import { DEFAULT_JOURNAL_SIZE } from '../control/journal.js';
import type { CoverageReport } from '../control/coverage.js';
import type { FaultRule } from '../control/faults.js';
import { MAX_SEED } from '../frontend/random.js';

/** Writes the coverage report on exit, saying on stderr where and how much of the contract was exercised. */
function writeCoverage(file: string, report: CoverageReport): void {
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.error(
      `mock: coverage ${report.exercised}/${report.documented} documented answers (${(report.share * 100).toFixed(1)}` +
        ` %) written to ${file}`,
    );
  } catch (e) {
    console.error(`mock: cannot write the coverage report ${file}: ${(e as Error).message}`);
  }
}

// createMockServer's defaults, for the usage text and the timeout check below; a flag not given is not passed, so the
// library's own default applies.
const {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
  headersTimeoutMs: DEFAULT_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
} = MOCK_LIMIT_DEFAULTS;

const usage = `Usage: rd-mock [mock] [options]        (in a clone of the repository: npm run mock -- [options])

Serves Alibaba Cloud's resource directory actions from the contract, as both APIs on one port, routed by version:
ResourceManager 2020-03-31 and ResourceDirectoryMaster 2022-04-19. RPC requests on /, each API's description on
/<Product>-<version>/openapi.yaml|json (per action: /<Product>-<version>/actions/<Action>.yaml|json; the default API's
also on /openapi.yaml|json), the docs on /docs/.

Options:
  --host <host>          interface to listen on (env HOST; default 127.0.0.1)
  --port <port>          port, 0 for a free one (env PORT; default 4010)
  --verify-signatures    verify ACS3-HMAC-SHA256 and HMAC-SHA1 signatures like the gateway, with the keys of
                         env MOCK_ACCESS_KEYS="id:secret,id2:secret2" (without it any credentials are accepted)
  --site <intl|china>    apply that site's parameter rules and error messages (default: only the rules both share)
  --stateful             emulate a resource directory that remembers, per account (= AccessKeyId; a request
                         without one gets 400 IncompleteSignature); state in memory unless --state-file
  --state-file <path>    keep the state in this SQLite database (implies --stateful; created when missing): one
                         transaction per change, so several mocks given the same file share one state; a JSON
                         state file of earlier versions is migrated (kept as <path>.pre-sqlite.json); any other
                         file is reported and left alone (exit 1)
  --state <url>          keep the state in Redis, redis://host:port/db (implies --stateful; not with --state-file):
                         mocks on several machines share one state
  --cors [origin]        answer CORS preflights and add CORS headers for browsers: any origin (*) or only this
                         one (e.g. https://app.example.com); allows the x-acs-*, Authorization, Content-Type and
                         Accept headers, exposes x-acs-request-id (default: off, like Alibaba's gateway)
  -h, --help             this text

Contract tests (control routes under /_mock/, on every mock; docs/mock.md):
  --journal-size <n>     requests the journal keeps (GET /_mock/requests), oldest dropped first; 0: off
                         (default ${DEFAULT_JOURNAL_SIZE})
  --faults <file>        fault rules in force from the start (YAML or JSON: a list of rules, as PUT /_mock/faults
                         takes them); YAML needs the optional peer dependency yaml
  --seed <n>             seed RequestIds, the emulator's ids and codes, and fault draws (0 to ${MAX_SEED}): the same
                         requests get the same bodies, times apart
  --clock <ISO time>     the mock's clock stands at this time (CreateTime, codes' times, the journal's); with
                         --seed, the same requests get byte-identical bodies
  --coverage-report <file>  on exit, write the coverage (GET /_mock/coverage) to this JSON file

Limits (past one: 400 InvalidParameter with an Alibaba error body, and the connection is closed):
  --max-body-bytes <n>       request body, in bytes (default ${DEFAULT_MAX_BODY_BYTES}, 1 MiB)
  --max-header-bytes <n>     request line and headers (the query string counts), in bytes
                             (default ${DEFAULT_MAX_HEADER_BYTES}, 16 KiB)
  --headers-timeout-ms <n>   time to receive the request line and headers, also on an idle new connection
                             (default ${DEFAULT_HEADERS_TIMEOUT_MS}, or --request-timeout-ms if lower;
                             at most --request-timeout-ms)
  --request-timeout-ms <n>   time to receive the whole request, body included (default ${DEFAULT_REQUEST_TIMEOUT_MS})
  Each <n> is a positive integer in decimal digits.

Select any documented answer with \`Prefer: code=409, example=<Code>\` (or ?__code=409&__example=<Code>).

Stateful mode's control routes (plain JSON, unsigned):
  GET  /_emulator/state                                  the whole state (what the state file holds)
  POST /_emulator/reset                                  forget everything
  GET  /_emulator/verification-codes[?account=&phone=]   codes "sent" (no SMS): [{phone, code, account, sentAt,
                                                         expiresAt, status}];
                                                         a code lives ${DEFAULT_CODE_TTL_MS / 60_000} minutes
  GET  /_emulator/accounts/<AccessKeyId>                 the account: accountId, phone, name, site, ...
  POST /_emulator/accounts/<AccessKeyId>                 set {site, accountType, enterpriseVerified, enterpriseName,
                                                         inAnotherResourceDirectory, phone, name} (null: default)
  DELETE /_emulator/accounts/<AccessKeyId>               forget that account only (its directory and codes too)

Every mock's control routes: GET /_mock/health, GET|DELETE /_mock/requests, GET /_mock/requests/count,
GET /_mock/coverage, GET|PUT|DELETE /_mock/faults (docs/mock.md)`;

function fail(message: string): never {
  throw new CliExit(2, `mock: ${message}\n\n${usage}`);
}

const NUMERIC_FLAGS = [
  '--port',
  '--max-body-bytes',
  '--max-header-bytes',
  '--headers-timeout-ms',
  '--request-timeout-ms',
  '--journal-size',
  '--seed',
];

/** The value of a flag that takes an integer from 0 to `max`: undefined when not given (or exit 2). */
function integerFlag(flag: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > max) fail(`${flag} must be an integer from 0 to ${max}, got "${text}"`);
  return Number(text);
}

/** The fault rules of a --faults file (YAML, or JSON for a .json file), or exit 2 naming the file and what is wrong. */
function readFaults(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`--faults ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    if (/\.json$/i.test(file)) return JSON.parse(text);
    requirePeer('yaml', '--faults with a YAML file', 'mock');
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    return parse(text);
  } catch (e) {
    if (e instanceof CliExit) throw e;
    fail(`--faults ${file}: not ${/\.json$/i.test(file) ? 'JSON' : 'YAML'} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The value of a limit flag: undefined when not given, else a positive integer in decimal digits (or exit 2). */
function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) fail(`${flag} must be a positive integer (decimal digits), got "${text}"`);
  if (!Number.isSafeInteger(n)) fail(`${flag} must be at most ${Number.MAX_SAFE_INTEGER}, got "${text}"`);
  return n;
}

function describeState(counts: { accounts: number; directories: number }): string {
  const a = counts.accounts;
  const d = counts.directories;
  return `${plural(a, 'account')}, ${d} director${d === 1 ? 'y' : 'ies'}`;
}

/** `1 key`, `2 keys`. */
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

type MockFlags = NonNullable<ReturnType<typeof parseMockFlags>>;

/** The command line parsed (undefined after --help), or exit 2 for a flag it does not know. */
function parseMockFlags(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'verify-signatures': { type: 'boolean', default: false },
      site: { type: 'string' },
      stateful: { type: 'boolean', default: false },
      'state-file': { type: 'string' },
      state: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'max-header-bytes': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      cors: { type: 'string' },
      'journal-size': { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      clock: { type: 'string' },
      'coverage-report': { type: 'string' },
    },
    NUMERIC_FLAGS,
    usage,
    fail,
  );
}

/** What the flags and the environment ask for, each checked (exit 2 naming the flag). */
interface MockCommand {
  readonly host: string;
  readonly portText: string;
  readonly site: Site | undefined;
  readonly accessKeys: Map<string, string>;
  readonly verifySignatures: boolean;
  readonly cors: string | undefined;
  readonly stateFile: string | undefined;
  readonly redisUrl: string | undefined;
  readonly stateful: boolean;
  readonly limits: Pick<MockServerOptions, 'maxBodyBytes' | 'maxHeaderBytes' | 'headersTimeoutMs' | 'requestTimeoutMs'>;
  readonly journalSize: number | undefined;
  readonly seed: number | undefined;
  readonly clock: string | undefined;
  readonly faultsFile: string | undefined;
  readonly faults: unknown;
  readonly coverageReport: string | undefined;
}

function connectionFlags(values: MockFlags, env: NodeJS.ProcessEnv) {
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const portText = values.port ?? env.PORT ?? '4010';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    fail(`--port must be a number from 0 to 65535, got "${portText}"`);
  const site = values.site;
  if (site !== undefined && site !== 'intl' && site !== 'china') fail(`--site must be intl or china, got "${site}"`);
  let accessKeys: Map<string, string>;
  try {
    accessKeys = parseAccessKeys(env.MOCK_ACCESS_KEYS);
  } catch (e) {
    fail((e as Error).message);
  }
  const verifySignatures = values['verify-signatures'] === true;
  if (verifySignatures && accessKeys.size === 0)
    fail('--verify-signatures needs keys in MOCK_ACCESS_KEYS="id:secret,id2:secret2"');
  const cors = corsFlag(values.cors, fail);
  return { host, portText, site: site as Site | undefined, accessKeys, verifySignatures, cors };
}

function stateFlags(values: MockFlags) {
  const stateFile = values['state-file'];
  if (stateFile !== undefined && stateFile.trim() === '') fail('--state-file needs a path');
  const redisUrl = values.state;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^/]/.test(redisUrl))
    fail(`--state must be a Redis URL, redis://host:port/db, got "${redisUrl}"`);
  if (redisUrl !== undefined && stateFile !== undefined)
    fail('--state and --state-file both say where the state is kept: give one');
  const stateful = values.stateful === true || stateFile !== undefined || redisUrl !== undefined;
  if (stateFile !== undefined) requirePeer('better-sqlite3', '--state-file', 'mock');
  if (redisUrl !== undefined) requirePeer('ioredis', '--state', 'mock');
  return { stateFile, redisUrl, stateful };
}

function limitFlags(values: MockFlags): MockCommand['limits'] {
  const maxBodyBytes = positiveInteger('--max-body-bytes', values['max-body-bytes']);
  const maxHeaderBytes = positiveInteger('--max-header-bytes', values['max-header-bytes']);
  const headersTimeoutMs = positiveInteger('--headers-timeout-ms', values['headers-timeout-ms']);
  const requestTimeoutMs = positiveInteger('--request-timeout-ms', values['request-timeout-ms']);
  // (createMockServer would throw a RangeError for this too; checked here to name the flags and the defaults)
  if (headersTimeoutMs !== undefined && headersTimeoutMs > (requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)) {
    fail(
      `--headers-timeout-ms (${headersTimeoutMs}) must not exceed --request-timeout-ms ` +
        `(${requestTimeoutMs ?? `${DEFAULT_REQUEST_TIMEOUT_MS}, its default`})`,
    );
  }
  // undefined: the library's default
  return { maxBodyBytes, maxHeaderBytes, headersTimeoutMs, requestTimeoutMs };
}

function contractTestFlags(values: MockFlags) {
  const journalSize = integerFlag('--journal-size', values['journal-size'], 10_000_000);
  const seed = integerFlag('--seed', values.seed, MAX_SEED);
  const clock = values.clock;
  const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  if (clock !== undefined && !(isoTime.test(clock) && Number.isFinite(Date.parse(clock))))
    fail(`--clock must be an ISO 8601 time with its offset, e.g. 2024-01-02T03:04:05Z, got "${clock}"`);
  const faultsFile = values.faults;
  const faults = faultsFile === undefined ? undefined : readFaults(resolve(faultsFile));
  const coverageReport = values['coverage-report'];
  if (coverageReport !== undefined && coverageReport.trim() === '') fail('--coverage-report needs a path');
  return { journalSize, seed, clock, faultsFile, faults, coverageReport };
}

/** The mock server the command asks for; exit 2 for options the library refuses, 1 when it cannot be made. */
function createFromCommand(c: MockCommand): MockServer {
  const stateful =
    c.stateFile !== undefined
      ? { stateFile: resolve(c.stateFile) }
      : c.redisUrl !== undefined
        ? { redisUrl: c.redisUrl }
        : true;
  try {
    return createMockServer({
      host: c.host,
      port: Number(c.portText),
      verifySignatures: c.verifySignatures,
      accessKeys: c.accessKeys,
      ...(c.site ? { site: c.site } : {}),
      ...(c.stateful ? { stateful } : {}),
      ...c.limits,
      ...(c.cors !== undefined ? { cors: c.cors } : {}),
      ...(c.journalSize !== undefined ? { journalSize: c.journalSize } : {}),
      ...(c.faults !== undefined ? { faults: c.faults as FaultRule[] } : {}),
      ...(c.seed !== undefined ? { seed: c.seed } : {}),
      ...(c.clock !== undefined ? { clock: c.clock } : {}),
    });
  } catch (e) {
    // the fault rules of --faults are checked by the library: a bad file names the file
    if (e instanceof RangeError && e.message.startsWith('createMockServer: faults: '))
      fail(`--faults ${c.faultsFile}: ${e.message.slice('createMockServer: faults: '.length)}`);
    // a limit the checks above let through (they mirror the library's): a bad flag all the same
    if (e instanceof RangeError && e.message.startsWith('createMockServer: ')) fail(e.message);
    if (e instanceof StateFileError) throw new CliExit(1, `mock: ${e.message}`);
    throw new CliExit(1, `mock: cannot load the contract: ${(e as Error).message}\nRun \`npm run build\` first.`);
  }
}

/** The line on stderr that says what is served and how. */
async function announcement(url: string, c: MockCommand, mock: MockServer): Promise<string> {
  const state = mock.emulator
    ? `stateful (${describeState(await mock.emulator.store.counts())},` +
      ` ${mock.emulator.stateFile ? `file ${mock.emulator.stateFile}` : mock.emulator.description}; control` +
      ` routes on ${url}/_emulator/)`
    : 'stateless (answers from the contract examples)';
  return (
    `mock: serving ResourceManager 2020-03-31 and ResourceDirectoryMaster 2022-04-19 on ${url}/ (docs ${url}/docs/,` +
    ` descriptions ${url}/<Product>-<version>/openapi.yaml); ` +
    `signatures ${c.verifySignatures ? `verified (${plural(c.accessKeys.size, 'key')})` : 'not verified'}; ` +
    `site ${c.site ?? 'rules of both sites'}; ` +
    `CORS ${c.cors === undefined ? 'off' : `for ${c.cors}`}; ` +
    state
  );
}

/** Serves the mock with these command-line arguments (and HOST, PORT, MOCK_ACCESS_KEYS from `env`) until a signal. */
export async function runMock(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const values = parseMockFlags(argv);
  if (!values) return;
  const command: MockCommand = {
    ...connectionFlags(values, env),
    ...stateFlags(values),
    limits: limitFlags(values),
    ...contractTestFlags(values),
  };
  const mock = createFromCommand(command);
  // Before listening: a signal that arrives as soon as the URL is printed stops the mock cleanly too.
  const { coverageReport } = command;
  stopOnSignals(
    'mock',
    () => mock.close(),
    coverageReport === undefined
      ? undefined
      : () => writeCoverage(resolve(coverageReport), mock.control.coverage.report()),
  );
  try {
    await mock.emulator?.ready();
  } catch (e) {
    throw new CliExit(1, `mock: ${(e as Error).message}`);
  }
  let url: string;
  try {
    url = await mock.listen();
  } catch (e) {
    throw new CliExit(1, `mock: cannot listen on ${command.host}:${command.portText}: ${(e as Error).message}`);
  }
  console.log(url);
  console.error(await announcement(url, command, mock));
}
