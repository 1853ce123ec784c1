/**
 * What differs between the APIs of the build, action by action, read from their published descriptions (nothing is
 * written by hand): the actions each has, and per action the parameters, error codes and behaviours (deprecation,
 * conditional rules, quota, RAM action) that are not the same in every API, each with the source the descriptions
 * give for it. The version comparison pages (compare-page.ts) and the change history (sections.ts) are built from it.
 */
import type { ApiContract } from './choice.js';
import {
  apiIdentity,
  deref,
  errorRows,
  listOperations,
  operationParameters,
  type ApiIdentity,
  type Document,
  type ErrorRow,
  type Operation,
  type Parameter,
  type Schema,
} from './contract.js';
import { derefDeep, localLookup } from '../contract/deref.js';

/** Where the descriptions say a difference comes from. */
export interface DifferenceSource {
  /**
   * The item's own `x-acs-sources` labels (`seed:000`, `research:<note>#<section>`, `inference: <why>`...), and the
   * seed of the change-history entry of its `x-acs-since` (as `seed:NNN`).
   */
  labels: string[];
  /** The date of the change that introduced the item (`x-acs-since`, or its change-history entry), when known. */
  since?: string;
}

/** One API's side of a difference: absent, or present with what it is. */
export type Side<T> = { present: false } | { present: true; value: T };

export interface ParameterValue {
  parameter: Parameter;
  schema: Schema;
  /** Required always (`true`), never (`false`), or by a conditional rule of the action (its id). */
  required: boolean | string[];
}

export interface Difference<T> {
  /** The parameter name, the error code or the behaviour's key. */
  subject: string;
  /** By API id, in the build's order. */
  sides: Map<string, Side<T>>;
  source: DifferenceSource;
}

export type Behaviour = 'deprecated' | 'requestRules' | 'quota' | 'ramAction';
export const BEHAVIOURS: readonly Behaviour[] = ['deprecated', 'requestRules', 'quota', 'ramAction'];

export interface ActionComparison {
  action: string;
  /** The APIs that have the action, by id. */
  apis: string[];
  /** Set when only some APIs have the action: the sources of the action in those that do. */
  presence?: DifferenceSource;
  parameters: Difference<ParameterValue>[];
  errors: Difference<ErrorRow>[];
  behaviours: Difference<unknown>[];
}

export interface Comparison {
  apis: ApiIdentity[];
  actions: ActionComparison[];
  /** Each API's description, by id (for the sources' names and the operations). */
  contracts: Map<string, Document>;
}

interface Located {
  doc: Document;
  operation: Operation;
}

function operationsById(doc: Document): Map<string, Operation> {
  return new Map(listOperations(doc).map(({ operation }) => [operation.operationId, operation]));
}

/** A stable text of a value, for comparing (keys sorted). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The source of an item: its own `x-acs-sources`, else the change-history entry of its `x-acs-since`. */
function itemSource(
  node: { 'x-acs-sources'?: string[]; 'x-acs-since'?: string } | undefined,
  at: Located | undefined,
): DifferenceSource {
  const labels = [...(node?.['x-acs-sources'] ?? [])];
  const since = node?.['x-acs-since'];
  const entry = since ? at?.operation['x-acs-change-history']?.find((e) => e.date === since) : undefined;
  if (entry?.source && !labels.includes(`seed:${entry.source}`)) labels.push(`seed:${entry.source}`);
  return { labels, ...(since ? { since } : {}) };
}

function mergeSources(sources: DifferenceSource[]): DifferenceSource {
  const labels = [...new Set(sources.flatMap((s) => s.labels))].sort();
  const since = sources.find((s) => s.since)?.since;
  return { labels, ...(since ? { since } : {}) };
}

function differs<T>(sides: Map<string, Side<T>>, key: (value: T) => string): boolean {
  const keys = [...sides.values()].map((side) => (side.present ? key(side.value) : '\u0000absent'));
  return new Set(keys).size > 1;
}

function parameterValue({ doc, operation }: Located, parameter: Parameter): ParameterValue {
  const rules = (operation['x-acs-request-rules'] ?? [])
    .filter((rule) => rule.then.required?.includes(parameter.name))
    .map((rule) => rule.id);
  const schema = (parameter.schema ? derefDeep(parameter.schema, localLookup(doc)) : {}) as Schema;
  return { parameter, schema, required: parameter.required ? true : rules.length ? rules : false };
}

/**
 * What of a parameter is compared: where it goes, whether it is required, its schema, errors and site rules (not its
 * prose).
 */
function parameterKey(value: ParameterValue): string {
  const { parameter } = value;
  return canonical({
    in: parameter.in,
    required: value.required,
    schema: value.schema,
    errors: parameter['x-acs-errors'],
    siteRules: parameter['x-acs-site-rules'],
  });
}

function errorKey(row: ErrorRow): string {
  return canonical({ status: row.status, message: row.message, siteMessages: row.siteMessages });
}

/** The documented example of an error code, for its `x-acs-sources`. */
function errorExample({ doc, operation }: Located, code: string): { 'x-acs-sources'?: string[] } | undefined {
  for (const response of Object.values(operation.responses)) {
    for (const media of Object.values(
      deref<{ content?: Record<string, { examples?: Record<string, unknown> }> }>(doc, response).content ?? {},
    )) {
      const example = media.examples?.[code];
      if (example) return deref<{ 'x-acs-sources'?: string[] }>(doc, example as { $ref: string });
    }
  }
  return undefined;
}

