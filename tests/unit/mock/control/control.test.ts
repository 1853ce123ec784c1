// packages/mock/src/control/: the /_mock/ control routes on the stateless mock and the emulator alike — health, the
// request journal (redacted, filtered, bounded), coverage, fault rules (documented errors, latency, reset,
// probability, times) — and the startMock methods over them; --seed and --clock (packages/mock/src/frontend/random.ts)
// making two mocks answer the same bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock, type StartMockOptions } from '../../../../packages/mock/src/testing/index.js';
import { createClient } from '../../../../packages/client/src/index.js';
import { seededRandom } from '../../../../packages/mock/src/frontend/random.js';

const started: RunningMock[] = [];
afterEach(async () => {
  for (const m of started.splice(0)) await m.close();
});
const start = async (options: StartMockOptions = {}) => {
  const m = await startMock(options);
  started.push(m);
  return m;
};
const call = (m: RunningMock, action: string, params: Record<string, string> = {}, version = '2020-03-31') =>
  fetch(`${m.url}/?${new URLSearchParams({ Action: action, Version: version, ...params })}`, { method: 'POST' });

describe('GET /_mock/health', () => {
  it('answers 200 {status: ok} on a stateless mock and an emulator, with what it serves', async () => {
    for (const stateful of [false, true]) {
      const m = await start({ stateful, seed: 7 });
      const res = await fetch(`${m.url}/_mock/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'ok',
        stateful,
        seed: 7,
        apis: ['ResourceManager/2020-03-31', 'ResourceDirectoryMaster/2022-04-19'],
      });
    }
  });

  it('unknown routes and methods are Alibaba-shaped errors', async () => {
    const m = await start();
    const missing = await fetch(`${m.url}/_mock/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      Code: 'Mock.NotFound',
      RequestId: expect.any(String),
      HostId: expect.any(String),
      Message: expect.stringContaining('/_mock/requests'),
    });
    const wrong = await fetch(`${m.url}/_mock/health`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await wrong.json()).Code).toBe('Mock.MethodNotAllowed');
  });
});

describe('the journal', () => {
  it(
    'records every API answer, oldest first, with parameters (Signature and SecurityToken redacted), status, Code,' +
      ' RequestId, duration',
    async () => {
      const m = await start();
      await call(m, 'GetResourceDirectory', {
        AccessKeyId: 'AK-ONE',
        Signature: 'c2lnbmF0dXJl',
        SecurityToken: 'token-123456',
      });
      await call(m, 'GetResourceDirectory', {}, '1999-01-01');
      const res = await call(m, 'NoSuchAction');
      const entries = await m.requests();
      expect(entries.map((e) => [e.action, e.status, e.code])).toEqual([
        ['GetResourceDirectory', 200, null],
        ['GetResourceDirectory', 400, 'InvalidVersion'],
        ['NoSuchAction', 404, 'InvalidAction.NotFound'],
      ]);
      expect(entries[0]).toMatchObject({
        api: 'ResourceManager/2020-03-31',
        version: '2020-03-31',
        accessKeyId: 'AK-ONE',
        parameters: {
          Action: 'GetResourceDirectory',
          Version: '2020-03-31',
          AccessKeyId: 'AK-ONE',
          Signature: '[REDACTED]',
          SecurityToken: '[REDACTED]',
        },
        fault: null,
      });
      expect(entries[0]!.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entries[0]!.time)).not.toBeNaN();
      expect(entries[2]!.requestId).toBe(res.headers.get('x-acs-request-id'));
      expect(JSON.stringify(entries)).not.toMatch(/c2lnbmF0dXJl|token-123456/);
    },
  );

  it('hides the secrets of the keys it verifies with, wherever they appear in a value', async () => {
    const m = await start({ accessKeys: { 'AK-S': 'the-secret-of-AK-S' } });
    await call(m, 'GetResourceDirectory', { Note: 'x the-secret-of-AK-S y' });
    expect((await m.requests())[0]!.parameters.Note).toBe('x [REDACTED] y');
  });

  it('filters by action, version, status and accessKeyId (every one given); count() and DELETE', async () => {
    const m = await start();
    await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-A' });
    await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-B' }, '2022-04-19');
    await call(m, 'EnableResourceDirectory', { AccessKeyId: 'AK-A' });
    expect(await m.count()).toBe(3);
    expect(await m.count({ action: 'GetResourceDirectory' })).toBe(2);
    expect(await m.count({ action: 'GetResourceDirectory', version: '2022-04-19' })).toBe(1);
    expect(await m.count({ accessKeyId: 'AK-A' })).toBe(2);
    expect(await m.count({ status: 400 })).toBe(1);
    expect((await m.requests({ status: 400 }))[0]).toMatchObject({
      action: 'EnableResourceDirectory',
      code: 'MissingEnableMode',
    });
    const bad = await fetch(`${m.url}/_mock/requests?colour=red`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).Code).toBe('Mock.InvalidQuery');
    await m.clearRequests();
    expect(await m.count()).toBe(0);
  });

  it('keeps the last journalSize requests; journalSize 0 keeps none', async () => {
    const m = await start({ journalSize: 2 });
    for (const v of ['1', '2', '3']) await call(m, 'GetResourceDirectory', { AccessKeyId: `AK-${v}` });
    expect((await m.requests()).map((e) => e.accessKeyId)).toEqual(['AK-2', 'AK-3']);
    const off = await start({ journalSize: 0 });
    await call(off, 'GetResourceDirectory');
    expect(await off.requests()).toEqual([]);
  });
});

