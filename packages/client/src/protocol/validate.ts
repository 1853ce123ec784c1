/**
 * Validates an action's parameters against a contract (the `contract` option: a value of @rd-contract/contract's
 * shape), the way the service does, and names the documented error each broken rule is answered with. The client
 * uses it to refuse a request before anything is sent; the mock uses it to answer like the gateway.
 *
 * Precedence (documented in the contract as `x-acs-error-precedence`): errors with a lower HTTP status come
 * first (the gateway's 400s before the action's 409s); within one status, a missing parameter before a broken
 * schema, before a broken `x-acs-request-rules` rule, before a broken `x-acs-site-rules` rule; then the
 * parameters' declared order. An empty value counts as absent ("if you leave this parameter empty ...").
 */
import { schemaCheck, type SchemaCheck, type SchemaCompiler } from './schema-check.js';
import type {
  ActionName,
  ActionRules,
  ApiName,
  ContractModel,
  JsonSchema,
  ParameterRule,
  Site,
} from '@rd-contract/contract';

export type ViolationKind = 'missing' | 'schema' | 'request-rule' | 'site';

export interface Violation {
  /** The documented error code the service answers with. */
  readonly code: string;
  /** Its HTTP status, from the contract. */
  readonly status: number;
  /** Its documented message (the site's own wording where the contract has one). */
  readonly message: string;
  readonly parameter: string;
  readonly kind: ViolationKind;
  /** What is wrong, for people: names the parameter and the rule. Never contains the value. */
  readonly detail: string;
}

export interface CheckOptions {
  /** The contract whose rules apply. */
  readonly contract: ContractModel;
  /** Apply the site's own rules (`x-acs-site-rules`); without it only the rules both sites share apply. */
  readonly site?: Site;
  /** The API whose rules apply (`<Product>/<version>`). Default: the contract's `defaultApi`. */
  readonly api?: ApiName;
  /**
   * Compiles a schema the contract's ahead-of-time checks lack (a contract modified at run time); without it such a
   * schema is a TypeError (./schema-check.ts).
   */
  readonly compileSchema?: SchemaCompiler;
}

export type ParameterValues = Readonly<Record<string, unknown>>;

const compiled = new WeakMap<object, SchemaCheck>();

/** A value's check, found once; the same schema object always gives the same function. */
function compile(schema: JsonSchema, options: CheckOptions): SchemaCheck {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = schemaCheck({ type: 'object', properties: { value: schema } }, checkSource(options));
    compiled.set(schema, fn);
  }
  return fn;
}

const checkSource = ({ contract, compileSchema }: CheckOptions) => ({
  schemaChecks: contract.schemaChecks,
  compileSchema,
});

function matches(schema: JsonSchema, value: unknown, options: CheckOptions): boolean {
  return compile(schema, options)({ value }) === true;
}

function describeSchema(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return `must be one of ${schema.enum.join(', ')}`;
  if (schema.type === 'boolean') return 'must be true or false';
  if (typeof schema.pattern === 'string') return `must match ${schema.pattern}`;
  if (schema.not && typeof (schema.not as JsonSchema).pattern === 'string')
    return `must not match ${(schema.not as JsonSchema).pattern}`;
  return 'does not match its schema';
}

/**
 * The contract's rule for every parameter: an empty value counts as absent (x-acs-error-precedence, parameters step).
 */
export const isPresent = <T>(v: T | null | undefined): v is Exclude<T, ''> & {} =>
  v !== undefined && v !== null && v !== '';

function violation(
  action: ActionRules,
  parameter: string,
  kind: ViolationKind,
  code: string | undefined,
  detail: string,
  site?: Site,
): Violation {
  const fallback = kind === 'missing' ? 'MissingParameter' : 'InvalidParameter';
  const c = code ?? fallback;
  const entry = action.errors[c];
  return {
    code: c,
    status: entry?.status ?? 400,
    message:
      (site && entry?.siteMessages?.[site]) ||
      entry?.message ||
      (kind === 'missing' ? `${parameter} is mandatory for this action.` : 'Specified parameter format is not valid.'),
    parameter,
    kind,
    detail,
  };
}

