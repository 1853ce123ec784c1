// packages/client/src/protocol/buffered-response.ts: a Response whose body is already in memory behaves as a WHATWG
// Response made from the same bytes (the oracle: `new Response(bytes, init)`), for every way of reading the body.
import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../../../packages/client/src/protocol/buffered-response.js';

const json = JSON.stringify({ RequestId: 'r-1', Name: 'Zoë' });
const bodies: [string, Uint8Array][] = [
  ['JSON', new TextEncoder().encode(json)],
  ['a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(json)])],
  ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ['nothing', new Uint8Array(0)],
];
const init = { status: 200, statusText: 'OK', headers: new Headers({ 'content-type': 'application/json' }) };
const both = (bytes: Uint8Array) =>
  [new BufferedResponse(Buffer.from(bytes), { ...init, url: 'http://x/' }), new Response(bytes.slice(), init)] as const;
const settle = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ v }),
    (e: Error) => ({ e: e.constructor.name }),
  );

describe('BufferedResponse', () => {
  it.each(bodies)(
    '%s: text(), json(), arrayBuffer(), bytes(), blob() and body read as from new Response',
    async (_name, bytes) => {
      for (const read of ['text', 'json', 'arrayBuffer', 'blob'] as const) {
        const [ours, theirs] = both(bytes);
        const [a, b] = [await settle(ours[read]()), await settle(theirs[read]())];
        if (read === 'blob')
          expect([(a as { v: Blob }).v.type, Buffer.from(await (a as { v: Blob }).v.arrayBuffer())]).toEqual([
            (b as { v: Blob }).v.type,
            Buffer.from(await (b as { v: Blob }).v.arrayBuffer()),
          ]);
        else if (read === 'arrayBuffer')
          expect(Buffer.from((a as { v: ArrayBuffer }).v)).toEqual(Buffer.from((b as { v: ArrayBuffer }).v));
        else expect(a).toEqual(b);
        expect([ours.bodyUsed, theirs.bodyUsed]).toEqual([true, true]);
      }
      const [ours, theirs] = both(bytes);
      const [a, b] = [await new Response(ours.body).arrayBuffer(), await new Response(theirs.body).arrayBuffer()];
      expect(Buffer.from(a)).toEqual(Buffer.from(b));
      expect([ours.bodyUsed, theirs.bodyUsed]).toEqual([true, true]);
    },
  );

  it(
    "a body is read once: a second read rejects with a TypeError, as fetch's; clone() before reading gives a second" +
      ' one',
    async () => {
      const [ours] = both(bodies[0]![1]);
      const copy = ours.clone();
      expect(await ours.text()).toBe(json);
      await expect(ours.text()).rejects.toBeInstanceOf(TypeError);
      expect(() => ours.clone()).toThrow(TypeError);
      expect(await copy.json()).toEqual(JSON.parse(json));
      expect([copy.status, copy.url, copy.headers.get('content-type')]).toEqual([200, 'http://x/', 'application/json']);
      // once the stream is taken, the body methods refuse too
      const [streamed] = both(bodies[0]![1]);
      streamed.body!.getReader();
      await expect(streamed.text()).rejects.toBeInstanceOf(TypeError);
    },
  );

  it('keeps a status fetch accepts and new Response refuses (999, not ok), and the URL', async () => {
    const odd = new BufferedResponse(Buffer.from('x'), {
      status: 999,
      statusText: 'Odd',
      headers: new Headers(),
      url: 'http://x/?a=1',
    });
    expect([odd.status, odd.ok, odd.statusText, odd.url, await odd.text()]).toEqual([
      999,
      false,
      'Odd',
      'http://x/?a=1',
      'x',
    ]);
    expect(() => new Response('x', { status: 999 })).toThrow(RangeError);
  });

  it('no body (a 204): body null, text() empty, as fetch gives it', async () => {
    const none = new BufferedResponse(null, { status: 204, statusText: 'No Content', headers: new Headers(), url: '' });
    expect(none.body).toBeNull();
    expect(await none.text()).toBe('');
    expect(await new Response(null, { status: 204 }).text()).toBe('');
  });
});
