/**
 * `npm run bench` (`-- --quick` for a short run; `-- --emulator` for the stateful emulator's stores only): measures,
 * side by side in one run on free loopback ports,
 *  - our mock, Prism's own CLI (`prism mock`) and a bare node:http server returning the same fixed body (the ceiling),
 *    under the same autocannon load, for GetResourceDirectory and a validated EnableResourceDirectory;
 *  - the client's per-call cost (build, validate, sign, send; default transport, and fetch) against the official SDK's,
 *    on the same no-op server;
 *  - `npm run build` (and, without --quick, `npm test`) wall time;
 *  - the mock's resident memory after start, after warm-up and after a soak, and its heap in use after a full GC;
 *  - the contract proxy's overhead per request: the mock called through `npm run proxy` (re-signing, both directions
 *    checked) against the mock called directly, one request at a time (latency) and under load (req/s).
 *  - the request journal's cost: the mock with its journal on (the default, 1000 entries) against the same mock with
 *    `--journal-size 0`, two processes under the same load, runs alternated, req/s and CPU time per request
 *    (`-- --journal` for this alone);
 *  - in this process, an object built with a spread followed by properties against the same object spelled out (why
 *    the gateway's steps spell theirs out), and a closure bound to a name against an unnamed one (why the mock makes
 *    no named closure per request).
 * With `--emulator`: enables/s of the stateful emulator (each request a new account's CurrentAccount Enable) after 1k
 * and after 100k accounts, for each store (memory, SQLite, and Redis when redis-server is installed), their ratio,
 * and the in-memory emulator against the stateless mock's validated Enable.
 * With `--packages`: each package's tarball, and a real install of it into an empty project (time, packages, MiB).
 * With `--versus <checkout>`: our mock against the mock of another checkout, each started as its package.json's
 * `npm run mock` starts it, in rounds alternated as for the journal (req/s and CPU time per request): stateless, then
 * both `--stateful` under the emulator's load (each request a new account's Enable); `--versus-flags='<flags>'` adds
 * flags to our side.
 * Prints ratios; asserts nothing (targets are read off the ratios, see docs/performance.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Result as AutocannonResult } from 'autocannon';
import { stringify } from 'yaml';
import { apiFile, apiIndex, repoRoot } from './paths.js';
import { contract } from '../generated/contract.js';
import {
  accountIdOf,
  emulatorRules,
  openStateFile,
  RedisBackend,
  stateWrites,
  type Backend,
  type DirectoryRecord,
  type EmulatorState,
} from '../packages/mock/src/emulator/index.js';
import { emptyState } from '../packages/mock/src/emulator/model.js';
import { Journal } from '../packages/mock/src/control/journal.js';
import { Coverage } from '../packages/mock/src/control/coverage.js';
import { buildCatalogue } from '../packages/mock/src/frontend/catalogue.js';
import { redisMissing, startRedis } from '../tests/helpers/redis.js';
import { packageReport } from './pack.js';

/** The flags; an unknown one (or `--versus` without a folder) exits 2 naming it. */
const flags = (() => {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        client: { type: 'boolean', default: false },
        emulator: { type: 'boolean', default: false },
        proxy: { type: 'boolean', default: false },
        journal: { type: 'boolean', default: false },
        packages: { type: 'boolean', default: false },
        versus: { type: 'string' },
        'versus-flags': { type: 'string' },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(2);
  }
})();
const quick = flags.quick;
/** How the emulator keys management account names, from the contract (the bulk fill writes its name index). */
const { nameKey } = emulatorRules(contract);
/** Bytes in MiB, to one decimal. */
const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
/** The middle value (the upper of the two middle ones for an even count). */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** `--client`: only the client against the official SDK (about a minute). */
const clientOnly = flags.client;
/** `--emulator`: only the stateful emulator's stores at 1k and 100k accounts (a few minutes). */
const emulatorOnly = flags.emulator;
/** `--proxy`: only the proxy's overhead against a direct call to the mock (about a minute). */
const proxyOnly = flags.proxy;
/** `--journal`: only the journal on against off (about a minute). */
const journalOnly = flags.journal;
/** `--packages`: only what each package costs a user: its tarball and an install into an empty project. */
const packagesOnly = flags.packages;
/** `--versus <checkout>`: only our mock against another checkout's (its `npm run mock`), in alternated rounds. */
const versus = flags.versus;
if (versus !== undefined && !existsSync(join(versus, 'package.json'))) {
  console.error(`bench: --versus ${versus}: no package.json there (give a checkout of this repository)`);
  process.exit(2);
}
/** `--versus-flags='<flags>'`: flags for our side of `--versus` (`--journal-size 0`, say), split at spaces. */
const versusFlags = flags['versus-flags']?.split(/\s+/).filter((w) => w !== '') ?? [];
if (flags['versus-flags'] !== undefined && versus === undefined) {
  console.error('bench: --versus-flags needs --versus <checkout>');
  process.exit(2);
}
const duration = quick ? 5 : 15;
const connections = 20;
const soakSeconds = quick ? 10 : 60;
const warmUpSeconds = quick ? 2 : 5;
/** The mock package's bin, from source, as package.json's mock and proxy scripts run it. */
const BIN = 'packages/mock/src/cli/main.ts';

