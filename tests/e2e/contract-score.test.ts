// Redocly's own `redocly score` (Agent Readiness, 0-100) is at least 90 on every published description, full and per
// action: credentials are in security schemes (a generated method takes the action's own parameters), constraints
// are stated, every operation has response examples. The score is an experimental command of Redocly CLI; its
// subscores say what is left (the closing note of issue 21, docs/contract.md).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { apiEntries, repoRoot } from '../helpers/contract.js';

const run = promisify(execFile);
const redocly = join(repoRoot, 'node_modules', '.bin', 'redocly');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

const published = apiEntries.flatMap(({ folder }) => [
  `generated/${folder}/openapi.yaml`,
  ...readdirSync(join(repoRoot, 'generated', folder, 'actions'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `generated/${folder}/actions/${f}`),
]);

async function score(file: string): Promise<{
  agentReadiness: number;
  subscores: Record<string, number>;
  rawMetrics: { operations: Record<string, { parameterCount: number }> };
}> {
  const { stdout } = await run(redocly, ['score', file, '--format', 'json'], {
    env,
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

describe('redocly score', () => {
  it.each(published)(
    '%s: Agent Readiness at least 90',
    async (file) => {
      const result = await score(file);
      expect(result.agentReadiness, JSON.stringify(result.subscores)).toBeGreaterThanOrEqual(90);
      // No operation carries the signing parameters: the action's own, Action and Version only (at most 7).
      for (const [operation, metrics] of Object.entries(result.rawMetrics.operations))
        expect(metrics.parameterCount, operation).toBeLessThanOrEqual(7);
    },
    60_000,
  );
});