const phase: Record<ViolationKind, number> = { missing: 0, schema: 1, 'request-rule': 2, site: 3 };

/** What checkAllParameters has found so far, for one action. */
interface Findings {
  readonly action: ActionRules;
  readonly site: Site | undefined;
  readonly found: { v: Violation; order: number }[];
}

/**
 * Notes a violation of `p`, with its place in the action's parameters. A function of the module, not a closure made
 * per call: tsx (`npm run mock`) names every closure bound to a name, a property definition costing about 250 ns.
 */
function add(f: Findings, p: ParameterRule, kind: ViolationKind, code: string | undefined, detail: string): void {
  f.found.push({ v: violation(f.action, p.name, kind, code, detail, f.site), order: f.action.parameters.indexOf(p) });
}

/** Every rule the parameters break, most important first (see the precedence above). */
export function checkAllParameters(
  actionName: ActionName,
  values: ParameterValues,
  options: CheckOptions,
): Violation[] {
  const { contract } = options;
  const api: string = options.api ?? contract.defaultApi;
  const actions = Object.hasOwn(contract.apis, api) ? contract.apis[api]!.actions : undefined;
  if (!actions) throw new TypeError(`Unknown API ${String(api)}`);
  const action = Object.hasOwn(actions, actionName) ? actions[actionName] : undefined;
  if (!action) throw new TypeError(`Unknown action ${String(actionName)} in ${api}`);
  const f: Findings = { action, site: options.site, found: [] };

  const present: Record<string, unknown> = {};
  for (const p of action.parameters) if (isPresent(values[p.name])) present[p.name] = values[p.name];

  for (const p of action.parameters) {
    const value = present[p.name];
    if (value === undefined) {
      if (p.required) add(f, p, 'missing', p.errors.missing, `${p.name} is required`);
      continue;
    }
    if (!matches(p.schema, value, options)) {
      add(f, p, 'schema', p.errors.invalid, `${p.name} ${describeSchema(p.schema)}`);
      continue;
    }
    const siteRule = options.site ? p.siteRules?.[options.site] : undefined;
    if (siteRule && !matches(siteRule.schema, value, options)) {
      const where = options.site === 'china' ? 'China' : 'international';
      add(f, p, 'site', siteRule.error, `${p.name} ${describeSchema(siteRule.schema)} on the ${where} site`);
    }
  }
  for (const rule of action.requestRules) {
    if (!ruleApplies(rule.if, present, options)) continue;
    for (const name of (rule.then.required as readonly string[] | undefined) ?? []) {
      if (present[name] !== undefined) continue;
      const p = action.parameters.find((q) => q.name === name);
      if (p)
        add(
          f,
          p,
          'request-rule',
          p.errors.missing,
          `${name} is required when ${describeCondition(rule.if)} (${rule.id})`,
        );
    }
  }
  return f.found
    .sort((a, b) => a.v.status - b.v.status || phase[a.v.kind] - phase[b.v.kind] || a.order - b.order)
    .map((f) => f.v);
}

/** The one error the service answers with, or undefined when the parameters are valid. */
export function checkParameters(
  actionName: ActionName,
  values: ParameterValues,
  options: CheckOptions,
): Violation | undefined {
  return checkAllParameters(actionName, values, options)[0];
}

const conditionFns = new WeakMap<object, SchemaCheck>();
function ruleApplies(condition: JsonSchema, present: Record<string, unknown>, options: CheckOptions): boolean {
  let fn = conditionFns.get(condition);
  if (!fn) {
    fn = schemaCheck(condition, checkSource(options));
    conditionFns.set(condition, fn);
  }
  return fn({ ...present }) === true;
}

function describeCondition(condition: JsonSchema): string {
  const props = (condition.properties ?? {}) as Record<string, JsonSchema>;
  return (
    Object.entries(props)
      .map(([k, s]) => `${k} is ${String(s.const)}`)
      .join(' and ') || 'the condition holds'
  );
}