/** The node arguments of a package.json script `exec node ... <bin> <command>` (exec: npm's signals reach node). */
function scriptNodeArgs(name: 'mock' | 'proxy'): string[] {
  const script: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts[name];
  const words = script.split(/\s+/);
  if (words[0] !== 'exec' || words[1] !== 'node' || !words.includes(BIN))
    throw new Error(`package.json's ${name} script is not "exec node ... ${BIN} ${name}": ${script}`);
  return words.slice(2);
}

/**
 * The mock as `npm run mock` runs it (package.json: `node <V8 flags> --import tsx packages/mock/src/cli/main.ts
 * mock`), started here as that one node process so that the RSS read from its pid is the mock's; plus `--expose-gc` and
 * scripts/bench-heap-hook.mjs, which report the heap in use after a full collection on SIGUSR2 (the paired rounds,
 * which read no heap, start it without them).
 */
function mockCommand(): string[] {
  const hook = pathToFileURL(join(repoRoot, 'scripts', 'bench-heap-hook.mjs')).href;
  return ['--expose-gc', '--import', hook, ...scriptNodeArgs('mock')];
}

const actions = {
  GetResourceDirectory: { query: {} as Record<string, string> },
  EnableResourceDirectory: {
    query: {
      EnableMode: 'NewManagementAccount',
      MAName: 'user01',
      MASecureMobilePhone: '852-61234567',
      VerificationCode: '123456',
    } as Record<string, string>,
  },
} as const;
type BenchAction = keyof typeof actions;

const qs = (action: BenchAction) =>
  new URLSearchParams({ Action: action, Version: '2020-03-31', Format: 'JSON', ...actions[action].query }).toString();

// ---------------------------------------------------------------------------------------------- servers

