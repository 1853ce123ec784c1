/**
 * CORS for browser-based consumers of the mock and the proxy (`--cors [origin]`). Off unless asked for: Alibaba's
 * gateway answers no preflight, and the mock and the proxy follow it by default.
 *
 * With an origin policy (`*` or one origin):
 * - a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered `204` at once, allowing
 *   GET and POST and the requested headers that an Alibaba RPC call uses (`Authorization`, `Content-Type`, `Accept`
 *   and every `x-acs-*` header); a requested header outside those is left out, so the browser refuses the call;
 * - every other answer carries `Access-Control-Allow-Origin` and exposes `x-acs-request-id` (and the extra headers
 *   a server names, such as the proxy's `sl-violations`).
 * With one origin, a request from another origin gets no CORS header at all (the browser then refuses the answer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers a preflight (returns true) or adds the CORS headers to the coming answer (returns false). */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const ALLOWED_HEADER = /^(?:authorization|content-type|accept|x-acs-[a-z0-9-]+)$/;
const EXPOSED = ['x-acs-request-id', 'x-acs-retry-after'];
/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * A CORS handler for `origin` (`*` for any origin, else one origin such as `https://app.example.com`), or undefined
 * when `origin` is undefined (CORS off). `extraExposed` are headers exposed besides `x-acs-request-id`.
 */
export function createCorsHandler(
  origin: string | undefined,
  extraExposed: readonly string[] = [],
): CorsHandler | undefined {
  if (origin === undefined) return undefined;
  const exposed = [...EXPOSED, ...extraExposed].join(', ');
  return (req, res) => {
    const requestOrigin = req.headers.origin;
    const allowOrigin = origin === '*' ? '*' : requestOrigin === origin ? origin : undefined;
    if (origin !== '*') res.setHeader('vary', 'Origin');
    const preflight =
      req.method === 'OPTIONS' &&
      requestOrigin !== undefined &&
      req.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
      if (allowOrigin !== undefined) {
        res.setHeader('access-control-allow-origin', allowOrigin);
        res.setHeader('access-control-expose-headers', exposed);
      }
      return false;
    }
    req.resume();
    if (allowOrigin !== undefined) {
      const requested = (req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => ALLOWED_HEADER.test(h));
      res.setHeader('access-control-allow-origin', allowOrigin);
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader(
        'access-control-allow-headers',
        [...new Set(['authorization', 'content-type', 'accept', ...requested])].join(', '),
      );
      res.setHeader('access-control-max-age', String(CORS_MAX_AGE_SECONDS));
    }
    res.writeHead(204, { 'content-length': 0 });
    res.end();
    return true;
  };
}

/**
 * The value of a `--cors [origin]` flag: `*` for the flag alone, the origin as given otherwise; throws a RangeError
 * for something that is neither `*` nor an http(s) origin (scheme, host, optional port; no path).
 */
export function parseCorsOrigin(value: string): string {
  if (value === '' || value === '*') return '*';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`--cors takes * or an origin such as https://app.example.com, got "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.replace(/\/$/, '')) {
    throw new RangeError(`--cors takes * or an origin such as https://app.example.com (no path), got "${value}"`);
  }
  return url.origin;
}

/**
 * Command-line arguments with a bare `--cors` (last, or followed by another flag) given the value `*`, so that
 * `parseArgs` can read `--cors` as a string option with an optional value.
 */
export function normaliseCorsFlag(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a === '--cors' && (next === undefined || next.startsWith('-'))) out.push('--cors=*');
    else out.push(a);
  }
  return out;
}
