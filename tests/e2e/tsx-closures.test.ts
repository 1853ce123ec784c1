// Under tsx (how `npm run mock` and the bench run the mock), every closure bound to a name is compiled into a call
// that defines its `name` property, about 250 ns each (docs/performance.md): a closure made per request costs the mock
// that much a request. This runs the mock's sources under tsx, stateless and stateful, and counts the `name`
// definitions made from packages/ while it answers requests: none. A probe closure in the script shows that the count
// sees them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/contract.js';

const scratch = mkdtempSync(join(tmpdir(), 'rd-tsx-closures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PRELOAD = `
const define = Object.defineProperty;
globalThis.__named = {};
Object.defineProperty = function (target, property, descriptor) {
  if (property === 'name' && globalThis.__counting) {
    const frame = new Error().stack.split('\\n')[2] ?? '';
    const where = frame.includes('/packages/') ? 'packages' : frame.includes('script.mts') ? 'script' : undefined;
    const key = descriptor.value + '@' + where;
    if (where) globalThis.__named[key] = (globalThis.__named[key] ?? 0) + 1;
  }
  return define(target, property, descriptor);
};
`;

const SCRIPT = (root: string) => `
import { startMock } from ${JSON.stringify(join(root, 'packages/mock/src/testing/index.ts'))};
const enable =
  'EnableMode=NewManagementAccount&MAName=user01%40rdadmin.aliyunid.com&MASecureMobilePhone=852-61234567' +
  '&VerificationCode=123456';
const rpc = (url, action, rest) =>
  fetch(url + '/?Action=' + action + '&Version=2020-03-31&Format=JSON&' + rest, { method: 'POST' });
function probe() {
  const named = () => 1;
  return named;
}
const results = {};
for (const stateful of [false, true]) {
  const mock = await startMock({ stateful });
  let statuses = [];
  for (const counting of [false, true]) {
    globalThis.__counting = counting;
    for (let i = 0; i < 100; i++) {
      const key = 'AccessKeyId=ak' + counting + i;
      const mode = stateful ? 'EnableMode=CurrentAccount' : enable;
      const e = await rpc(mock.url, 'EnableResourceDirectory', key + '&' + mode);
      const g = await rpc(mock.url, 'GetResourceDirectory', key);
      if (counting) statuses.push(e.status, g.status);
      await e.arrayBuffer();
      await g.arrayBuffer();
    }
    if (counting) probe();
    globalThis.__counting = false;
  }
  await mock.close();
  results[stateful ? 'stateful' : 'stateless'] = { named: globalThis.__named, statuses: [...new Set(statuses)] };
  globalThis.__named = {};
}
console.log(JSON.stringify(results));
`;

describe('closures per request under tsx', () => {
  it('the mock, stateless and stateful, names no closure while it answers (the probe is counted)', () => {
    const preload = join(scratch, 'preload.mjs');
    const script = join(scratch, 'script.mts');
    writeFileSync(preload, PRELOAD);
    writeFileSync(script, SCRIPT(repoRoot));
    const run = spawnSync(process.execPath, ['--import', preload, '--import', 'tsx', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(results).toEqual({
      stateless: { named: { 'named@script': 1 }, statuses: [200] },
      stateful: { named: { 'named@script': 1 }, statuses: [200] },
    });
  });
});
