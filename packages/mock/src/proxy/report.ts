/**
 * The summary `--report <file>` writes on exit: how many exchanges went through, and the violations counted by
 * action and rule, with the first examples of each rule.
 */
import type { Severity, ViolationRecord } from './violations.js';

/** Examples kept per rule. */
export const EXAMPLES_PER_RULE = 3;

export interface ProxyReport {
  readonly upstream: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Requests received on the API route. */
  readonly requests: number;
  /** Of those, forwarded to the upstream and answered by it. */
  readonly answered: number;
  /** Refused by the proxy with --errors (request violations): not forwarded. */
  readonly refused: number;
  /** Answered by the proxy because the upstream timed out or could not be reached. */
  readonly upstreamFailures: number;
  /** Exchanges without any violation of severity error. */
  readonly conforming: number;
  readonly violations: {
    readonly total: number;
    readonly bySeverity: Record<Severity, number>;
    /** action (`(none)` when the request named no known action) -> rule -> count. */
    readonly byAction: Record<string, Record<string, number>>;
    readonly byRule: Record<string, number>;
    /** The first examples of each rule. */
    readonly examples: Record<string, ViolationRecord[]>;
  };
}

export class ReportCollector {
  private readonly startedAt = new Date().toISOString();
  private requests = 0;
  private answered = 0;
  private refused = 0;
  private upstreamFailures = 0;
  private conforming = 0;
  private total = 0;
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  private readonly byAction: Record<string, Record<string, number>> = Object.create(null);
  private readonly byRule: Record<string, number> = Object.create(null);
  private readonly examples: Record<string, ViolationRecord[]> = Object.create(null);

  constructor(private readonly upstream: string) {}

  /** One exchange, with its outcome and its violations. */
  exchange(outcome: 'answered' | 'refused' | 'upstream-failure', records: readonly ViolationRecord[]): void {
    this.requests++;
    if (outcome === 'answered') this.answered++;
    else if (outcome === 'refused') this.refused++;
    else this.upstreamFailures++;
    if (!records.some((r) => r.severity === 'error')) this.conforming++;
    for (const r of records) {
      this.total++;
      this.bySeverity[r.severity]++;
      const action = r.action ?? '(none)';
      const perAction = (this.byAction[action] ??= Object.create(null) as Record<string, number>);
      perAction[r.rule] = (perAction[r.rule] ?? 0) + 1;
      this.byRule[r.rule] = (this.byRule[r.rule] ?? 0) + 1;
      const list = (this.examples[r.rule] ??= []);
      if (list.length < EXAMPLES_PER_RULE) list.push(r);
    }
  }

  report(): ProxyReport {
    return {
      upstream: this.upstream,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      requests: this.requests,
      answered: this.answered,
      refused: this.refused,
      upstreamFailures: this.upstreamFailures,
      conforming: this.conforming,
      violations: {
        total: this.total,
        bySeverity: { ...this.bySeverity },
        byAction: structuredClone(this.byAction),
        byRule: { ...this.byRule },
        examples: structuredClone(this.examples),
      },
    };
  }
}