describe('coverage', () => {
  it('lists every documented answer of every action with how often it was given, and the share exercised', async () => {
    const m = await start();
    const before = await m.coverage();
    expect(before.exercised).toBe(0);
    expect(before.documented).toBeGreaterThan(50);
    await call(m, 'GetResourceDirectory');
    await call(m, 'GetResourceDirectory');
    await call(m, 'EnableResourceDirectory');
    await call(m, 'GetResourceDirectory', { __code: '400', __example: 'Throttling' });
    const report = await m.coverage();
    const get = report.apis
      .find((a) => a.api === 'ResourceManager/2020-03-31')!
      .actions.find((a) => a.action === 'GetResourceDirectory')!;
    expect(get.answers.find((a) => a.code === null)).toEqual({ status: 200, code: null, count: 2 });
    expect(get.answers.find((a) => a.code === 'Throttling')).toEqual({ status: 400, code: 'Throttling', count: 1 });
    expect(get.answers.find((a) => a.code === 'ResourceDirectoryNotInUse')).toEqual({
      status: 404,
      code: 'ResourceDirectoryNotInUse',
      count: 0,
    });
    expect(report.exercised).toBe(3);
    expect(report.share).toBe(Math.round((3 / report.documented) * 10_000) / 10_000);
  });
});

