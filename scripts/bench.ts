/**
 * `npm run bench` (`-- --quick` for a short run): measures, side by side in one run on free loopback ports,
 *  - our mock, Prism's own CLI (`prism mock`) and a bare node:http server returning the same fixed body (the ceiling),
 *    under the same autocannon load, for GetResourceDirectory and a validated EnableResourceDirectory;
 *  - the client's per-call cost (build, validate, sign, send; default transport, and fetch) against the official SDK's,
 *    on the same no-op server;
 *  - `npm run build` (and, without --quick, `npm test`) wall time;
 *  - the mock's resident memory after start, after warm-up and after a soak, and its heap in use after a full GC.
 * Prints ratios; asserts nothing (targets are read off the ratios, see the README's Performance section).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { bundledJson, repoRoot } from './paths.js';

const quick = process.argv.includes('--quick');
/** `--client`: only the client against the official SDK (about a minute). */
const clientOnly = process.argv.includes('--client');
const duration = quick ? 5 : 15;
const connections = 20;
const soakSeconds = quick ? 10 : 60;
const warmUpSeconds = quick ? 2 : 5;
/**
 * The mock runs as `npm run mock` runs it (package.json: `node <V8 flags> --import tsx scripts/mock.ts`), started here
 * as that one node process so that the RSS read from its pid is the mock's; plus `--expose-gc` and
 * scripts/bench-heap-hook.mjs, which report the heap in use after a full collection on SIGUSR2.
 */
function mockCommand(): string[] {
  const script: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.mock;
  const words = script.split(/\s+/);
  if (words[0] !== 'node' || !words.includes('scripts/mock.ts')) throw new Error(`package.json's mock script is not "node ... scripts/mock.ts": ${script}`);
  const hook = pathToFileURL(join(repoRoot, 'scripts', 'bench-heap-hook.mjs')).href;
  return ['--expose-gc', '--import', hook, ...words.slice(1)];
}

const actions = {
  GetResourceDirectory: { query: {} as Record<string, string> },
  EnableResourceDirectory: {
    query: { EnableMode: 'NewManagementAccount', MAName: 'user01', MASecureMobilePhone: '852-61234567', VerificationCode: '123456' } as Record<string, string>,
  },
} as const;
type BenchAction = keyof typeof actions;

const qs = (action: BenchAction) => new URLSearchParams({ Action: action, Version: '2020-03-31', Format: 'JSON', ...actions[action].query }).toString();

// ---------------------------------------------------------------------------------------------- servers

