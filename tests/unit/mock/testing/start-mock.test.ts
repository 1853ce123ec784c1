// packages/mock/src/testing (`@rd-contract/mock/testing`): startMock as a consumer's suite uses it, driven by the
// client: a stateful mock remembers, reset() forgets, verificationCodes() shows the codes "sent", close() frees the
// port.
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../../../packages/mock/src/testing/index.js';
import { createClient } from '../../../../packages/client/src/index.js';

const started: RunningMock[] = [];
afterEach(async () => {
  for (const m of started.splice(0)) await m.close();
});
const start = async (options: Parameters<typeof startMock>[0] = {}) => {
  const m = await startMock(options);
  started.push(m);
  return m;
};
const PHONE = '852-61234567';

describe('startMock', () => {
  it(
    'stateful: listens on a free loopback port; state, verification codes and reset() as the emulator keeps' + ' them',
    async () => {
      const [a, b] = [await start({ stateful: true }), await start({ stateful: true })];
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(a.url).not.toBe(b.url);
      const rd = createClient({ endpoint: a.url, accessKeyId: 'AK-TESTING', accessKeySecret: 'secret-testing' });
      expect((await rd.GetResourceDirectory()).error?.Code).toBe('ResourceDirectoryNotInUse');
      expect((await rd.SendVerificationCodeForEnableRD({ SecureMobilePhone: PHONE })).data?.RequestId).toEqual(
        expect.any(String),
      );
      const [sent] = await a.verificationCodes({ phone: PHONE });
      expect(sent).toMatchObject({ phone: PHONE, code: expect.stringMatching(/^\d{6}$/), status: expect.any(String) });
      expect(await a.verificationCodes({ phone: '852-60000000' })).toEqual([]);
      const enabled = await rd.EnableResourceDirectory({
        EnableMode: 'NewManagementAccount',
        MAName: 'user01',
        MASecureMobilePhone: PHONE,
        VerificationCode: sent!.code,
      });
      expect(enabled.error).toBeUndefined();
      expect((await rd.GetResourceDirectory()).data?.ResourceDirectory.ResourceDirectoryId).toBe(
        enabled.data?.ResourceDirectory.ResourceDirectoryId,
      );
      await a.reset();
      expect(await a.verificationCodes()).toEqual([]);
      expect((await rd.GetResourceDirectory()).error?.Code).toBe('ResourceDirectoryNotInUse');
    },
  );

  it(
    'stateless: answers the contract examples; reset() and verificationCodes() say a stateful mock is' + ' needed',
    async () => {
      const m = await start();
      const rd = createClient({ endpoint: m.url, accessKeyId: 'AK-TESTING', accessKeySecret: 'secret-testing' });
      expect((await rd.GetResourceDirectory()).data?.ResourceDirectory.ResourceDirectoryId).toEqual(expect.any(String));
      // a call's Prefer header picks another documented answer
      expect(
        (
          await rd.GetResourceDirectory(undefined, {
            headers: { Prefer: 'code=404, example=ResourceDirectoryNotInUse' },
          })
        ).error?.Code,
      ).toBe('ResourceDirectoryNotInUse');
      await expect(m.reset()).rejects.toThrow(/startMock\(\{ stateful: true \}\)/);
      await expect(m.verificationCodes()).rejects.toThrow(/stateful/);
    },
  );

  it('close() frees the port; a port in use rejects', async () => {
    const m = await startMock();
    const port = Number(new URL(m.url).port);
    const other = await start();
    await expect(startMock({ port: Number(new URL(other.url).port) })).rejects.toThrow(/EADDRINUSE/);
    await m.close();
    const after = await fetch(`${m.url}/`, { signal: AbortSignal.timeout(5_000) }).then(
      () => 'answered',
      (e: Error & { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(after).toBe('ECONNREFUSED');
    const again = await start({ port });
    expect(again.url).toBe(m.url);
  });
});
