// packages/client/src/protocol/redaction.ts: the one redactor, for the client and the proxy.
import { describe, expect, it } from 'vitest';
import { makeRedactor, REDACTED } from '../../../../packages/client/src/protocol/redaction.js';
import { percentEncodeRpc } from '../../../../packages/client/src/protocol/signing.js';

const SECRET = 'Se+cret/Key=="quoted"\\';

describe('makeRedactor', () => {
  const redact = makeRedactor([SECRET, undefined, 'CAIS.Token']);

  it.each([
    ['as it is', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['percent-encoded once (RPC)', percentEncodeRpc(SECRET)],
    ['percent-encoded twice (a string to sign)', percentEncodeRpc(percentEncodeRpc(SECRET))],
    ['URI-encoded', encodeURIComponent(SECRET)],
  ])('takes out a secret %s', (_name, form) => {
    expect(form).not.toBe('');
    expect(redact(`before ${form} after ${form}`)).toBe(`before ${REDACTED} after ${REDACTED}`);
  });

  it('takes out every secret given and leaves the rest', () => {
    expect(redact('token=CAIS.Token; secret=' + SECRET)).toBe(`token=${REDACTED}; secret=${REDACTED}`);
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });

  it('a longer form is taken out whole, not cut by a shorter one inside it', () => {
    const twice = percentEncodeRpc(percentEncodeRpc(SECRET));
    expect(redact(twice)).toBe(REDACTED);
  });

  it('looks for no secret shorter than 4 characters (it would match ordinary text), nor an empty one', () => {
    const none = makeRedactor(['abc', '', undefined]);
    expect(none('abc abcd')).toBe('abc abcd');
    expect(makeRedactor(['abcd'])('abc abcd')).toBe(`abc ${REDACTED}`);
  });

  it('a secret with a lone surrogate is taken out as it is', () => {
    const odd = 'ab\ud800cd';
    expect(makeRedactor([odd])(`x${odd}y`)).toBe(`x${REDACTED}y`);
  });
});
