/**
 * The mock's static and docs serving: `/openapi.yaml`, `/openapi.json` and the rendered docs under `/docs/` (GET and
 * HEAD; paths kept inside the docs directory); any other path or method is 404 InvalidApi.NotFound, Alibaba-shaped.
 * Docs files carry an ETag and `Cache-Control: no-cache`, so a browser keeps the shared renderer (assets/) and asks
 * only whether it changed: `If-None-Match` with the current ETag is answered 304 without a body.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exchangeByAccept, sendError, type AnswerContext } from './answer.js';

/** Where the served files are. */
export interface StaticContext extends AnswerContext {
  /** The bundled contract, served at /openapi.json. */
  readonly contractFile: string | URL;
  /** The bundled description, served at /openapi.yaml. */
  readonly yamlFile: string | URL;
  /** The rendered docs, without a trailing separator. */
  readonly docsDir: string;
  /** generated/, whose per-API descriptions are served at /<Product>-<version>/openapi.{json,yaml} (and actions/). */
  readonly generatedDir: string;
}

/** A file path from a path or a file: URL. */
export const toPath = (f: string | URL): string => (f instanceof URL || f.startsWith('file:') ? fileURLToPath(f) : f);

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

async function serveFile(res: ServerResponse, method: string, file: string, type?: string, cache?: Record<string, string>): Promise<void> {
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': type ?? STATIC_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, ...cache });
    res.end(method === 'HEAD' ? undefined : body);
  } catch {
    notFound(res, method, 'not built yet (run `npm run build`)');
  }
}

/** A weak validator from the file's size and modification time (no read needed to answer a revalidation). */
const etagOf = (size: number, mtimeMs: number): string => `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

function notFound(res: ServerResponse, method: string, why: string): void {
  const body = `Not found: ${why}\n`;
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}

async function serveDocs(docsDir: string, req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice('/docs/'.length));
  } catch {
    return notFound(res, method, 'no such document');
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(docsDir, rel));
  if (!file.startsWith(docsDir + sep) || rel.includes('\0')) return notFound(res, method, 'no such document');
  let etag: string;
  try {
    const s = await stat(file);
    if (s.isDirectory()) {
      res.writeHead(301, { location: `${path}/`, 'content-length': 0 });
      res.end();
      return;
    }
    etag = etagOf(s.size, s.mtimeMs);
  } catch {
    return notFound(res, method, `${path} (the docs are written by \`npm run build\`)`);
  }
  const cache = { etag, 'cache-control': 'no-cache' };
  if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
    res.writeHead(304, cache);
    res.end();
    return;
  }
  return serveFile(res, method, file, undefined, cache);
}

/** A published description: `/<Product>-<version>/openapi.json|yaml`, and per action `/<...>/actions/<Action>.json|yaml`. */
const PUBLISHED = /^\/([A-Za-z]+-\d{4}-\d{2}-\d{2})\/((?:actions\/[A-Za-z0-9]+|openapi)\.(json|yaml))$/;

/**
 * `/openapi.yaml`, `/openapi.json` (the default API's), each API's published descriptions, `/docs/...`; anything
 * else is not an API of this endpoint.
 */
export function serveStatic(ctx: StaticContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  const method = req.method ?? '';
  if (method === 'GET' || method === 'HEAD') {
    const done = (p: Promise<void>) => void p.catch(() => res.destroy());
    if (path === '/openapi.yaml') return done(serveFile(res, method, toPath(ctx.yamlFile), 'application/yaml; charset=utf-8'));
    if (path === '/openapi.json') return done(serveFile(res, method, toPath(ctx.contractFile), 'application/json; charset=utf-8'));
    const published = PUBLISHED.exec(path);
    if (published) {
      const file = join(ctx.generatedDir, published[1]!, published[2]!);
      return done(serveFile(res, method, file, published[3] === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8'));
    }
    if (path === '/docs') {
      res.writeHead(301, { location: '/docs/', 'content-length': 0 });
      res.end();
      return;
    }
    if (path.startsWith('/docs/')) return done(serveDocs(ctx.docsDir, req, res, method, path));
  }
  sendError(ctx, exchangeByAccept(req, res), 'InvalidApi.NotFound');
}
