// The Arazzo workflows of openapi/workflows/ lint clean with `redocly lint` and pass with `redocly respect` against the
// emulator, started here on a free port (each source description's server given with respect's --server); each
// starts by forgetting its account, so it passes again on the same emulator. A fault rule on the emulator makes a
// workflow fail (its criteria can fail). The read-only workflow passes through the contract proxy (as it is run
// against Alibaba: re-signed by the proxy) in front of the emulator, and against the stateless mock.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createProxyServer } from '../../packages/mock/src/index.js';
import { startMock, type RunningMock } from '../../packages/mock/src/testing/index.js';
import { repoRoot } from '../helpers/contract.js';

const run = promisify(execFile);
const redocly = join(repoRoot, 'node_modules', '.bin', 'redocly');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const dir = join(repoRoot, 'openapi', 'workflows');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.arazzo.yaml'))
  .sort();

async function redoclyRun(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(redocly, args, { env, cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

/** `redocly respect <file>` with every source description of the file served at `url`. */
function respect(file: string, url: string): Promise<{ code: number; out: string }> {
  const doc = parse(readFileSync(join(dir, file), 'utf8')) as { sourceDescriptions: { name: string }[] };
  const servers = doc.sourceDescriptions.map((s) => `${s.name}=${url}`).join(',');
  return redoclyRun(['respect', join(dir, file), '--server', servers]);
}

let emulator: RunningMock;
beforeAll(async () => {
  emulator = await startMock({ stateful: true });
});
afterAll(() => emulator.close());

describe('the Arazzo workflows', () => {
  it('are the four flows and the read-only one', () => {
    expect(files).toEqual([
      'current-account-twice.arazzo.yaml',
      'dry-run.arazzo.yaml',
      'new-management-account.arazzo.yaml',
      'read-only.arazzo.yaml',
      'terraform.arazzo.yaml',
    ]);
  });

  it('lint clean with redocly lint (no error, no warning on any of them)', async () => {
    const { code, out } = await redoclyRun(['lint', ...files.map((f) => join(dir, f)), '--format', 'stylish']);
    expect(code, out).toBe(0);
    expect(out).toContain('Your API descriptions are valid');
    expect(out).not.toMatch(/^\s*\d+:\d+\s+(warning|error)\b/m);
  });

  it.each(files.filter((f) => f !== 'read-only.arazzo.yaml'))(
    '%s passes with redocly respect against the emulator, twice',
    async (file) => {
      for (let i = 0; i < 2; i++) {
        const { code, out } = await respect(file, emulator.url);
        expect(code, out).toBe(0);
        expect(out).toMatch(/Workflows: 1 passed, 1 total/);
      }
    },
  );

  it('the emulator journalled what the new-management-account workflow did', async () => {
    await emulator.clearRequests();
    expect((await respect('new-management-account.arazzo.yaml', emulator.url)).code).toBe(0);
    const mine = await emulator.requests({ accessKeyId: 'AK-workflow-new-management-account' });
    expect(mine.map((e) => `${e.action} ${e.status}`)).toEqual([
      'SendVerificationCodeForEnableRD 200',
      'EnableResourceDirectory 200',
      'GetResourceDirectory 200',
    ]);
    expect(mine[1]!.parameters).toMatchObject({
      EnableMode: 'NewManagementAccount',
      MAName: 'workflow-admin',
      VerificationCode: expect.stringMatching(/^\d{6}$/),
    });
  });

  it('a workflow fails when the emulator answers otherwise (a fault rule throttles its enable)', async () => {
    await emulator.setFaults([
      { action: 'EnableResourceDirectory', accessKeyId: 'AK-workflow-current-account', error: 'Throttling.User' },
    ]);
    try {
      const { code, out } = await respect('current-account-twice.arazzo.yaml', emulator.url);
      expect(code).not.toBe(0);
      expect(out).toMatch(/Workflows: 1 failed, 1 total/);
      expect(out).toMatch(/✗ success criteria check - \$statusCode == 200/);
    } finally {
      await emulator.setFaults([]);
    }
  });

  it(
    'read-only passes through the contract proxy in front of the emulator (404 on both APIs), and on the stateless' +
      ' mock (200 on both)',
    async () => {
      const proxy = createProxyServer({
        upstream: emulator.url,
        port: 0,
        credentials: { accessKeyId: 'AK-workflow-read-only', accessKeySecret: 'read-only-secret' },
      });
      const stateless = await startMock();
      try {
        const url = await proxy.listen();
        const viaProxy = await respect('read-only.arazzo.yaml', url);
        expect(viaProxy.code, viaProxy.out).toBe(0);
        expect(await emulator.count({ accessKeyId: 'AK-workflow-read-only', status: 404 })).toBe(2);
        const direct = await respect('read-only.arazzo.yaml', stateless.url);
        expect(direct.code, direct.out).toBe(0);
        expect(await stateless.count({ status: 200 })).toBe(2);
      } finally {
        await proxy.close();
        await stateless.close();
      }
    },
  );
});