/** Starts a child process and resolves with its base URL once it prints `http://127.0.0.1:<port>`. */
function startChild(
  command: string,
  args: string[],
  name: string,
  cwd = repoRoot,
): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${out}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      // From here on the child's output (Prism logs every request) is drained, not kept.
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({ url: `http://127.0.0.1:${m[1]}`, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The ceiling: a bare node:http server answering every request with the same fixed body, in a process of its own like
 * the other servers (in this one it would share an event loop with autocannon).
 */
function startCeiling(body: string): Promise<{ url: string; child: ChildProcess }> {
  const code = `const b = Buffer.from(${JSON.stringify(body)});
const h = { 'content-type': 'application/json;charset=utf-8', 'content-length': b.length };
require('node:http').createServer((q, s) => { q.resume(); s.writeHead(200, h); s.end(b); })
  .listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });`;
  return startChild(process.execPath, ['-e', code], 'ceiling');
}

/**
 * Prism's CLI routes by path and method only, so it gets the smallest rendition of the contract it can route:
 * the one action's operation under `/` (same parameters, so `Action` and `Version` are validated as required enums).
 */
function prismRendition(action: BenchAction, dir: string): string {
  const doc = JSON.parse(readFileSync(apiFile(apiIndex()[0]!, 'openapi.json'), 'utf8'));
  const item = doc.paths[`/#Action=${action}`];
  doc.paths = { '/': item };
  const file = join(dir, `${action}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Asks the mock (scripts/bench-heap-hook.mjs) for a full GC and reads the heap it then uses, in bytes. */
async function heapAfterGc(child: ChildProcess, file: string): Promise<number> {
  rmSync(file, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number }).heapUsed;
    } catch {
      /* not written yet */
    }
  }
  throw new Error('the mock did not report its heap');
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

// ---------------------------------------------------------------------------------------------- load

/**
 * The same headers for every server: an ACS3-style Authorization header satisfies Prism's check that a security
 * scheme is present (it cannot verify it); our mock runs without --verify-signatures, so it reads only the key id.
 */
const loadHeaders = {
  accept: 'application/json',
  authorization: 'ACS3-HMAC-SHA256 Credential=bench,SignedHeaders=host,Signature=00',
};

interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

async function load(name: string, url: string, seconds = duration): Promise<LoadResult> {
  const r = await autocannon({ url, method: 'POST', connections, duration: seconds, headers: loadHeaders });
  return loadResult(name, r);
}

/** What a run of autocannon measured, under a name. */
function loadResult(name: string, r: AutocannonResult): LoadResult {
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

const fmt = (r: LoadResult) =>
  `  ${r.name.padEnd(12)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99` +
  ` ${String(r.p99).padStart(3)} ms   errors ${r.errors}   non-2xx ${r.non2xx}`;

// ---------------------------------------------------------------------------------------------- client overhead

async function clientOverhead(noopUrl: string): Promise<{ ours: number; oursFetch: number; sdk: number }> {
  const { createClient } = await import('../packages/client/src/index.js');
  // The default fetch (node:http), and Node's own fetch for comparison.
  const client = createClient({ endpoint: noopUrl, accessKeyId: 'bench', accessKeySecret: 'bench-secret' });
  const viaFetch = createClient({
    endpoint: noopUrl,
    accessKeyId: 'bench',
    accessKeySecret: 'bench-secret',
    fetch: (r) => fetch(r),
  });
  /* eslint-disable @typescript-eslint/no-explicit-any -- the official SDK's CommonJS modules have no ESM types */
  const sdkModule = (await import('@alicloud/resourcemanager20200331')) as Record<string, any>;
  const OpenApi = (await import('@alicloud/openapi-core')) as Record<string, any>;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  const Sdk = sdkModule.default?.default ?? sdkModule.default;
  const $OpenApi = OpenApi.$OpenApiUtil ?? OpenApi.default?.$OpenApiUtil;
  const port = new URL(noopUrl).port;
  const sdk = new Sdk(
    new $OpenApi.Config({
      accessKeyId: 'bench',
      accessKeySecret: 'bench-secret',
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
    }),
  );
  const request = new sdkModule.EnableResourceDirectoryRequest({
    enableMode: 'NewManagementAccount',
    MAName: 'user01',
    MASecureMobilePhone: '852-61234567',
    verificationCode: '123456',
  });
  // Both warm up fully (undici's fetch settles only after ~2000 calls), then run in interleaved blocks so that load
  // from elsewhere on the machine falls on both alike; the median block is the figure.
  const warm = quick ? 1000 : 3000;
  const blocks = quick ? 8 : 20;
  const perBlock = quick ? 100 : 200;
  const ourCall = () => client.EnableResourceDirectory(actions.EnableResourceDirectory.query as never);
  const fetchCall = () => viaFetch.EnableResourceDirectory(actions.EnableResourceDirectory.query as never);
  const sdkCall = () => sdk.enableResourceDirectory(request);
  for (let i = 0; i < warm; i++) {
    await ourCall();
    await fetchCall();
    await sdkCall();
  }
  const block = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    for (let i = 0; i < perBlock; i++) await fn();
    return (performance.now() - start) / perBlock;
  };
  const oursTimes: number[] = [];
  const fetchTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let b = 0; b < blocks; b++) {
    oursTimes.push(await block(ourCall));
    fetchTimes.push(await block(fetchCall));
    sdkTimes.push(await block(sdkCall));
  }
  return { ours: median(oursTimes), oursFetch: median(fetchTimes), sdk: median(sdkTimes) };
}

function clientLines(o: { ours: number; oursFetch: number; sdk: number }): string[] {
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  return [
    `client per call: ${us(o.ours)} (default fetch: node:http), official SDK ${us(o.sdk)}: client vs sdk:` +
      ` ${(o.ours / o.sdk).toFixed(2)}x time per call`,
    `client per call with Node's fetch: ${us(o.oursFetch)}: client (Node's fetch) vs sdk:` +
      ` ${(o.oursFetch / o.sdk).toFixed(2)}x time per call`,
  ];
}

// ---------------------------------------------------------------------------------------------- the emulator's stores

const EMULATOR_CONNECTIONS = 32;
const SMALL = 1_000;
const LARGE = 100_000;

/** `n` as 6 letters and digits (ids of pre-filled directories, unique by construction). */
function base62(n: number): string {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = digits[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/**
 * Accounts `from` .. `to - 1` (AccessKeyIds `fill-<i>`), each with the directory a CurrentAccount Enable gives it,
 * written straight into a shared store in commits of 2000 accounts: what 99k Enables would leave, in seconds.
 */
async function bulkFill(backend: Backend, from: number, to: number): Promise<void> {
  const createTime = new Date().toISOString();
  for (let start = from; start < to; start += 2000) {
    const state: EmulatorState = emptyState();
    for (let i = start; i < Math.min(to, start + 2000); i++) {
      const ak = `fill-${i}`;
      const accountId = accountIdOf(ak);
      const id = `rd-${base62(i)}`;
      const directory: DirectoryRecord = {
        ResourceDirectoryId: id,
        RootFolderId: `r-${base62(i)}`,
        MasterAccountId: accountId,
        MasterAccountName: `aliyun-${accountId}`,
        CreateTime: createTime,
        ControlPolicyStatus: 'Disabled',
        MemberDeletionStatus: 'Disabled',
        IdentityInformation: 'Emulated Enterprise Co., Ltd.',
        enabledBy: ak,
        enableMode: 'CurrentAccount',
      };
      state.accounts[ak] = { accountId, profile: {}, resourceDirectoryId: id, verificationCodesSent: null };
      state.directories[id] = directory;
    }
    if (!(await backend.commit([], stateWrites(state, nameKey)))) throw new Error('bulk fill: commit refused');
  }
}

/** Enables of new accounts (`<prefix>-0`, `<prefix>-1`, ...): for `seconds`, or `amount` requests. */
async function enables(url: string, prefix: string, run: { seconds?: number; amount?: number }): Promise<LoadResult> {
  let n = 0;
  const base =
    '/?Action=EnableResourceDirectory&Version=2020-03-31&Format=JSON&EnableMode=CurrentAccount' +
    `&AccessKeyId=${prefix}-`;
  const r = await autocannon({
    url,
    method: 'POST',
    connections: EMULATOR_CONNECTIONS,
    ...(run.amount !== undefined ? { amount: run.amount } : { duration: run.seconds ?? duration }),
    // No Authorization header: the account is the query's AccessKeyId (the header's credential would be one account).
    headers: { accept: 'application/json' },
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `${base}${n++}` }) }],
  } as never);
  return loadResult(prefix, r);
}

interface StoreRun {
  readonly name: string;
  readonly args: string[];
  /** A connection to the mock's store for the bulk fill; undefined: fill through HTTP (memory). */
  readonly open?: () => Backend;
  readonly size?: () => string;
}

async function emulatorBench(scratch: string, children: ChildProcess[]): Promise<void> {
  const seconds = quick ? 5 : 10;
  console.log(
    `bench --emulator: ${EMULATOR_CONNECTIONS} connections, ${seconds} s per run, each request a new account's` +
      ` CurrentAccount Enable${quick ? ' (quick)' : ''}, node ${process.version}`,
  );
  const file = join(scratch, 'state.db');
  const runs: StoreRun[] = [
    { name: 'memory', args: ['--stateful'] },
    {
      name: 'SQLite',
      args: ['--state-file', file],
      open: () => openStateFile(file, nameKey),
      size: () => `${mb(statSync(file).size)} MB file + ${mb(statSync(`${file}-wal`).size)} MB WAL`,
    },
  ];
  const missing = redisMissing();
  const redis = missing ? undefined : await startRedis();
  if (redis) runs.push({ name: 'Redis', args: ['--state', redis.url(0)], open: () => new RedisBackend(redis.url(0)) });
  else console.log(`  (Redis skipped: ${missing})`);
  const results: Array<{ name: string; small: LoadResult; large: LoadResult; size: string }> = [];
  try {
    const stateless = await startChild(process.execPath, [...mockCommand(), '--port', '0'], 'stateless mock');
    children.push(stateless.child);
    await load('warm-up', `${stateless.url}/?${qs('EnableResourceDirectory')}`, 2);
    const statelessEnable = await autocannon({
      url: `${stateless.url}/?${qs('EnableResourceDirectory')}`,
      method: 'POST',
      connections: EMULATOR_CONNECTIONS,
      duration: seconds,
      headers: loadHeaders,
    });
    stateless.child.kill('SIGTERM');
    for (const run of runs) {
      const mock = await startChild(
        process.execPath,
        [...mockCommand(), '--port', '0', ...run.args],
        `mock ${run.name}`,
      );
      children.push(mock.child);
      // 1k accounts: the first through HTTP (also the warm-up), then the measured run.
      await enables(mock.url, 'warm', { amount: SMALL });
      const small = await enables(mock.url, 'small', { seconds });
      // Up to 100k accounts: straight into the store when it is shared, else through HTTP.
      const sofar = SMALL + small.total;
      const started = performance.now();
      // (A fast run may have made more than LARGE accounts already: then there is nothing to fill.)
      if (LARGE > sofar && run.open) {
        const backend = run.open();
        await bulkFill(backend, 0, LARGE - sofar);
        await backend.close();
      } else if (LARGE > sofar) {
        await enables(mock.url, 'fill', { amount: LARGE - sofar });
      }
      console.log(
        `  ${run.name}: filled to ${Math.max(LARGE, sofar)} accounts in` +
          ` ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      await enables(mock.url, 'warm2', { seconds: 2 });
      const large = await enables(mock.url, 'large', { seconds });
      const size = run.size?.() ?? '';
      mock.child.kill('SIGTERM');
      for (const r of [small, large])
        if (r.non2xx || r.errors) console.log(`  ${run.name}: ${r.non2xx} non-2xx, ${r.errors} errors in a run`);
      results.push({ name: run.name, small, large, size });
    }
    const rps = (r: LoadResult) => r.rps.toFixed(0);
    console.log('\nenables/s (each a new account)');
    console.log(`  | accounts so far | ${results.map((r) => r.name).join(' | ')} |`);
    console.log(`  |---|${results.map(() => '---').join('|')}|`);
    console.log(`  | ${SMALL / 1000}k | ${results.map((r) => rps(r.small)).join(' | ')} |`);
    console.log(`  | ${LARGE / 1000}k | ${results.map((r) => rps(r.large)).join(' | ')} |`);
    console.log('\nsummary');
    for (const r of results)
      console.log(
        `  ${r.name}: ${rps(r.large)} enables/s after ${LARGE / 1000}k accounts vs ${rps(r.small)} after` +
          ` ${SMALL / 1000}k: ${(r.large.rps / r.small.rps).toFixed(2)}x (flat: >= 0.8)${r.size ? `; ${r.size}` : ''}`,
      );
    const memory = results.find((r) => r.name === 'memory')!;
    console.log(
      `  stateless mock's validated Enable: ${statelessEnable.requests.average.toFixed(0)} req/s; in-memory emulator` +
        ` vs stateless: ${(memory.small.rps / statelessEnable.requests.average).toFixed(2)}x after ${SMALL / 1000}k,` +
        ` ${(memory.large.rps / statelessEnable.requests.average).toFixed(2)}x after ${LARGE / 1000}k (target >=` +
        ` 0.5)`,
    );
  } finally {
    await redis?.stop();
  }
}

// ---------------------------------------------------------------------------------------------- proxy overhead

/**
 * The proxy as `npm run proxy` runs it (package.json: `exec node --import tsx packages/mock/src/cli/main.ts proxy`), as
 * one node process.
 */
function proxyCommand(): string[] {
  return scriptNodeArgs('proxy');
}

/**
 * GetResourceDirectory with well-formed HMAC-SHA1 signing parameters (the mock, without --verify-signatures, does not
 * check the signature), so that the proxy finds nothing to report and measures its conforming path: parse, check the
 * request, re-sign for the mock (credentials given), forward, check the answer against its schema, pass it on.
 */
const proxyPath = `/?${new URLSearchParams({
  Action: 'GetResourceDirectory',
  Version: '2020-03-31',
  Format: 'JSON',
  AccessKeyId: 'bench',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  SignatureNonce: 'bench-nonce',
  Timestamp: '2026-01-01T00:00:00Z',
  Signature: 'YmVuY2g=',
})}`;

async function proxyOverhead(mockUrl: string, children: ChildProcess[]): Promise<string[]> {
  const proxy = await startChild(
    process.execPath,
    [
      ...proxyCommand(),
      '--upstream',
      mockUrl,
      '--port',
      '0',
      '--access-key-id',
      'bench-upstream',
      '--access-key-secret',
      'bench-upstream-secret',
    ],
    'proxy',
  );
  children.push(proxy.child);
  const check = await fetch(proxy.url + proxyPath, { method: 'POST' });
  if (check.status !== 200 || check.headers.get('sl-violations') !== null)
    throw new Error(
      `the proxy's bench request is not conforming: ${check.status} ${check.headers.get('sl-violations')}`,
    );
  await check.text();
  const measure = async (name: string, url: string, conns: number) => {
    await autocannon({ url, method: 'POST', connections: conns, duration: warmUpSeconds });
    return loadResult(name, await autocannon({ url, method: 'POST', connections: conns, duration }));
  };
  const lines: string[] = [];
  console.log('\nproxy overhead (GetResourceDirectory)');
  for (const conns of [1, connections]) {
    const direct = await measure('direct', mockUrl + proxyPath, conns);
    const via = await measure('via proxy', proxy.url + proxyPath, conns);
    for (const r of [direct, via]) {
      console.log(
        `  ${String(conns).padStart(2)} conn ${r.name.padEnd(10)} ${r.rps.toFixed(0).padStart(7)} req/s   p50` +
          ` ${r.p50} ms   p99 ${r.p99} ms   errors ${r.errors}   non-2xx ${r.non2xx}`,
      );
    }
    if (conns === 1) {
      // One connection, one request at a time: the time per request is the inverse of the rate (autocannon's latency
      // figures are whole milliseconds, too coarse here).
      const perRequest = (r: { rps: number }) => 1000 / r.rps;
      lines.push(
        `proxy per request, one at a time: ${perRequest(via).toFixed(3)} ms through the proxy vs` +
          ` ${perRequest(direct).toFixed(3)} ms direct ` +
          `(+${(perRequest(via) - perRequest(direct)).toFixed(3)} ms): proxy vs direct:` +
          ` ${(perRequest(via) / perRequest(direct)).toFixed(2)}x time per request`,
      );
    } else {
      lines.push(
        `proxy under load (${conns} connections): ${via.rps.toFixed(0)} vs ${direct.rps.toFixed(0)} req/s direct:` +
          ` proxy vs direct: ${(via.rps / direct.rps).toFixed(2)}x req/s`,
      );
    }
  }
  proxy.child.kill('SIGTERM');
  return lines;
}

// ---------------------------------------------------------------------------------------------- paired mocks

/** One side of a paired comparison: how to start it, with `extra` flags. */
interface Contender {
  readonly name: string;
  readonly start: (extra?: string[]) => Promise<{ url: string; child: ChildProcess }>;
}

/** What the paired rounds load both sides with: a warm-up, then the measured run under a label. */
interface Workload {
  readonly name: string;
  readonly warmUp: (url: string) => Promise<unknown>;
  readonly measure: (url: string, label: string, seconds: number) => Promise<LoadResult>;
}

/** The stateless mock's loads: each bench action, the same request over and over. */
const actionWorkloads: Workload[] = (Object.keys(actions) as BenchAction[]).map((action) => ({
  name: action,
  warmUp: (url) => load('warm-up', `${url}/?${qs(action)}`, warmUpSeconds),
  measure: (url, label, seconds) => load(label, `${url}/?${qs(action)}`, seconds),
}));

/** The in-memory emulator's load (`--stateful`), as `--emulator` runs it: each request a new account's Enable. */
const emulatorWorkload: Workload = {
  name: 'EnableResourceDirectory, a new account each (--stateful)',
  warmUp: (url) => enables(url, 'warm', { amount: SMALL }),
  // The label, in letters, digits and hyphens, is also the new accounts' AccessKeyId prefix.
  measure: async (url, label, seconds) => ({
    ...(await enables(url, label.replace(/\W+/g, '-'), { seconds })),
    name: label,
  }),
};

/** CPU time (user + system) a process has used, in µs, from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks, 100 a second on Linux
}

/**
 * Two mocks (each started with `extra` flags) loaded in turn with the same requests. Each round starts a fresh pair
 * (in alternating order, and loads them in alternating order), so that neither process's own luck (JIT, placement on
 * the 2 cores) nor the other work on a shared machine favours one side: per round the ratio of the two rates and of
 * their CPU time per request (from /proc), and the medians of the rounds' ratios. Returns a line per workload and the
 * median rates of `a`; `after` runs once a round, with both up.
 */
async function pairedRounds(
  children: ChildProcess[],
  [a, b]: readonly [Contender, Contender],
  options: {
    workloads?: Workload[];
    extra?: string[];
    after?: (urls: Record<string, string>) => Promise<void>;
  } = {},
): Promise<{ lines: string[]; aMedians: number[] }> {
  const { workloads = actionWorkloads, extra = [], after } = options;
  const rounds = quick ? 3 : 6;
  const seconds = quick ? 2 : 4;
  // per workload: each round's ratios (b / a) of req/s and of CPU per request, and each side's req/s
  const per = new Map(
    workloads.map((w) => [w, { rps: [] as number[], cpu: [] as number[], a: [] as number[], b: [] as number[] }]),
  );
  console.log(`\n${b.name} vs ${a.name}${extra.length ? ` (both ${extra.join(' ')})` : ''}`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [a, b] : [b, a];
    const pair = new Map<Contender, { url: string; child: ChildProcess }>();
    for (const c of order) {
      const started = await c.start(extra);
      children.push(started.child);
      pair.set(c, started);
    }
    for (const w of workloads) {
      for (const c of order) await w.warmUp(pair.get(c)!.url);
      const got = new Map<Contender, { rps: number; cpu: number }>();
      for (const c of order) {
        const { url, child } = pair.get(c)!;
        const cpu0 = cpuMicros(child.pid!);
        const r = await w.measure(url, c.name, seconds);
        console.log(`${fmt(r)}   (${w.name}, round ${round + 1})`);
        got.set(c, { rps: r.rps, cpu: (cpuMicros(child.pid!) - cpu0) / r.total });
      }
      const p = per.get(w)!;
      p.rps.push(got.get(b)!.rps / got.get(a)!.rps);
      p.cpu.push(got.get(b)!.cpu / got.get(a)!.cpu);
      p.a.push(got.get(a)!.rps);
      p.b.push(got.get(b)!.rps);
    }
    await after?.(Object.fromEntries([...pair].map(([c, s]) => [c.name, s.url])));
    for (const c of order) pair.get(c)!.child.kill('SIGTERM');
  }
  const lines = workloads.map((w) => {
    const p = per.get(w)!;
    const { rps, cpu } = p;
    return (
      `${w.name}: ${b.name} vs ${a.name}: median ${median(p.b).toFixed(0)} vs ${median(p.a).toFixed(0)} req/s;` +
      ` median of ${rounds} rounds' ratios: ${median(rps).toFixed(3)}x req/s (rounds` +
      ` ${Math.min(...rps).toFixed(2)}-${Math.max(...rps).toFixed(2)}), ${median(cpu).toFixed(3)}x CPU per request`
    );
  });
  return { lines, aMedians: workloads.map((w) => median(per.get(w)!.a)) };
}

/** Our mock as `npm run mock` starts it, with its `own` flags (and the rounds' `extra`). */
const ourMock = (name: string, own: string[] = []): Contender => ({
  name,
  start: (extra = []) =>
    startChild(process.execPath, [...scriptNodeArgs('mock'), '--port', '0', ...own, ...extra], name),
});

/**
 * The journal's cost: the mock with its journal on (default size) against `--journal-size 0`, in paired rounds; then,
 * in this process, what the recording itself costs per request (the journal and the coverage count; not the reads of
 * the version, action and AccessKeyId the gateway hands them), against the mock's time per request.
 */
async function journalOverhead(children: ChildProcess[]): Promise<string[]> {
  let kept = 0;
  const { lines, aMedians } = await pairedRounds(
    children,
    [ourMock('journal off', ['--journal-size', '0']), ourMock('journal on')],
    {
      after: async (urls) => {
        const counted = await fetch(`${urls['journal on']}/_mock/requests/count`);
        kept = ((await counted.json()) as { count: number }).count;
      },
    },
  );
  lines.push(`journal on: ${kept} entries kept at the end of a round (its size, 1000, is the bound)`);
  lines.push(recordingCost(Math.max(...aMedians)));
  return lines;
}

/**
 * `--versus <checkout>`: our mock against another checkout's (a worktree of an earlier commit, say), each as its own
 * package.json's `npm run mock` starts it (`[exec] node <flags> <script> ...`, run in that folder), in paired rounds.
 */
async function versusOverhead(children: ChildProcess[], dir: string): Promise<string[]> {
  const script: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.mock ?? '';
  const words = script.split(/\s+/).filter((w) => w !== 'exec');
  if (words[0] !== 'node') throw new Error(`${dir}: package.json's mock script is not "[exec] node ...": ${script}`);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  const other: Contender = {
    name: `mock of ${commit || dir}`,
    start: (extra = []) =>
      startChild(process.execPath, [...words.slice(1), '--port', '0', ...extra], `mock of ${dir}`, dir),
  };
  const pair = [other, ourMock(['mock', ...versusFlags].join(' '), versusFlags)] as const;
  const stateless = await pairedRounds(children, pair);
  const emulator = await pairedRounds(children, pair, { workloads: [emulatorWorkload], extra: ['--stateful'] });
  return [...stateless.lines, ...emulator.lines];
}

/** The journal's and the coverage's work per answer, measured in this process, against the mock's time per request. */
function recordingCost(mockRps: number): string {
  const catalogue = buildCatalogue(contract, contract.defaultApi);
  const journal = new Journal(1000, (t) => t);
  const coverage = new Coverage([catalogue]);
  const query = 'Action=GetResourceDirectory&Version=2020-03-31&AccessKeyId=bench';
  const n = 2_000_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    coverage.record(catalogue.api, 'GetResourceDirectory', 200, undefined);
    journal.record({
      time: Date.now(),
      durationMs: 0.1,
      api: catalogue.api,
      version: '2020-03-31',
      action: 'GetResourceDirectory',
      accessKeyId: 'bench',
      query,
      form: undefined,
      status: 200,
      code: undefined,
      requestId: 'R',
      fault: undefined,
    });
  }
  const ns = ((performance.now() - started) * 1e6) / n;
  // The mock is one process on one thread: at `mockRps` it spends at most 1/mockRps of a second per request.
  const perRequestNs = 1e9 / mockRps;
  return (
    `recording one answer (journal entry + coverage count): ${ns.toFixed(0)} ns,` +
    ` ${((ns / perRequestNs) * 100).toFixed(3)} % of the mock's ${(perRequestNs / 1000).toFixed(0)} us per request` +
    ` (at ${mockRps.toFixed(0)} req/s, journal off)`
  );
}

// ---------------------------------------------------------------------------------------------- main

function wallTime(command: string, args: string[]): number {
  const start = performance.now();
  const r = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: 'ignore',
    env: { ...process.env, CI: process.env.CI ?? '' },
  });
  if (r.status !== 0) console.log(`  (${command} ${args.join(' ')} exited with ${r.status})`);
  return (performance.now() - start) / 1000;
}

