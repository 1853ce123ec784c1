/**
 * The mock's static and docs answers: `/openapi.yaml`, `/openapi.json`, each API's published descriptions and the
 * rendered docs under `/docs/` (GET and HEAD; paths kept inside the docs directory); any other path or method is 404
 * InvalidApi.NotFound, Alibaba-shaped. Docs files carry an ETag and `Cache-Control: no-cache`, so a browser keeps the
 * shared renderer (assets/) and asks only whether it changed: `If-None-Match` with the current ETag is answered 304
 * without a body.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorAnswer, replyByAccept, type Answer, type AnswerContext } from '../frontend/answer.js';

/** Where the served files are. */
export interface StaticContext extends AnswerContext {
  /** The bundled contract, served at /openapi.json. */
  readonly contractFile: string | URL;
  /** The bundled description, served at /openapi.yaml. */
  readonly yamlFile: string | URL;
  /** The rendered docs, without a trailing separator. */
  readonly docsDir: string;
  /** The published descriptions, served at /<Product>-<version>/openapi.{json,yaml} (and actions/). */
  readonly descriptionsDir: string;
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

/** A HEAD answer carries the headers of the GET answer, without its body. */
const bodyFor = (method: string, body: string | Buffer): string | Buffer => (method === 'HEAD' ? '' : body);

async function fileAnswer(
  method: string,
  file: string,
  type?: string,
  cache?: Readonly<Record<string, string>>,
): Promise<Answer> {
  try {
    const body = await readFile(file);
    return {
      status: 200,
      headers: {
        'content-type': type ?? STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        ...cache,
      },
      body: bodyFor(method, body),
    };
  } catch {
    return notFound(method, 'not built yet (run `npm run build`)');
  }
}

function notFound(method: string, why: string): Answer {
  const body = `Not found: ${why}\n`;
  return {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) },
    body: bodyFor(method, body),
  };
}

/** A weak validator from the file's size and modification time (no read needed to answer a revalidation). */
const etagOf = (size: number, mtimeMs: number): string =>
  `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

const redirect = (location: string): Answer => ({ status: 301, headers: { location, 'content-length': 0 }, body: '' });

async function docsAnswer(docsDir: string, req: IncomingMessage, method: string, path: string): Promise<Answer> {
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice('/docs/'.length));
  } catch {
    return notFound(method, 'no such document');
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(docsDir, rel));
  if (!file.startsWith(docsDir + sep) || rel.includes('\0')) return notFound(method, 'no such document');
  let etag: string;
  try {
    const s = await stat(file);
    if (s.isDirectory()) return redirect(`${path}/`);
    etag = etagOf(s.size, s.mtimeMs);
  } catch {
    return notFound(method, `${path} (the docs are written by \`npm run build\`)`);
  }
  const cache = { etag, 'cache-control': 'no-cache' };
  if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) return { status: 304, headers: cache, body: '' };
  return fileAnswer(method, file, undefined, cache);
}

/**
 * A published description: `/<Product>-<version>/openapi.json|yaml`, and per action
 * `/<...>/actions/<Action>.json|yaml`.
 */
const PUBLISHED = /^\/([A-Za-z]+-\d{4}-\d{2}-\d{2})\/((?:actions\/[A-Za-z0-9]+|openapi)\.(json|yaml))$/;

/**
 * The answer to `/openapi.yaml`, `/openapi.json` (the default API's), each API's published descriptions,
 * `/docs/...`; anything else is not an API of this endpoint.
 */
export function serveStatic(ctx: StaticContext, req: IncomingMessage, path: string): Answer | Promise<Answer> {
  const method = req.method ?? '';
  if (method === 'GET' || method === 'HEAD') {
    if (path === '/openapi.yaml') return fileAnswer(method, toPath(ctx.yamlFile), 'application/yaml; charset=utf-8');
    if (path === '/openapi.json')
      return fileAnswer(method, toPath(ctx.contractFile), 'application/json; charset=utf-8');
    const published = PUBLISHED.exec(path);
    if (published) {
      const file = join(ctx.descriptionsDir, published[1]!, published[2]!);
      return fileAnswer(
        method,
        file,
        published[3] === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8',
      );
    }
    if (path === '/docs') return redirect('/docs/');
    if (path.startsWith('/docs/')) return docsAnswer(ctx.docsDir, req, method, path);
  }
  return errorAnswer(ctx, replyByAccept(ctx, req), 'InvalidApi.NotFound');
}
