/**
 * Fault rules (`GET|PUT|DELETE /_mock/faults`, `--faults <file>`): what the mock does instead of (or before) its
 * answer to a request that passed the gateway's checks. Rules are tried in order; the first that matches the request
 * (every one of `action`, `version`, `accessKeyId` it gives), still has `times` left and wins its `probability` draw
 * applies, alone: `latencyMs` waits first, then `reset` destroys the connection, or `error` answers that documented
 * error (its status and example body, `x-acs-retry-after` on Throttling*), or the request is answered as usual.
 */
import type { Catalogue } from '../frontend/catalogue.js';
import type { Random } from '../frontend/random.js';

export interface FaultRule {
  readonly action?: string;
  readonly version?: string;
  readonly accessKeyId?: string;
  /** A code every action the rule matches documents. */
  readonly error?: string;
  /** A wait before the answer (or the reset): ms, or a range [min, max] drawn from uniformly. */
  readonly latencyMs?: number | readonly [number, number];
  /** Destroy the connection instead of answering. */
  readonly reset?: boolean;
  /** The chance (0 to 1) that the rule applies to a request it matches. Default 1. */
  readonly probability?: number;
  /** The rule applies this many times, then no more. Default: no limit. */
  readonly times?: number;
}

const RULE_KEYS = ['action', 'version', 'accessKeyId', 'error', 'latencyMs', 'reset', 'probability', 'times'];

/** Why a list of rules was refused: the message, and (for an undocumented error) the codes that may be given. */
export interface FaultProblem {
  readonly message: string;
  readonly documented?: readonly string[];
}

/** The fault to apply to a request. */
export interface Fault {
  /** The rule's index in the list. */
  readonly index: number;
  readonly delayMs: number;
  readonly reset: boolean;
  readonly error: string | undefined;
}

const isMs = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 600_000;

/** The rule at `i` checked against the APIs served, or what is wrong with it. */
function checkRule(value: unknown, i: number, catalogues: readonly Catalogue[]): FaultRule | FaultProblem {
  const at = `rule ${i}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { message: `${at} must be an object` };
  const r = value as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!RULE_KEYS.includes(k))
      return { message: `${at}: unknown field ${JSON.stringify(k)} (known: ${RULE_KEYS.join(', ')})` };
  for (const k of ['action', 'version', 'accessKeyId', 'error'])
    if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k] === ''))
      return { message: `${at}: ${k} must be a non-empty string` };
  const apis = catalogues.filter((c) => r.version === undefined || c.version === r.version);
  if (apis.length === 0)
    return {
      message:
        `${at}: version ${JSON.stringify(r.version)} is not served (versions:` +
        ` ${catalogues.map((c) => c.version).join(', ')})`,
    };
  const actions = apis.flatMap((c) =>
    [...c.actions.values()].filter((a) => r.action === undefined || a.action === r.action),
  );
  if (actions.length === 0) {
    const known = [...new Set(apis.flatMap((c) => [...c.actions.keys()]))];
    return {
      message:
        `${at}: action ${JSON.stringify(r.action)} is not an action of ${apis.map((c) => c.api).join(', ')}` +
        ` (actions: ${known.join(', ')})`,
    };
  }
  if (r.latencyMs !== undefined) {
    const l = r.latencyMs;
    const range = Array.isArray(l) && l.length === 2 && isMs(l[0]) && isMs(l[1]) && l[0] <= l[1];
    if (!isMs(l) && !range) return { message: `${at}: latencyMs must be a number of ms (0 to 600000) or [min, max]` };
  }
  if (r.reset !== undefined && typeof r.reset !== 'boolean') return { message: `${at}: reset must be true or false` };
  if (r.reset === true && r.error !== undefined)
    return { message: `${at}: reset and error exclude each other (a reset connection answers nothing)` };
  if (r.error === undefined && r.reset !== true && r.latencyMs === undefined)
    return { message: `${at}: give what the rule does: error, latencyMs or reset` };
  if (r.probability !== undefined && !(typeof r.probability === 'number' && r.probability >= 0 && r.probability <= 1))
    return { message: `${at}: probability must be a number from 0 to 1` };
  if (r.times !== undefined && !(Number.isSafeInteger(r.times) && (r.times as number) >= 1))
    return { message: `${at}: times must be an integer >= 1` };
  if (r.error !== undefined) {
    const code = r.error as string;
    const documented = actions.reduce<string[] | undefined>(
      (common, a) => (common ?? [...a.errors.keys()]).filter((c) => a.errors.has(c)),
      undefined,
    )!;
    if (!documented.includes(code)) {
      const which = r.action === undefined ? 'every action it matches' : (r.action as string);
      return {
        message: `${at}: ${code} is not an error code ${which} documents; documented: ${documented.join(', ')}`,
        documented,
      };
    }
  }
  return r as FaultRule;
}

/** The rules checked against the APIs served, or the first problem. */
export function checkFaultRules(
  value: unknown,
  catalogues: readonly Catalogue[],
): { rules: FaultRule[] } | FaultProblem {
  if (!Array.isArray(value)) return { message: 'the fault rules must be a JSON array of rules' };
  const rules: FaultRule[] = [];
  for (const [i, v] of value.entries()) {
    const checked = checkRule(v, i, catalogues);
    if ('message' in checked) return checked;
    rules.push(checked);
  }
  return { rules };
}

/** The rules in force, with how often each has applied. */
export class FaultSet {
  private rules: readonly FaultRule[] = [];
  private applied: number[] = [];

  constructor(private readonly random: Random) {}

  /** The rules, each with `applied` (how often it applied so far). */
  list(): Array<FaultRule & { applied: number }> {
    return this.rules.map((r, i) => ({ ...r, applied: this.applied[i]! }));
  }

  replace(rules: readonly FaultRule[]): void {
    this.rules = rules;
    this.applied = rules.map(() => 0);
  }

  get size(): number {
    return this.rules.length;
  }

  /** The fault for a request to `action` of the API at `version` by `accessKeyId`, or undefined. */
  draw(version: string, action: string, accessKeyId: string | undefined): Fault | undefined {
    for (const [index, r] of this.rules.entries()) {
      if (r.action !== undefined && r.action !== action) continue;
      if (r.version !== undefined && r.version !== version) continue;
      if (r.accessKeyId !== undefined && r.accessKeyId !== accessKeyId) continue;
      if (r.times !== undefined && this.applied[index]! >= r.times) continue;
      if (r.probability !== undefined && r.probability < 1 && !(this.random.next() < r.probability)) continue;
      this.applied[index]!++;
      const l = r.latencyMs;
      const delayMs = l === undefined ? 0 : typeof l === 'number' ? l : this.random.int(l[0], l[1] + 1);
      return { index, delayMs, reset: r.reset === true, error: r.error };
    }
    return undefined;
  }
}