function behaviourValue(operation: Operation, behaviour: Behaviour): unknown {
  switch (behaviour) {
    case 'deprecated':
      return operation.deprecated ? { replacedBy: operation['x-acs-replaced-by'] ?? null } : null;
    case 'requestRules':
      return (operation['x-acs-request-rules'] ?? []).map(({ id, if: condition, then }) => ({
        id,
        if: condition,
        then,
      }));
    case 'quota':
      return operation['x-acs-quota']
        ? {
            limit: operation['x-acs-quota'].limit,
            period: operation['x-acs-quota'].period,
            scope: operation['x-acs-quota'].scope,
            error: operation['x-acs-quota'].error,
          }
        : null;
    case 'ramAction':
      return operation['x-acs-ram']?.action ?? null;
  }
}

/** How to compare one kind of item of an action: its subjects, each API's item for a subject, and what counts. */
interface ItemKind<T> {
  subjects(at: Located): string[];
  /** The API's item for the subject (undefined: the API does not have it) and where the item says it comes from. */
  find(at: Located, subject: string): { value: T; source: DifferenceSource } | undefined;
  key(value: T): string;
}

/** The items of one kind that differ between the APIs, when every API has the action. */
function differences<T>(located: Map<string, Located | undefined>, kind: ItemKind<T>): Difference<T>[] {
  const all = [...located.values()];
  if (all.some((at) => !at)) return [];
  const subjects = [...new Set(all.flatMap((at) => kind.subjects(at!)))];
  return subjects.flatMap((subject) => {
    const found = new Map([...located].map(([id, at]) => [id, kind.find(at!, subject)]));
    const sides = new Map<string, Side<T>>(
      [...found].map(([id, item]) => [id, item ? { present: true, value: item.value } : { present: false }]),
    );
    const source = mergeSources([...found.values()].flatMap((item) => (item ? [item.source] : [])));
    return differs(sides, kind.key) ? [{ subject, sides, source }] : [];
  });
}

const PARAMETERS: ItemKind<ParameterValue> = {
  subjects: (at) => operationParameters(at.doc, at.operation).map((p) => p.name),
  find: (at, name) => {
    const parameter = operationParameters(at.doc, at.operation).find((p) => p.name === name);
    return parameter && { value: parameterValue(at, parameter), source: itemSource(parameter, at) };
  },
  key: parameterKey,
};

const ERRORS: ItemKind<ErrorRow> = {
  subjects: (at) => errorRows(at.doc, at.operation).map((row) => row.code),
  find: (at, code) => {
    const row = errorRows(at.doc, at.operation).find((r) => r.code === code);
    return row && { value: row, source: itemSource(errorExample(at, code), at) };
  },
  key: errorKey,
};

const BEHAVIOUR_ITEMS: ItemKind<unknown> = {
  subjects: () => [...BEHAVIOURS],
  find: (at, behaviour) => ({
    value: behaviourValue(at.operation, behaviour as Behaviour),
    source: itemSource(at.operation, at),
  }),
  key: canonical,
};

function compareAction(action: string, located: Map<string, Located | undefined>): ActionComparison {
  const having = [...located.keys()].filter((id) => located.get(id));
  const presence =
    having.length < located.size
      ? mergeSources(having.map((id) => itemSource(located.get(id)!.operation, located.get(id))))
      : undefined;
  return {
    action,
    apis: having,
    ...(presence ? { presence } : {}),
    parameters: differences(located, PARAMETERS),
    errors: differences(located, ERRORS),
    behaviours: differences(located, BEHAVIOUR_ITEMS),
  };
}

/** Compares the APIs' descriptions (in the build's order), action by action, in the order the actions first appear. */
export function compareApis(apis: readonly ApiContract[]): Comparison {
  const identities = apis.map((api) => apiIdentity(api.contract));
  const byId = new Map(identities.map((identity, i) => [identity.id, apis[i].contract]));
  const operations = new Map(identities.map((identity) => [identity.id, operationsById(byId.get(identity.id)!)]));
  const actions = [...new Set([...operations.values()].flatMap((ops) => [...ops.keys()]))];
  return {
    apis: identities,
    contracts: byId,
    actions: actions.map((action) =>
      compareAction(
        action,
        new Map(
          identities.map(({ id }) => {
            const operation = operations.get(id)!.get(action);
            return [id, operation ? { doc: byId.get(id)!, operation } : undefined];
          }),
        ),
      ),
    ),
  };
}

/**
 * The error codes of an action that one API documents and every other API having the action does not, with the
 * statuses given (`['409']`) when only those count: what a change history's "Error Codes 409 change" names.
 */
export function codesOnlyIn(comparison: Comparison, action: string, apiId: string, statuses: string[] = []): string[] {
  const found = comparison.actions.find((a) => a.action === action);
  if (!found) return [];
  return found.errors
    .filter(({ sides }) => {
      const own = sides.get(apiId);
      const others = [...sides.entries()].filter(([id]) => id !== apiId && found.apis.includes(id));
      return (
        own?.present &&
        others.length > 0 &&
        others.every(([, side]) => !side.present) &&
        (statuses.length === 0 || statuses.includes(own.value.status))
      );
    })
    .map(({ subject }) => subject);
}