/** npm's version, as the install figures depend on it. */
const npmVersion = (): string => `npm ${spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim()}`;

/**
 * Why the gateway's steps (packages/mock/src/mock/gateway.ts) spell their results out: a spread followed by more
 * properties, `{ ...reply, catalogue, action }`, against the same object as a literal, built in turn in this process
 * (V8 in Node 20 takes a slow path for the first; Node 24 does not).
 */
function spreadCost(): string {
  const reply = { requestId: 'R', format: 'json' };
  const catalogue = { api: 'ResourceManager/2020-03-31' };
  const action = { action: 'GetResourceDirectory' };
  const n = 1_000_000;
  let kept: object | undefined;
  const time = (build: () => object): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) kept = build();
    return ((performance.now() - started) * 1e6) / n;
  };
  const spread = () => ({ ...reply, catalogue, action });
  const literal = () => ({ requestId: reply.requestId, format: reply.format, catalogue, action });
  time(spread);
  time(literal);
  const [s, l] = [time(spread), time(literal)];
  if (kept === undefined) throw new Error('nothing built');
  return (
    `an object spread followed by two properties vs the same object spelled out: ${s.toFixed(0)} vs` +
    ` ${l.toFixed(0)} ns: ${(s / l).toFixed(1)}x time (${process.version})`
  );
}

