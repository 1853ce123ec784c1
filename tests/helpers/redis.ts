/**
 * A throw-away redis-server for tests (Debian's `redis-server`, installed by .ci/run): on a free loopback port, in a
 * temporary directory, without persistence. When redis-server is missing the Redis tests are skipped with the reason,
 * except under CI=true, where they fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisServer = process.env.REDIS_SERVER ?? 'redis-server';

/** Why Redis tests cannot run here, or undefined when they can. Under CI=true a missing server is an error. */
export function redisMissing(): string | undefined {
  const probe = spawnSync(redisServer, ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const reason = `${redisServer} is not installed (apt-get install redis-server; .ci/run does)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  return reason;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface TestRedis {
  readonly port: number;
  /** redis://127.0.0.1:<port>/<db> */
  url(db?: number): string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'rd-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    redisServer,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.resume();
  child.stderr!.resume();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
