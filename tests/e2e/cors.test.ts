// CORS for browser-based consumers (packages/mock/src/frontend/cors.ts), for the mock and the proxy alike: off by
// default (Alibaba's gateway answers no preflight); with `cors`, preflights answered, the x-acs-* and Authorization
// headers allowed, x-acs-request-id (and the proxy's sl-violations) exposed; with one origin, other origins get no CORS
// headers.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseCorsFlag, parseCorsOrigin } from '../../packages/mock/src/frontend/cors.js';
import { repoRoot } from '../helpers/contract.js';
import { commandArgs } from '../helpers/cli.js';
import { startMock, type TestMock } from '../helpers/mock.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const APP = 'https://app.example.com';
const preflight = (
  url: string,
  origin = APP,
  headers = 'authorization, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, x-acs-action, x-acs-version,' +
    ' x-custom',
) =>
  fetch(`${url}/`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

let plain: TestMock;
let open: TestMock;
let one: TestMock;
let proxy: TestProxy;
beforeAll(async () => {
  plain = await startMock();
  open = await startMock({ cors: '*' });
  one = await startMock({ cors: APP });
  proxy = await startProxy({ upstream: plain.url, cors: '*' });
});
afterAll(async () => {
  await proxy.close();
  for (const m of [plain, open, one]) await m.close();
});

describe('the mock', () => {
  it('off by default: a preflight is not an API (404 InvalidApi.NotFound), answers carry no CORS header', async () => {
    const res = await preflight(plain.url);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${plain.url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
      headers: { origin: APP },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with cors *: the preflight allows the signing headers, not others', async () => {
    const res = await preflight(open.url);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(
      expect.arrayContaining([
        'authorization',
        'x-acs-date',
        'x-acs-signature-nonce',
        'x-acs-content-sha256',
        'x-acs-action',
        'x-acs-version',
        'content-type',
      ]),
    );
    expect(allowed).not.toContain('x-custom');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('with cors *: an answer exposes x-acs-request-id', async () => {
    const res = await fetch(`${open.url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
      headers: { origin: APP },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-acs-request-id');
    expect(open.problems).toEqual([]);
  });

  it('with one origin: that origin only', async () => {
    const ok = await preflight(one.url);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('vary')).toBe('Origin');
    const other = await preflight(one.url, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${one.url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('npm run mock -- --cors <origin>', async () => {
    const child = spawn(process.execPath, commandArgs('mock', ['--port', '0', '--cors', APP]), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (c) => reject(new Error(`exited ${c}`)));
      });
      const res = await preflight(url);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('the proxy', () => {
  it('answers the preflight itself and exposes sl-violations', async () => {
    const pre = await preflight(proxy.url);
    expect(pre.status).toBe(204);
    const res = await fetch(`${proxy.url}/?Action=GetResourceDirectory&Version=2020-03-31`, {
      method: 'POST',
      headers: { origin: APP },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-acs-request-id');
    expect(res.headers.get('access-control-expose-headers')).toContain('sl-violations');
    expect(res.headers.get('sl-violations')).toContain('request.signature');
  });
});

describe('the --cors flag', () => {
  it('alone, last or before another flag means *', () => {
    expect(normaliseCorsFlag(['--cors'])).toEqual(['--cors=*']);
    expect(normaliseCorsFlag(['--cors', '--port', '0'])).toEqual(['--cors=*', '--port', '0']);
    expect(normaliseCorsFlag(['--cors', APP])).toEqual(['--cors', APP]);
  });
  it('takes * or an origin, nothing else', () => {
    expect(parseCorsOrigin('*')).toBe('*');
    expect(parseCorsOrigin(`${APP}/`)).toBe(APP);
    expect(() => parseCorsOrigin('https://app.example.com/path')).toThrow(RangeError);
    expect(() => parseCorsOrigin('app.example.com')).toThrow(RangeError);
  });
});