/**
 * Why the mock makes no named closure per request (packages/mock/src/mock/gateway.ts, tests/e2e/tsx-closures.test.ts):
 * this file runs under tsx, which compiles `const named = () => …` inside a function into a call defining the
 * closure's `name`; an unnamed closure passed on at once is left as it is.
 */
function namedClosureCost(): string {
  const n = 1_000_000;
  let kept: unknown;
  const time = (make: (i: number) => () => number): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) kept = make(i);
    return ((performance.now() - started) * 1e6) / n;
  };
  const named = (i: number) => {
    const closure = () => i;
    return closure;
  };
  const unnamed = (i: number) => () => i;
  time(named);
  time(unnamed);
  const [a, b] = [time(named), time(unnamed)];
  if (kept === undefined) throw new Error('nothing made');
  return (
    `a closure made per call and bound to a name, as tsx compiles it, vs an unnamed one: ${a.toFixed(0)} vs` +
    ` ${b.toFixed(0)} ns: ${(a / b).toFixed(1)}x time`
  );
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'rd-bench-'));
  const children: ChildProcess[] = [];
  try {
    if (emulatorOnly) {
      await emulatorBench(scratch, children);
      return;
    }
    if (clientOnly) {
      console.log(`bench: the client against the official SDK${quick ? ' (quick)' : ''}, node ${process.version}`);
      const ceiling = await startCeiling(JSON.stringify({ RequestId: '0B7A2B2E-1D4D-4B54-9E47-5C2C1F2A3B4C' }));
      children.push(ceiling.child);
      console.log('\nsummary');
      for (const line of clientLines(await clientOverhead(ceiling.url))) console.log(`  ${line}`);
      return;
    }
    if (packagesOnly) {
      console.log(`bench: the packages as a user installs them, node ${process.version}, ${npmVersion()}`);
      for (const line of await packageReport(scratch)) console.log(`  ${line}`);
      return;
    }
    if (versus !== undefined) {
      console.log(`bench: our mock against ${versus}'s${quick ? ' (quick)' : ''}, node ${process.version}`);
      const lines = await versusOverhead(children, versus);
      console.log('\nsummary');
      for (const line of lines) console.log(`  ${line}`);
      return;
    }
    if (journalOnly) {
      console.log(`bench: the mock with its journal on against off${quick ? ' (quick)' : ''}, node ${process.version}`);
      const lines = await journalOverhead(children);
      console.log('\nsummary');
      for (const line of lines) console.log(`  ${line}`);
      return;
    }
    if (proxyOnly) {
      console.log(
        `bench: the proxy against a direct call to the mock${quick ? ' (quick)' : ''}, node ${process.version}`,
      );
      const mock = await startChild(process.execPath, [...mockCommand(), '--port', '0', '--host', '127.0.0.1'], 'mock');
      children.push(mock.child);
      const lines = await proxyOverhead(mock.url, children);
      console.log('\nsummary');
      for (const line of lines) console.log(`  ${line}`);
      return;
    }
    console.log(
      `bench: ${connections} connections, ${duration} s per run${quick ? ' (quick)' : ''}, node ${process.version}`,
    );
    const heapFile = join(scratch, 'heap.json');
    process.env.BENCH_HEAP_FILE = heapFile; // for scripts/bench-heap-hook.mjs in the mock
    const mock = await startChild(process.execPath, [...mockCommand(), '--port', '0', '--host', '127.0.0.1'], 'mock');
    children.push(mock.child);
    const rssAfterStart = rssKb(mock.child.pid!);
    const fixedBody = await (await fetch(`${mock.url}/?${qs('GetResourceDirectory')}`, { method: 'POST' })).text();
    const ceiling = await startCeiling(fixedBody);
    children.push(ceiling.child);

    const summary: string[] = [];
    for (const action of Object.keys(actions) as BenchAction[]) {
      const prismPort = await freePort();
      const prism = await startChild(
        join(repoRoot, 'node_modules', '.bin', 'prism'),
        ['mock', prismRendition(action, scratch), '-h', '127.0.0.1', '-p', String(prismPort)],
        'prism',
      );
      children.push(prism.child);
      const path = `/?${qs(action)}`;
      // Each server gets the same untimed warm-up (JIT, connection pools) before its measured run.
      const measured = async (name: string, url: string) => {
        await load(`${name} warm-up`, url, warmUpSeconds);
        return load(name, url);
      };
      const results = [
        await measured('mock', mock.url + path),
        await measured('prism-cli', prism.url + path),
        await measured('ceiling', ceiling.url + path),
      ];
      prism.child.kill('SIGTERM');
      console.log(`\n${action}`);
      results.forEach((r) => console.log(fmt(r)));
      const [ours, prismCli, ceil] = results as [LoadResult, LoadResult, LoadResult];
      summary.push(`${action}: mock vs prism-cli: ${(ours.rps / prismCli.rps).toFixed(2)}x req/s`);
      summary.push(`${action}: mock vs ceiling: ${(ours.rps / ceil.rps).toFixed(2)}x req/s`);
      summary.push(`${action}: mock p99 ${ours.p99} ms at ${connections} connections`);
    }

    const overhead = await clientOverhead(ceiling.url);
    summary.push(...clientLines(overhead));
    summary.push(...(await proxyOverhead(mock.url, children)));
    summary.push(...(await journalOverhead(children)));
    summary.push(spreadCost());
    summary.push(namedClosureCost());

    await load('warm-up', `${mock.url}/?${qs('EnableResourceDirectory')}`, 10);
    const rssWarm = rssKb(mock.child.pid!);
    const heapWarm = await heapAfterGc(mock.child, heapFile);
    const soak = await load('soak', `${mock.url}/?${qs('EnableResourceDirectory')}`, soakSeconds);
    const rssSoak = rssKb(mock.child.pid!);
    const heapSoak = await heapAfterGc(mock.child, heapFile);
    const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
    summary.push(
      `mock RSS: ${mib(rssAfterStart * 1024)} after start, ${mib(rssWarm * 1024)} after a 10 s warm-up,` +
        ` ${mib(rssSoak * 1024)} after a ${soakSeconds} s soak (${soak.total} requests): soak vs warm-up:` +
        ` ${(rssSoak / rssWarm).toFixed(2)}x RSS`,
    );
    summary.push(
      `mock heap in use after a full GC: ${mib(heapWarm)} after warm-up, ${mib(heapSoak)} after the soak: soak vs` +
        ` warm-up: ${(heapSoak / heapWarm).toFixed(2)}x heap`,
    );

    mock.child.kill('SIGTERM');
    summary.push(`npm run build: ${wallTime('npm', ['run', 'build', '--silent']).toFixed(1)} s wall`);
    if (!quick) summary.push(`npm test: ${wallTime('npm', ['test', '--silent']).toFixed(1)} s wall`);

    console.log('\nsummary');
    for (const line of summary) console.log(`  ${line}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