/** Starts a child process and resolves with its base URL once it prints `http://127.0.0.1:<port>`. */
function startChild(command: string, args: string[], name: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start:\n${out}`)); }, 60_000);
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
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}:\n${out}`)); });
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
require('node:http').createServer((q, s) => { q.resume(); s.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': b.length }); s.end(b); })
  .listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });`;
  return startChild(process.execPath, ['-e', code], 'ceiling');
}

/**
 * Prism's CLI routes by path and method only, so it gets the smallest rendition of the contract it can route:
 * the one action's operation under `/` (same parameters, so `Action` and `Version` are validated as required enums).
 */
function prismRendition(action: BenchAction, dir: string): string {
  const doc = JSON.parse(readFileSync(bundledJson, 'utf8'));
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
const loadHeaders = { accept: 'application/json', authorization: 'ACS3-HMAC-SHA256 Credential=bench,SignedHeaders=host,Signature=00' };

interface LoadResult { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; total: number }

async function load(name: string, url: string, seconds = duration): Promise<LoadResult> {
  const r = await autocannon({ url, method: 'POST', connections, duration: seconds, headers: loadHeaders });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, total: r.requests.total };
}

const fmt = (r: LoadResult) =>
  `  ${r.name.padEnd(12)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   errors ${r.errors}   non-2xx ${r.non2xx}`;

// ---------------------------------------------------------------------------------------------- client overhead

async function clientOverhead(noopUrl: string): Promise<{ ours: number; oursFetch: number; sdk: number }> {
  const { createClient } = await import('../src/client.js');
  // The default transport (auto: node:http here), and fetch for comparison.
  const client = createClient({ endpoint: noopUrl, accessKeyId: 'bench', accessKeySecret: 'bench-secret' });
  const viaFetch = createClient({ endpoint: noopUrl, accessKeyId: 'bench', accessKeySecret: 'bench-secret', transport: 'fetch' });
  const sdkModule = (await import('@alicloud/resourcemanager20200331')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const OpenApi = (await import('@alicloud/openapi-core')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const Sdk = sdkModule.default?.default ?? sdkModule.default;
  const $OpenApi = OpenApi.$OpenApiUtil ?? OpenApi.default?.$OpenApiUtil;
  const port = new URL(noopUrl).port;
  const sdk = new Sdk(new $OpenApi.Config({ accessKeyId: 'bench', accessKeySecret: 'bench-secret', endpoint: `127.0.0.1:${port}`, protocol: 'http' }));
  const request = new sdkModule.EnableResourceDirectoryRequest({ enableMode: 'NewManagementAccount', MAName: 'user01', MASecureMobilePhone: '852-61234567', verificationCode: '123456' });
  // Both warm up fully (undici's fetch settles only after ~2000 calls), then run in interleaved blocks so that load from
  // elsewhere on the machine falls on both alike; the median block is the figure.
  const warm = quick ? 1000 : 3000;
  const blocks = quick ? 8 : 20;
  const perBlock = quick ? 100 : 200;
  const ourCall = () => client.EnableResourceDirectory(actions.EnableResourceDirectory.query as never);
  const fetchCall = () => viaFetch.EnableResourceDirectory(actions.EnableResourceDirectory.query as never);
  const sdkCall = () => sdk.enableResourceDirectory(request);
  for (let i = 0; i < warm; i++) { await ourCall(); await fetchCall(); await sdkCall(); }
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
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { ours: median(oursTimes), oursFetch: median(fetchTimes), sdk: median(sdkTimes) };
}

function clientLines(o: { ours: number; oursFetch: number; sdk: number }): string[] {
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  return [
    `client per call: ${us(o.ours)} (default transport: node:http), official SDK ${us(o.sdk)}: client vs sdk: ${(o.ours / o.sdk).toFixed(2)}x time per call`,
    `client per call with transport 'fetch': ${us(o.oursFetch)}: client (fetch) vs sdk: ${(o.oursFetch / o.sdk).toFixed(2)}x time per call`,
  ];
}

// ---------------------------------------------------------------------------------------------- main

function wallTime(command: string, args: string[]): number {
  const start = performance.now();
  const r = spawnSync(command, args, { cwd: repoRoot, stdio: 'ignore', env: { ...process.env, CI: process.env.CI ?? '' } });
  if (r.status !== 0) console.log(`  (${command} ${args.join(' ')} exited with ${r.status})`);
  return (performance.now() - start) / 1000;
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'rd-bench-'));
  const children: ChildProcess[] = [];
  try {
    if (clientOnly) {
      console.log(`bench: the client against the official SDK${quick ? ' (quick)' : ''}, node ${process.version}`);
      const ceiling = await startCeiling(JSON.stringify({ RequestId: '0B7A2B2E-1D4D-4B54-9E47-5C2C1F2A3B4C' }));
      children.push(ceiling.child);
      console.log('\nsummary');
      for (const line of clientLines(await clientOverhead(ceiling.url))) console.log(`  ${line}`);
      return;
    }
    console.log(`bench: ${connections} connections, ${duration} s per run${quick ? ' (quick)' : ''}, node ${process.version}`);
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
      const prism = await startChild(join(repoRoot, 'node_modules', '.bin', 'prism'), ['mock', prismRendition(action, scratch), '-h', '127.0.0.1', '-p', String(prismPort)], 'prism');
      children.push(prism.child);
      const path = `/?${qs(action)}`;
      // Each server gets the same untimed warm-up (JIT, connection pools) before its measured run.
      const measured = async (name: string, url: string) => {
        await load(`${name} warm-up`, url, warmUpSeconds);
        return load(name, url);
      };
      const results = [await measured('mock', mock.url + path), await measured('prism-cli', prism.url + path), await measured('ceiling', ceiling.url + path)];
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

    await load('warm-up', `${mock.url}/?${qs('EnableResourceDirectory')}`, 10);
    const rssWarm = rssKb(mock.child.pid!);
    const heapWarm = await heapAfterGc(mock.child, heapFile);
    const soak = await load('soak', `${mock.url}/?${qs('EnableResourceDirectory')}`, soakSeconds);
    const rssSoak = rssKb(mock.child.pid!);
    const heapSoak = await heapAfterGc(mock.child, heapFile);
    const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
    summary.push(`mock RSS: ${mib(rssAfterStart * 1024)} after start, ${mib(rssWarm * 1024)} after a 10 s warm-up, ${mib(rssSoak * 1024)} after a ${soakSeconds} s soak (${soak.total} requests): soak vs warm-up: ${(rssSoak / rssWarm).toFixed(2)}x RSS`);
    summary.push(`mock heap in use after a full GC: ${mib(heapWarm)} after warm-up, ${mib(heapSoak)} after the soak: soak vs warm-up: ${(heapSoak / heapWarm).toFixed(2)}x heap`);

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
