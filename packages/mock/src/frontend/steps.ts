/**
 * The front end's shape, after Prism's (stoplightio/prism, its core factory: route → validate → mock or forward →
 * validate output), shared by the mock (front end + responder: packages/mock/src/mock/gateway.ts) and the proxy
 * (front end + forwarder: packages/mock/src/proxy/exchange.ts). Each step returns its outcome: go on with a value,
 * or an answer; the first answer is the request's, and `serveRpc` writes it, in one place.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './answer.js';
import { readBody } from './http-guard.js';
import { parseRequest, type RpcRequest } from './request.js';

/** What a step gives: the value to go on with, or the answer to the request. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly answer: Answer };

export const proceed = <T>(value: T): Outcome<T> => ({ ok: true, value });
/** Whether a step's result is still to come (a promise, or any thenable a handler gave). */
export const isPromise = <T>(x: T | PromiseLike<T>): x is PromiseLike<T> =>
  typeof (x as { then?: unknown } | null)?.then === 'function';
export const answerWith = (answer: Answer): Outcome<never> => ({ ok: false, answer });

/** The steps of a front end over its server's context `C`. */
export interface Steps<C, Routed, Valid> {
  /** Which API and action the request is for. */
  route(ctx: C, request: RpcRequest): Outcome<Routed>;
  /** Whether the request may go on to be answered. */
  validate(ctx: C, request: RpcRequest, routed: Routed): Outcome<Valid>;
  /** The answer: the responder's (mock), or the upstream's with its check (proxy); at once when it can be. */
  produce(ctx: C, request: RpcRequest, valid: Valid): Answer | PromiseLike<Answer>;
}

/** How a server answers around the steps. */
export interface Serving {
  /** Largest request body accepted. */
  readonly maxBody: number;
  /** The server's clock (ms since the epoch), if given read as a request arrives (`RpcRequest.receivedAt`). */
  readonly clock?: () => number;
  /** The answer to a body over `maxBody`. */
  tooLarge(req: IncomingMessage): Answer;
  /** The answer when a step failed (threw, or its promise rejected). */
  failed(req: IncomingMessage, error: unknown): Answer;
  /**
   * Writes an answer (frontend/answer.ts's writeAnswer, with the server's context); `request` is the parsed request
   * it answers, when the request could be parsed.
   */
  write(req: IncomingMessage, res: ServerResponse, answer: Answer, request?: RpcRequest): void;
}

export function runSteps<C, R, V>(steps: Steps<C, R, V>, ctx: C, request: RpcRequest): Answer | PromiseLike<Answer> {
  const routed = steps.route(ctx, request);
  if (!routed.ok) return routed.answer;
  const valid = steps.validate(ctx, request, routed.value);
  if (!valid.ok) return valid.answer;
  return steps.produce(ctx, request, valid.value);
}

/**
 * Serves one RPC request: reads its body within the limit (a larger one is answered at once), parses the request,
 * runs the steps and writes their answer: in the same turn when no step waited.
 */
export function serveRpc<C, R, V>(
  serving: Serving,
  steps: Steps<C, R, V>,
  ctx: C,
  req: IncomingMessage,
  res: ServerResponse,
  target: { path: string; queryString: string },
): void {
  const startedAt = performance.now();
  const receivedAt = serving.clock?.();
  readBody(serving.maxBody, req, true, (body) => {
    if (body === undefined) return serving.write(req, res, serving.tooLarge(req));
    let answer: Answer | PromiseLike<Answer>;
    let request: RpcRequest | undefined;
    try {
      request = parseRequest(req.method ?? 'GET', target, req.headers, body, startedAt, receivedAt);
      answer = runSteps(steps, ctx, request);
    } catch (e) {
      answer = serving.failed(req, e);
    }
    if (isPromise(answer)) {
      answer.then(
        (a) => serving.write(req, res, a, request),
        (e: unknown) => serving.write(req, res, serving.failed(req, e), request),
      );
    } else {
      serving.write(req, res, answer, request);
    }
  });
}
