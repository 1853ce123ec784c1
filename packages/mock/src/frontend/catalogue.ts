/**
 * The mock's answers, from the contract it is given: for every action of an API, every named response example
 * (success and error) as ready-to-send JSON and XML, already cut at the example's RequestId by the build, so that a
 * response is one `fill(template, requestId)` (a join) on the hot path. Error examples carry the site wording of
 * `x-acs-site-messages` as a second variant.
 */
import type { BodyTemplate, ContractModel, ExampleModel } from '@rd-contract/contract';

/** A response body with the example's RequestId cut out: `fill(template, requestId)` is the body. */
export type Template = BodyTemplate;

export const fill = (t: Template, requestId: string): string => t.join(requestId);

/** A named example of the contract model, as the mock serves it (see ExampleModel). */
export type ExampleEntry = ExampleModel;

export interface ActionCatalogue {
  readonly action: string;
  /** `<ActionName>Response`, the XML root of a success body. */
  readonly xmlRoot: string;
  /** Success examples in declared order; the first one is the default answer. */
  readonly success: readonly ExampleEntry[];
  /** Every named example of the action, success and error, by name. */
  readonly byName: ReadonlyMap<string, ExampleEntry>;
  /** Every example by HTTP status, in declared order. */
  readonly byStatus: ReadonlyMap<number, readonly ExampleEntry[]>;
  /** Error examples by error code. */
  readonly errors: ReadonlyMap<string, ExampleEntry>;
}

export interface Catalogue {
  /** `<Product>/<version>`. */
  readonly api: string;
  readonly product: string;
  readonly version: string;
  /** `HostId` of error bodies (the contract's endpoint). */
  readonly hostId: string;
  readonly actions: ReadonlyMap<string, ActionCatalogue>;
  /** Error examples every action shares (the gateway's): used before an action is known. */
  readonly gatewayErrors: ReadonlyMap<string, ExampleEntry>;
}

/** The catalogue of an API of a contract (indexes over its examples). */
export function buildCatalogue(contract: ContractModel, api: string): Catalogue {
  const model = Object.hasOwn(contract.apis, api) ? contract.apis[api] : undefined;
  if (!model) throw new RangeError(`The contract has no API ${api} (it has ${Object.keys(contract.apis).join(', ')})`);
  const actions = new Map<string, ActionCatalogue>();
  for (const a of Object.values(model.actions)) {
    const byName = new Map<string, ExampleEntry>();
    const byStatus = new Map<number, ExampleEntry[]>();
    const errors = new Map<string, ExampleEntry>();
    const success: ExampleEntry[] = [];
    for (const e of a.examples) {
      byName.set(e.name, e);
      byStatus.set(e.status, [...(byStatus.get(e.status) ?? []), e]);
      if (e.code !== undefined) errors.set(e.code, e);
      else if (e.status < 300) success.push(e);
    }
    actions.set(a.action, { action: a.action, xmlRoot: a.xmlRoot, success, byName, byStatus, errors });
  }
  const first = actions.values().next().value;
  const gatewayErrors = new Map<string, ExampleEntry>();
  for (const code of Object.values(contract.shared.gatewayErrors).flat()) {
    const e = first?.errors.get(code);
    if (e) gatewayErrors.set(code, e);
  }
  return {
    api: model.api,
    product: model.product,
    version: model.version,
    hostId: model.endpoint,
    actions,
    gatewayErrors,
  };
}
