/**
 * Contract coverage (`GET /_mock/coverage`, `--coverage-report <file>`): for every API and action the mock serves,
 * every documented answer (each success status, each documented error code with its status) and how often the mock
 * gave it; answers it gave that the action does not document (a Prefer refusal, a built 400) are listed apart.
 * Counted at the one place the gateway writes an answer; `share` = documented answers given at least once / all.
 */
import type { Catalogue } from '../frontend/catalogue.js';

export interface AnswerCount {
  readonly status: number;
  /** The error code; null for a success answer. */
  readonly code: string | null;
  readonly count: number;
}

export interface CoverageReport {
  readonly apis: ReadonlyArray<{
    readonly api: string;
    readonly actions: ReadonlyArray<{
      readonly action: string;
      readonly answers: readonly AnswerCount[];
      readonly undocumented: readonly AnswerCount[];
    }>;
  }>;
  /** Documented answers, over every API and action. */
  readonly documented: number;
  /** Of them, those given at least once. */
  readonly exercised: number;
  /** exercised / documented, rounded to 4 decimals. */
  readonly share: number;
}

const key = (status: number, code: string | undefined): string => `${status} ${code ?? ''}`;

interface ActionCounts {
  readonly documented: Map<string, { status: number; code: string | null; count: number }>;
  readonly undocumented: Map<string, { status: number; code: string | null; count: number }>;
}

export class Coverage {
  /** By API, then action. */
  private readonly counts = new Map<string, Map<string, ActionCounts>>();

  constructor(catalogues: readonly Catalogue[]) {
    for (const c of catalogues) {
      const actions = new Map<string, ActionCounts>();
      for (const a of c.actions.values()) {
        const documented = new Map<string, { status: number; code: string | null; count: number }>();
        for (const e of a.byName.values()) {
          const k = key(e.status, e.code);
          if (!documented.has(k)) documented.set(k, { status: e.status, code: e.code ?? null, count: 0 });
        }
        actions.set(a.action, { documented, undocumented: new Map() });
      }
      this.counts.set(c.api, actions);
    }
  }

  /** Counts one answer of `action` of `api` (an answer before the action was known is not counted). */
  record(api: string, action: string, status: number, code: string | undefined): void {
    const counts = this.counts.get(api)?.get(action);
    if (!counts) return;
    const k = key(status, code);
    const documented = counts.documented.get(k);
    if (documented) {
      documented.count++;
      return;
    }
    const other = counts.undocumented.get(k);
    if (other) other.count++;
    else counts.undocumented.set(k, { status, code: code ?? null, count: 1 });
  }

  clear(): void {
    for (const actions of this.counts.values())
      for (const a of actions.values()) {
        for (const d of a.documented.values()) d.count = 0;
        a.undocumented.clear();
      }
  }

  report(): CoverageReport {
    let documented = 0;
    let exercised = 0;
    const apis = [...this.counts].map(([api, actions]) => ({
      api,
      actions: [...actions].map(([action, c]) => {
        const answers = [...c.documented.values()].map((a) => ({ ...a }));
        documented += answers.length;
        exercised += answers.filter((a) => a.count > 0).length;
        return { action, answers, undocumented: [...c.undocumented.values()].map((a) => ({ ...a })) };
      }),
    }));
    return {
      apis,
      documented,
      exercised,
      share: documented === 0 ? 0 : Math.round((exercised / documented) * 10_000) / 10_000,
    };
  }
}
