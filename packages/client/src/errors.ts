/**
 * What the client throws (rejects with). A documented error *answered by the service* is not thrown: it is the
 * `error` of the call's result, typed as that action's union. These classes cover everything else:
 *
 * - ResourceDirectoryValidationError, `code` the documented code the service would answer (e.g. `MissingMAName`):
 *   a parameter breaks a contract rule; nothing was sent.
 * - ResourceDirectoryCredentialsError, `MissingCredentials`: no AccessKey ID or secret (options or environment);
 *   nothing was sent.
 * - ResourceDirectoryTimeoutError, `RequestTimeout`: an attempt took longer than `timeoutMs`; sent, then abandoned.
 * - ResourceDirectoryAbortError, `Aborted`: the caller's `signal` aborted; maybe sent.
 * - ResourceDirectoryNetworkError, `NetworkError`: `fetch` itself failed (DNS, TLS, refused, reset); maybe sent.
 * - ResourceDirectoryResponseError, the body's `Code` or `UnexpectedResponse`: an answer that is not a documented one
 *   (not JSON, undocumented code, ...); sent.
 *
 * No message, property or `cause` holds the AccessKey secret or the security token: texts that come from outside
 * (fetch errors, response bodies) are redacted before they are stored.
 */
import type { ActionName, ApiName, ApiSurfaces } from '@rd-contract/contract';
import type { Violation } from './protocol/validate.js';

export type ClientErrorCode =
  | 'MissingCredentials'
  | 'RequestTimeout'
  | 'Aborted'
  | 'NetworkError'
  | 'UnexpectedResponse'
  | 'InvalidClientOptions'
  | (string & {});

/** The base class: `instanceof ResourceDirectoryClientError` catches every error the client throws. */
export class ResourceDirectoryClientError extends Error {
  readonly code: ClientErrorCode;
  /** The action being called, when there is one. */
  readonly action: string | undefined;
  constructor(code: ClientErrorCode, message: string, options: { action?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.action = options.action;
  }
}

/**
 * A broken parameter rule, found before anything was sent. The client's own kinds besides those of
 * packages/client/src/protocol/validate.ts: `unknown` (a name the action does not have) and `transport` (a parameter
 * the client sets itself, e.g. `Signature`, or `Action`/`Version` with a value other than the action's own).
 */
export interface ClientViolation extends Omit<Violation, 'kind'> {
  readonly kind: Violation['kind'] | 'unknown' | 'transport';
}

/**
 * The codes a ResourceDirectoryValidationError for action `A` can have, in whichever API has it (each API's
 * `<A>ValidationCode`).
 */
export type ValidationCodeOf<A extends ActionName> = {
  [Api in ApiName]: A extends keyof ApiSurfaces[Api]['types']
    ? ApiSurfaces[Api]['types'][A] extends { validationCode: infer C }
      ? C
      : never
    : never;
}[ApiName];

/**
 * A ResourceDirectoryValidationError of one action: its `code` is one of the codes that action's parameter rules answer
 * with.
 */
export interface ValidationErrorOf<A extends ActionName> extends ResourceDirectoryClientError {
  readonly action: A;
  /** The documented code the service would answer the first violation with. */
  readonly code: ValidationCodeOf<A>;
  /** The parameter the first violation is about. */
  readonly parameter: string;
  /** The HTTP status the service would answer the first violation with. */
  readonly status: number;
  /** Every broken rule, most important first (the contract's `x-acs-error-precedence`). Never holds a value. */
  readonly violations: readonly ClientViolation[];
}

/**
 * Invalid parameters: `code`/`parameter`/`status` are those of the first (most important) violation. After
 * `e instanceof ResourceDirectoryValidationError`, `e.action` tells the action, and narrows `e.code` to its codes.
 */
export type ResourceDirectoryValidationError<A extends ActionName = ActionName> = { [K in A]: ValidationErrorOf<K> }[A];

export interface ResourceDirectoryValidationErrorConstructor {
  new <A extends ActionName>(action: A, violations: readonly ClientViolation[]): ResourceDirectoryValidationError<A>;
  /** What `instanceof` narrows to: the union over the actions, discriminated by `action`. */
  readonly prototype: ResourceDirectoryValidationError;
}

export const ResourceDirectoryValidationError: ResourceDirectoryValidationErrorConstructor =
  class ResourceDirectoryValidationError extends ResourceDirectoryClientError {
    declare readonly action: ActionName;
    readonly parameter: string;
    readonly status: number;
    readonly violations: readonly ClientViolation[];
    constructor(action: ActionName, violations: readonly ClientViolation[]) {
      const first = violations[0];
      if (!first) throw new TypeError('ResourceDirectoryValidationError needs at least one violation');
      const more =
        violations.length > 1
          ? ` (and ${violations.length - 1} more: ${violations
              .slice(1)
              .map((v) => v.code)
              .join(', ')})`
          : '';
      super(first.code, `${action}: ${first.code}: ${first.detail}; nothing was sent${more}`, { action });
      this.parameter = first.parameter;
      this.status = first.status;
      this.violations = violations;
    }
  } as unknown as ResourceDirectoryValidationErrorConstructor;

export class ResourceDirectoryCredentialsError extends ResourceDirectoryClientError {}

export class ResourceDirectoryTimeoutError extends ResourceDirectoryClientError {
  readonly timeoutMs: number;
  readonly attempt: number;
  constructor(action: string, timeoutMs: number, attempt: number) {
    super('RequestTimeout', `${action}: no complete answer within ${timeoutMs} ms (attempt ${attempt})`, { action });
    this.timeoutMs = timeoutMs;
    this.attempt = attempt;
  }
}

export class ResourceDirectoryAbortError extends ResourceDirectoryClientError {}

export class ResourceDirectoryNetworkError extends ResourceDirectoryClientError {}

/** An answer that is not a documented one. `body` is the start of the body as received, redacted. */
export class ResourceDirectoryResponseError extends ResourceDirectoryClientError {
  readonly status: number;
  readonly requestId: string | undefined;
  readonly body: string;
  constructor(
    action: string,
    code: string | undefined,
    status: number,
    requestId: string | undefined,
    body: string,
    why: string,
  ) {
    super(
      code ?? 'UnexpectedResponse',
      `${action}: ${why} (HTTP ${status}${code ? `, Code ${code}` : ''}${requestId ? `, RequestId ${requestId}` : ''})`,
      { action },
    );
    this.status = status;
    this.requestId = requestId;
    this.body = body;
  }
}
