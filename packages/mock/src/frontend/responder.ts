/**
 * The seam between the gateway part of the mock (routing, version, signatures, parameters, Prefer) and what an action
 * answers once a request has passed all of it. The default answers every action with its contract example; a stateful
 * emulator supplies its own handler per action (`createMockServer({ handlers: { EnableResourceDirectory: ... } })`).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ActionName, ApiName } from '@rd-contract/contract';
import type { Site } from '@rd-contract/contract';
import type { Format } from './render.js';

/** A request that passed the gateway's checks and the action's parameter validation. */
export interface ActionRequest {
  readonly action: ActionName;
  /** The API the request named by its version (`<Product>/<version>`). */
  readonly api: ApiName;
  /**
   * Every parameter received (query, then form body; the first occurrence of a name wins), names case-sensitive,
   * including the common ones (Action, Version, Format, AccessKeyId, ...). A null-prototype record.
   */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The caller's AccessKeyId: verified when `verified`, otherwise as claimed (classic `AccessKeyId` parameter or the
   * ACS3 `Credential=`); undefined for an anonymous request.
   */
  readonly accessKeyId: string | undefined;
  readonly verified: boolean;
  /** The site the mock plays (`--site`), if any. */
  readonly site: Site | undefined;
  /** This response's request id (the body's RequestId and the `x-acs-request-id` header). */
  readonly requestId: string;
  readonly format: Format;
  readonly headers: IncomingHttpHeaders;
}

/** What an action answers. */
export type ActionResult =
  /** A named example of the action in the contract (success or error); default: the first success example. */
  | { readonly kind: 'example'; readonly name?: string }
  /** A success body the handler built (e.g. from state); RequestId is set by the mock. */
  | { readonly kind: 'body'; readonly body: Readonly<Record<string, unknown>> }
  /** A documented error of the action, by code; its status and message come from the contract unless given. */
  | { readonly kind: 'error'; readonly code: string; readonly message?: string; readonly status?: number };

export type ActionHandler = (request: ActionRequest) => ActionResult | Promise<ActionResult>;

export type ActionHandlers = Partial<Record<ActionName, ActionHandler>>;

const firstExample: ActionResult = Object.freeze({ kind: 'example' });

/** The stateless answer: every valid request gets the action's first success example. */
export const exampleResponder: ActionHandler = () => firstExample;

/** A hook for routes outside the API (the emulator's `/_emulator/...`): returns true when it answered the request. */
export type ControlRoutes = (req: IncomingMessage, res: ServerResponse, path: string, query: string) => boolean;