describe('fault rules', () => {
  it(
    'error: the documented status and example body, x-acs-retry-after on throttling; times and the journal say which' +
      ' rule',
    async () => {
      const m = await start();
      await m.setFaults([
        { action: 'GetResourceDirectory', version: '2020-03-31', error: 'Throttling.User', times: 1 },
      ]);
      const first = await call(m, 'GetResourceDirectory');
      expect(first.status).toBe(400);
      expect(first.headers.get('x-acs-retry-after')).toBe('1000');
      expect(await first.json()).toMatchObject({
        Code: 'Throttling.User',
        RequestId: first.headers.get('x-acs-request-id'),
      });
      expect((await call(m, 'GetResourceDirectory')).status).toBe(200);
      expect((await m.requests()).map((e) => e.fault)).toEqual([0, null]);
      const listed = await (await fetch(`${m.url}/_mock/faults`)).json();
      expect(listed).toEqual([
        { action: 'GetResourceDirectory', version: '2020-03-31', error: 'Throttling.User', times: 1, applied: 1 },
      ]);
    },
  );

  it('match on accessKeyId and version only; DELETE removes every rule', async () => {
    const m = await start();
    await m.setFaults([{ accessKeyId: 'AK-FAIL', version: '2022-04-19', error: 'ServiceUnavailable' }]);
    expect((await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-FAIL' }, '2022-04-19')).status).toBe(503);
    expect((await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-FAIL' })).status).toBe(200);
    expect((await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-OK' }, '2022-04-19')).status).toBe(200);
    expect(await (await fetch(`${m.url}/_mock/faults`, { method: 'DELETE' })).json()).toEqual([]);
    expect((await call(m, 'GetResourceDirectory', { AccessKeyId: 'AK-FAIL' }, '2022-04-19')).status).toBe(200);
  });

  it(
    'an error the action does not document is refused with 400 naming the documented codes; other bad rules' + ' too',
    async () => {
      const m = await start();
      const put = (rules: unknown) => fetch(`${m.url}/_mock/faults`, { method: 'PUT', body: JSON.stringify(rules) });
      const res = await put([{ action: 'GetResourceDirectory', error: 'EntityAlreadyExists.ResourceDirectory' }]);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({
        Code: 'Mock.InvalidFaultRule',
        RequestId: expect.any(String),
        HostId: expect.any(String),
        Recommend: expect.any(String),
      });
      expect(body.Message).toContain(
        'EntityAlreadyExists.ResourceDirectory is not an error code GetResourceDirectory documents',
      );
      expect(body.Message).toContain('ResourceDirectoryNotInUse');
      for (const [rule, message] of [
        [{ action: 'Nope', error: 'Throttling' }, /action "Nope" is not an action/],
        [{ version: '1999-01-01', reset: true }, /version "1999-01-01" is not served/],
        [{ action: 'GetResourceDirectory' }, /give what the rule does/],
        [{ latencyMs: [5, 1] }, /latencyMs must be/],
        [{ reset: true, error: 'Throttling' }, /exclude each other/],
        [{ error: 'Throttling', probability: 2 }, /probability/],
        [{ error: 'Throttling', times: 0 }, /times/],
        [{ error: 'Throttling', colour: 'red' }, /unknown field "colour"/],
      ] as const) {
        const r = await put([rule]);
        expect(r.status, JSON.stringify(rule)).toBe(400);
        expect((await r.json()).Message).toMatch(message);
      }
      expect((await put({ not: 'a list' })).status).toBe(400);
      expect(await (await fetch(`${m.url}/_mock/faults`)).json()).toEqual([]);
      await expect(m.setFaults([{ action: 'GetResourceDirectory', error: 'Nope' }])).rejects.toThrow(
        /setFaults\(\): 400 .*Nope is not an error code/,
      );
    },
  );

  it('without an action, the error must be one every matched action documents', async () => {
    const m = await start();
    await expect(m.setFaults([{ error: 'ResourceDirectoryNotInUse' }])).rejects.toThrow(/every action it matches/);
    await m.setFaults([{ error: 'InternalError' }]);
    expect((await call(m, 'SendVerificationCodeForEnableRD')).status).toBe(500);
  });

  it('latencyMs delays the answer; reset destroys the connection (journalled with status 0)', async () => {
    const m = await start();
    await m.setFaults([
      { action: 'GetResourceDirectory', latencyMs: 300, times: 1 },
      { action: 'EnableResourceDirectory', reset: true },
    ]);
    const t0 = performance.now();
    expect((await call(m, 'GetResourceDirectory')).status).toBe(200);
    const answeredAt = Date.now();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    await expect(call(m, 'EnableResourceDirectory', { EnableMode: 'CurrentAccount' })).rejects.toThrow(/fetch failed/);
    const entries = await m.requests();
    expect(entries.map((e) => [e.action, e.status, e.fault])).toEqual([
      ['GetResourceDirectory', 200, 0],
      ['EnableResourceDirectory', 0, 1],
    ]);
    // The entry's time is the mock's clock when the request arrived (docs/mock.md), before the 300 ms wait.
    expect(answeredAt - Date.parse(entries[0]!.time)).toBeGreaterThanOrEqual(290);
    expect(entries[0]!.durationMs).toBeGreaterThanOrEqual(290);
  });

  it(
    'probability draws from the seeded generator: 0 never applies, a rule passed over leaves the next one its' +
      ' turn',
    async () => {
      const rules = [
        { action: 'GetResourceDirectory', error: 'Throttling', probability: 0 },
        { action: 'GetResourceDirectory', error: 'ServiceUnavailable', probability: 0.5 },
      ];
      const m = await start({ seed: 1 });
      await m.setFaults(rules);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await call(m, 'GetResourceDirectory')).status);
      expect(statuses).not.toContain(400);
      const failed = statuses.filter((s) => s === 503).length;
      expect(failed).toBeGreaterThan(5);
      expect(failed).toBeLessThan(35);
      // the same seed draws the same way
      const again = await start({ seed: 1 });
      await again.setFaults(rules);
      const replay: number[] = [];
      for (let i = 0; i < 40; i++) replay.push((await call(again, 'GetResourceDirectory')).status);
      expect(replay).toEqual(statuses);
    },
  );

  it('createMockServer refuses bad rules with a RangeError', async () => {
    await expect(start({ faults: [{ action: 'GetResourceDirectory', error: 'Nope' }] })).rejects.toThrow(
      /createMockServer: faults: rule 0: Nope/,
    );
  });
});

describe('--seed and --clock', () => {
  /** A scenario of the emulator through our client: the bodies it was answered. */
  async function scenario(options: StartMockOptions): Promise<string[]> {
    const m = await start({ stateful: true, ...options });
    const bodies: string[] = [];
    const send = async (action: string, params: Record<string, string>, ak = 'AK-SEED') => {
      const res = await call(m, action, { AccessKeyId: ak, ...params });
      bodies.push(await res.text());
    };
    await send('SendVerificationCodeForEnableRD', { SecureMobilePhone: '852-61234567' });
    const [code] = await m.verificationCodes({ account: 'AK-SEED' });
    bodies.push(code!.code);
    await send('EnableResourceDirectory', {
      EnableMode: 'NewManagementAccount',
      MAName: 'seeded',
      MASecureMobilePhone: '852-61234567',
      VerificationCode: code!.code,
    });
    await send('GetResourceDirectory', {});
    await send('EnableResourceDirectory', { EnableMode: 'CurrentAccount' }, 'AK-OTHER');
    await send('GetResourceDirectory', {}, 'AK-NONE');
    return bodies;
  }

  it(
    'the same seed and clock give byte-identical bodies (RequestIds, ids, codes, CreateTime); another seed does' +
      ' not',
    async () => {
      const options = { seed: 42, clock: '2024-05-06T07:08:09.000Z' };
      const [a, b, other] = [
        await scenario(options),
        await scenario(options),
        await scenario({ ...options, seed: 43 }),
      ];
      expect(a).toEqual(b);
      expect(a.join('\n')).toContain('"CreateTime":"2024-05-06T07:08:09.000Z"');
      expect(other).not.toEqual(a);
    },
  );

  it('the same seed without a clock: the same bodies apart from CreateTime', async () => {
    const strip = (bodies: string[]) => bodies.map((b) => b.replace(/"CreateTime":"[^"]+"/g, '"CreateTime":"…"'));
    const [a, b] = [await scenario({ seed: 5 }), await scenario({ seed: 5 })];
    expect(strip(a)).toEqual(strip(b));
  });

  it('unseeded mocks differ; a bad seed or clock is a RangeError', async () => {
    const [a, b] = [await start(), await start()];
    expect(await (await call(a, 'GetResourceDirectory')).text()).not.toBe(
      await (await call(b, 'GetResourceDirectory')).text(),
    );
    await expect(start({ seed: -1 })).rejects.toThrow(/seed must be an integer from 0 to 4294967295/);
    await expect(start({ clock: 'yesterday' })).rejects.toThrow(/clock must be an ISO 8601 time/);
  });

  it('the seeded generator: uniform ints in range, version 4 UUIDs, a different stream per seed', () => {
    const r = seededRandom(9);
    const ids = Array.from({ length: 50 }, () => r.uuid());
    for (const id of ids) expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(new Set(ids).size).toBe(50);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[r.int(0, 3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(seededRandom(9).uuid()).toBe(ids[0]);
    expect(seededRandom(10).uuid()).not.toBe(ids[0]);
  });
});

describe('startMock.resetAccount', () => {
  it(
    'forgets one account, so that parallel files each reset their own; a stateless mock says it needs' + ' state',
    async () => {
      const m = await start({ stateful: true });
      const mine = createClient({ endpoint: m.url, accessKeyId: 'AK-MINE', accessKeySecret: 'secret-mine' });
      const theirs = createClient({ endpoint: m.url, accessKeyId: 'AK-THEIRS', accessKeySecret: 'secret-theirs' });
      expect((await mine.EnableResourceDirectory({ EnableMode: 'CurrentAccount' })).error).toBeUndefined();
      expect((await theirs.EnableResourceDirectory({ EnableMode: 'CurrentAccount' })).error).toBeUndefined();
      expect(await m.resetAccount('AK-MINE')).toBe(true);
      expect((await mine.GetResourceDirectory()).error?.Code).toBe('ResourceDirectoryNotInUse');
      expect((await theirs.GetResourceDirectory()).error).toBeUndefined();
      const stateless = await start();
      await expect(stateless.resetAccount('AK-MINE')).rejects.toThrow(/needs a stateful mock/);
    },
  );
});
