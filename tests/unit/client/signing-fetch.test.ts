// createSigningFetch: the fetch a generated client is handed. It drops the `#...` a tool leaves, reads the action from
// the query or x-acs-action, validates like the client (nothing sent on a broken parameter) and signs like the client:
// the mock with --verify-signatures (real clock) accepts both styles and refuses a wrong secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningFetch, withoutFragment } from '../../../packages/client/src/index.js';
import { ResourceDirectoryValidationError } from '../../../packages/client/src/errors.js';
import { startMock, VERSION, type TestMock } from '../../helpers/mock.js';

const ID = 'LTAI5tSigningFetch';
const SECRET = 'SigningFetchSecret0123456789';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({ verifySignatures: true, accessKeys: new Map([[ID, SECRET]]) });
});
afterAll(() => mock.close());

function capturing(secret = SECRET, signatureAlgorithm: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1' = 'ACS3-HMAC-SHA256') {
  const sent: Request[] = [];
  const signingFetch = createSigningFetch({
    accessKeyId: ID,
    accessKeySecret: secret,
    signatureAlgorithm,
    fetch: (r) => (sent.push(r.clone()), fetch(r)),
  });
  return { sent, signingFetch };
}

describe('createSigningFetch', () => {
  it('withoutFragment moves a query left inside the fragment to the query and drops the fragment', () => {
    expect(withoutFragment('http://h/#Action=X?Action=X&Version=1').href).toBe('http://h/?Action=X&Version=1');
    expect(withoutFragment('http://h/?a=1#frag').href).toBe('http://h/?a=1');
    expect(withoutFragment('http://h/?a=1').href).toBe('http://h/?a=1');
  });

  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)(
    '%s: a request as generic generators build it from the full description is sent right and verified',
    async (algorithm) => {
      const { sent, signingFetch } = capturing(SECRET, algorithm);
      const res = await signingFetch(
        `${mock.url}/#Action=GetResourceDirectory?Action=GetResourceDirectory&Version=${VERSION}`,
        { method: 'POST' },
      );
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.ResourceDirectory).toBeDefined();
      expect(sent).toHaveLength(1);
      const wire = new URL(sent[0]!.url);
      expect(sent[0]!.method).toBe('POST');
      expect(wire.pathname).toBe('/');
      expect(wire.hash).toBe('');
      if (algorithm === 'HMAC-SHA1') {
        expect(wire.searchParams.get('Action')).toBe('GetResourceDirectory');
        expect(wire.searchParams.get('Version')).toBe(VERSION);
        expect(wire.searchParams.get('AccessKeyId')).toBe(ID);
        expect(wire.searchParams.get('SignatureMethod')).toBe('HMAC-SHA1');
        expect(wire.searchParams.get('Signature')).toBeTruthy();
      } else {
        expect(sent[0]!.headers.get('x-acs-action')).toBe('GetResourceDirectory');
        expect(sent[0]!.headers.get('x-acs-version')).toBe(VERSION);
        expect(sent[0]!.headers.get('authorization')).toMatch(
          new RegExp(`^ACS3-HMAC-SHA256 Credential=${ID},SignedHeaders=host;x-acs-action;`),
        );
      }
    },
  );

  it('takes the action from x-acs-action and the parameters from the query', async () => {
    const { sent, signingFetch } = capturing();
    const res = await signingFetch(
      new Request(`${mock.url}/?EnableMode=CurrentAccount`, {
        method: 'POST',
        headers: { 'x-acs-action': 'EnableResourceDirectory' },
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(new URL(sent[0]!.url).search).toBe('?EnableMode=CurrentAccount');
  });

  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)(
    '%s: a Format=JSON a generator fills in from the default is accepted; Format=XML is refused, nothing sent',
    async (algorithm) => {
      const { sent, signingFetch } = capturing(SECRET, algorithm);
      const res = await signingFetch(`${mock.url}/?Action=GetResourceDirectory&Version=${VERSION}&Format=json`, {
        method: 'POST',
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(new URL(sent[0]!.url).searchParams.getAll('Format')).toEqual(algorithm === 'HMAC-SHA1' ? ['JSON'] : []);
      await expect(
        signingFetch(`${mock.url}/?Action=GetResourceDirectory&Version=${VERSION}&Format=XML`, { method: 'POST' }),
      ).rejects.toBeInstanceOf(ResourceDirectoryValidationError);
      expect(sent).toHaveLength(1);
    },
  );

  it('a wrong secret is refused by the verifying mock (the signature is really checked)', async () => {
    const { signingFetch } = capturing('not-the-secret');
    const res = await signingFetch(`${mock.url}/?Action=GetResourceDirectory&Version=${VERSION}`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect((await res.json()).Code).toBe('SignatureDoesNotMatch');
  });

  it('validates like the client: a broken parameter throws and nothing is sent', async () => {
    const { sent, signingFetch } = capturing();
    const call = signingFetch(`${mock.url}/?Action=EnableResourceDirectory&Version=${VERSION}&EnableMode=Sideways`, {
      method: 'POST',
    });
    await expect(call).rejects.toBeInstanceOf(ResourceDirectoryValidationError);
    // no action, or one the API does not have: the client's InvalidAction.NotFound, not a validation error of an action
    await expect(signingFetch(`${mock.url}/`, { method: 'POST' })).rejects.toMatchObject({
      name: 'ResourceDirectoryClientError',
      code: 'InvalidAction.NotFound',
    });
    await expect(
      signingFetch(`${mock.url}/?Action=DeleteEverything&Version=${VERSION}`, { method: 'POST' }),
    ).rejects.toMatchObject({ name: 'ResourceDirectoryClientError', code: 'InvalidAction.NotFound' });
    expect(sent).toEqual([]);
  });
});
