// Prism's CLI (`prism mock <per-action description>`) answers the real wire request of the action,
// `POST /?Action=<Action>&Version=<version>&...` (signed: Prism checks that a security scheme's credential is present),
// with the documented example. One Prism process per per-action description, started on a free port and stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiEntries, repoRoot, type Json } from '../helpers/contract.js';

const prismBin = join(repoRoot, 'node_modules', '.bin', 'prism');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let prism: ChildProcess | undefined;
afterEach(async () => {
  if (!prism || prism.exitCode !== null) return;
  const exited = new Promise((resolve) => prism!.once('exit', resolve));
  prism.kill('SIGTERM');
  await exited;
});

/** Starts `prism mock <file>` on a free loopback port; resolves when it listens. */
async function startPrism(file: string): Promise<string> {
  const port = await freePort();
  prism = spawn(prismBin, ['mock', '--host', '127.0.0.1', '--port', String(port), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism!.stdout!.on('data', onData);
    prism!.stderr!.on('data', onData);
    prism!.once('exit', (code) => reject(new Error(`prism exited with ${code}:\n${log}`)));
  });
  return `http://127.0.0.1:${port}`;
}

const perAction = apiEntries.flatMap((a) =>
  readdirSync(join(repoRoot, 'generated', a.folder, 'actions'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({
      api: a.id,
      action: f.replace(/\.yaml$/, ''),
      file: join(repoRoot, 'generated', a.folder, 'actions', f),
    })),
);

describe('prism mock <per-action description>', () => {
  it.each(perAction.map((p) => [`${p.api} ${p.action}`, p] as const))(
    '%s: the real wire request gets the documented example',
    async (_, { action, file }) => {
      const doc: Json = JSON.parse(readFileSync(file.replace(/\.yaml$/, '.json'), 'utf8'));
      const version = doc.info.version as string;
      const url = await startPrism(file);
      const required = (doc.paths['/'].post.parameters as Json[]).filter(
        (p) => p.required && p.in === 'query' && !['Action', 'Version'].includes(p.name),
      );
      const query = new URLSearchParams({
        Action: action,
        Version: version,
        ...Object.fromEntries(required.map((p) => [p.name, String(p.example)])),
        Signature: 'c2lnbmVk',
      });
      const response = await fetch(`${url}/?${query}`, { method: 'POST' });
      const body = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(200);
      const examples = doc.paths['/'].post.responses['200'].content['application/json'].examples as Record<
        string,
        { value: Json }
      >;
      expect(Object.values(examples).map((e) => e.value)).toContainEqual(body);

      // And a request for another action is refused by Prism's request validation (Action has one allowed value).
      const other = await fetch(
        `${url}/?${new URLSearchParams({ Action: 'NoSuchAction', Version: version, Signature: 'c2lnbmVk' })}`,
        { method: 'POST' },
      );
      expect(other.status).toBeGreaterThanOrEqual(400);
    },
    90_000,
  );
});
