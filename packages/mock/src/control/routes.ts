/**
 * The mock's control routes, on the stateless mock and the emulator alike (plain JSON, unsigned; described by
 * openapi/control/openapi.yaml, docs/mock.md):
 *
 *   GET    /_mock/health                the mock serves: {"status":"ok", ...}
 *   GET    /_mock/requests[?filters]    the journal, oldest first; filters action, version, status, accessKeyId
 *   DELETE /_mock/requests              empties the journal -> {"deleted": n}
 *   GET    /_mock/requests/count[?...]  {"count": n} with the same filters
 *   GET    /_mock/coverage              every documented answer of every action, and how often it was given
 *   GET    /_mock/faults                the fault rules, each with how often it applied
 *   PUT    /_mock/faults                replaces them (a JSON array of rules) -> the rules
 *   DELETE /_mock/faults                removes them -> []
 *
 * Errors are Alibaba-shaped (RequestId, HostId, Code, Message, Recommend): 400 Mock.InvalidFaultRule (its message
 * names the documented codes when an `error` is not one), 400 Mock.InvalidQuery, 404 Mock.NotFound, 405
 * Mock.MethodNotAllowed (with `Allow`), 413 Mock.BodyTooLarge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { builtError, newRequestId, type AnswerContext } from '../frontend/answer.js';
import type { Catalogue } from '../frontend/catalogue.js';
import { readBody } from '../frontend/http-guard.js';
import { writeJson } from '../frontend/json-answer.js';
import type { ControlRoutes } from '../frontend/responder.js';
import type { Coverage } from './coverage.js';
import { checkFaultRules, type FaultSet } from './faults.js';
import { JOURNAL_FILTERS, type Journal, type JournalFilter } from './journal.js';

export const MOCK_CONTROL_PREFIX = '/_mock';
const MAX_CONTROL_BODY = 64 * 1024;

export interface MockControl {
  readonly journal: Journal;
  readonly faults: FaultSet;
  readonly coverage: Coverage;
  /** Every API served. */
  readonly catalogues: readonly Catalogue[];
  /** What `/_mock/health` adds: stateful or not, the seed. */
  readonly health: () => Readonly<Record<string, unknown>>;
}

const json = writeJson;

/** The filters of a query string, or what is wrong with it. */
export function journalFilter(query: string): JournalFilter | string {
  const q = new URLSearchParams(query);
  for (const k of q.keys())
    if (!(JOURNAL_FILTERS as readonly string[]).includes(k))
      return `unknown query parameter ${JSON.stringify(k)} (known: ${JOURNAL_FILTERS.join(', ')})`;
  const status = q.get('status');
  if (status !== null && !/^[1-5]\d\d$|^0$/.test(status))
    return `status must be an HTTP status code, got ${JSON.stringify(status)}`;
  return {
    ...(q.has('action') ? { action: q.get('action')! } : {}),
    ...(q.has('version') ? { version: q.get('version')! } : {}),
    ...(status !== null ? { status: Number(status) } : {}),
    ...(q.has('accessKeyId') ? { accessKeyId: q.get('accessKeyId')! } : {}),
  };
}

/** The `/_mock/...` routes over a control (errors in the words of `ctx`: its default API's HostId). */
export function createMockControlRoutes(control: MockControl, ctx: AnswerContext): ControlRoutes {
  const problem = problemWriter(ctx);
  return (req, res, path, query) => {
    if (path !== MOCK_CONTROL_PREFIX && !path.startsWith(`${MOCK_CONTROL_PREFIX}/`)) return false;
    route(control, problem, req, res, path, query);
    return true;
  };
}

/** Answers an Alibaba-shaped error, never cached, with these extra headers. */
type Problem = (
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => void;

function problemWriter(ctx: AnswerContext): Problem {
  return (req, res, status, code, message, headers = {}) => {
    const a = builtError(
      { requestId: newRequestId(ctx), format: 'json' },
      status,
      code,
      message,
      ctx.catalogue.hostId,
      ctx.catalogue.product,
    );
    res.writeHead(a.status, { ...a.headers, 'cache-control': 'no-store', ...headers });
    res.end(req.method === 'HEAD' ? undefined : a.body);
  };
}

function route(
  control: MockControl,
  problem: Problem,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): void {
  const { journal, faults, coverage } = control;
  const method = req.method ?? 'GET';
  const allow = (methods: string, run: () => void) => {
    const allowed = methods.split(', ');
    if (allowed.includes(method) || (method === 'HEAD' && allowed.includes('GET'))) return run();
    // A body is read (and dropped) before the answer, as the gateway does, so that closing cannot reset it.
    return readBody(MAX_CONTROL_BODY, req, false, () =>
      problem(req, res, 405, 'Mock.MethodNotAllowed', `${method} is not allowed on ${path} (allowed: ${methods})`, {
        allow: methods,
      }),
    );
  };
  const filtered = (answer: (f: JournalFilter) => unknown) => {
    const f = journalFilter(query);
    if (typeof f === 'string') return problem(req, res, 400, 'Mock.InvalidQuery', f);
    return json(req, res, 200, answer(f));
  };

  switch (path) {
    case `${MOCK_CONTROL_PREFIX}/health`:
      return allow('GET', () => json(req, res, 200, { status: 'ok', ...control.health() }));
    case `${MOCK_CONTROL_PREFIX}/requests`:
      return allow('GET, DELETE', () => {
        if (method !== 'DELETE') return filtered((f) => journal.list(f));
        const deleted = journal.length;
        journal.clear();
        return json(req, res, 200, { deleted });
      });
    case `${MOCK_CONTROL_PREFIX}/requests/count`:
      return allow('GET', () => filtered((f) => ({ count: journal.count(f) })));
    case `${MOCK_CONTROL_PREFIX}/coverage`:
      return allow('GET', () => json(req, res, 200, coverage.report()));
    case `${MOCK_CONTROL_PREFIX}/faults`:
      return allow('GET, PUT, DELETE', () => {
        if (method === 'DELETE') {
          faults.replace([]);
          return json(req, res, 200, []);
        }
        if (method !== 'PUT') return json(req, res, 200, faults.list());
        return replaceFaults(control, problem, req, res);
      });
    default: {
      const routes = ['health', 'requests', 'requests/count', 'coverage', 'faults'].map(
        (r) => `${MOCK_CONTROL_PREFIX}/${r}`,
      );
      return readBody(MAX_CONTROL_BODY, req, false, () =>
        problem(req, res, 404, 'Mock.NotFound', `no control route ${path} (routes: ${routes.join(', ')})`),
      );
    }
  }
}

/** PUT /_mock/faults: the body's rules, once checked against the catalogues, replace the fault rules. */
function replaceFaults(control: MockControl, problem: Problem, req: IncomingMessage, res: ServerResponse): void {
  readBody(MAX_CONTROL_BODY, req, true, (body) => {
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return problem(req, res, 413, 'Mock.BodyTooLarge', `the body is larger than ${MAX_CONTROL_BODY} bytes`);
    }
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return problem(
        req,
        res,
        400,
        'Mock.InvalidFaultRule',
        'the body must be a JSON array of rules, e.g. [{"action":"GetResourceDirectory","error":"Throttling.User"}]',
      );
    }
    const checked = checkFaultRules(value, control.catalogues);
    if ('message' in checked) return problem(req, res, 400, 'Mock.InvalidFaultRule', checked.message);
    control.faults.replace(checked.rules);
    return json(req, res, 200, control.faults.list());
  });
}
