// Copied by npm run build from scripts/templates/contract-types.ts. Do not edit here.
/**
 * The shapes of the contract value (generated/contract.ts): what the client, the mock, the emulator, the docs build
 * and the tests know of the contract. The build (scripts/gen-15-rules.ts) copies this file to
 * generated/contract-types.ts, so that generated/ imports nothing from packages/; edit it here.
 */

export type Site = 'intl' | 'china';
export type SigningAlgorithm = 'HMAC-SHA1' | 'ACS3-HMAC-SHA256';

/** A JSON Schema (draft 2020-12) as it stands in the contract, references inlined. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ParameterRule {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** `x-acs-errors`: the error code answered when the parameter is missing or breaks its schema. */
  readonly errors: { readonly missing?: string; readonly invalid?: string };
  /** `x-acs-site-rules`: a schema each site adds, and the code answered when it is broken. */
  readonly siteRules?: {
    readonly [site in Site]?: { readonly schema: JsonSchema; readonly error: string; readonly suffix?: string };
  };
}

export interface RequestRule {
  readonly id: string;
  readonly if: JsonSchema;
  readonly then: JsonSchema;
}

export interface ErrorEntry {
  readonly status: number;
  readonly message: string;
  readonly siteMessages?: { readonly [site in Site]?: string };
}

/** A response body cut at its RequestId: `parts.join(requestId)` is the body with another RequestId. */
export type BodyTemplate = readonly string[];

/** A named response example, rendered as the mock sends it (JSON, and XML with its declaration). */
export interface ExampleModel {
  /** The example's name in the contract (for errors: the error code). */
  readonly name: string;
  readonly status: number;
  /** `Code` and `Message` of an error example. */
  readonly code?: string;
  readonly message?: string;
  readonly siteMessages?: { readonly [site in Site]?: string };
  readonly json: BodyTemplate;
  readonly xml: BodyTemplate;
  /** The same bodies with a site's message (`x-acs-site-messages`). */
  readonly bySite?: { readonly [site in Site]?: { readonly json: BodyTemplate; readonly xml: BodyTemplate } };
}

/** `x-acs-quota`: how many calls an account may make per period, and the code past the limit. */
export interface Quota {
  readonly limit: number;
  readonly period: 'day';
  readonly scope: 'account';
  readonly error: string;
}

export interface ActionRules {
  readonly action: string;
  readonly method: string;
  readonly pathKey: string;
  readonly deprecated: boolean;
  /** The action's own parameters, in declared order (not the common routing and signing ones). */
  readonly parameters: readonly ParameterRule[];
  readonly requestRules: readonly RequestRule[];
  readonly errors: { readonly [code: string]: ErrorEntry };
  readonly quota?: Quota;
  /** `<ActionName>Response`, the XML root of a success body. */
  readonly xmlRoot: string;
  /** Every named response example, in declared order (by status, then as listed). */
  readonly examples: readonly ExampleModel[];
  /** Each documented response, by HTTP status (what the contract proxy checks answers against). */
  readonly responses: { readonly [status: string]: ResponseModel };
}

/**
 * A documented response: its media types, the schema of its body (the JSON form's; XML is the same tree under
 * `xmlRoot`).
 */
export interface ResponseModel {
  readonly mediaTypes: readonly string[];
  /** A JSON Schema whose `$ref`s point to `#/components/schemas/<Name>` (see ApiModel.schemas). */
  readonly schema: JsonSchema;
  readonly xmlRoot?: string;
}

/** What every API of the contract shares: the build refuses a source whose APIs disagree on any of it. */
export interface SharedRules {
  /** Parameters every action shares: routing (Action, Version, Format) and each signing style's. */
  readonly commonParameters: {
    readonly routing: readonly string[];
    readonly signing: { readonly [algorithm in SigningAlgorithm]: readonly string[] };
    /** The signing parameters a request of that style must carry (those with an `x-acs-errors` missing code). */
    readonly signingRequired: { readonly [algorithm in SigningAlgorithm]: readonly string[] };
  };
  /** `x-acs-gateway-errors`: the gateway's codes, which every action answers, by HTTP status. */
  readonly gatewayErrors: { readonly [status: string]: readonly string[] };
  /** `x-acs-error-precedence`: the steps, in order, with the codes each answers. */
  readonly errorPrecedence: readonly { readonly step: string; readonly errors: readonly string[] }[];
}

/** One API of the contract: its identity, endpoint, schemas and actions. */
export interface ApiModel {
  /** `<Product>/<version>`: the API this model describes. */
  readonly api: string;
  readonly version: string;
  readonly product: string;
  /** The endpoint host, also the `HostId` of error bodies. */
  readonly endpoint: string;
  /** The description's `components.schemas`, which response schemas reference. */
  readonly schemas: { readonly [name: string]: JsonSchema };
  readonly actions: { readonly [action: string]: ActionRules };
}

/**
 * The contract as one value: what every API shares, the compiled checks of its parameter schemas, one model per API
 * by `<Product>/<version>`, and the API the source declares first (`x-acs-apis`), used where a caller names none.
 */
/** A compiled schema: true when the data is valid (ajv may coerce a wrapped value in place). */
export type SchemaCheck = (data: unknown) => boolean;

export interface ContractModel {
  readonly shared: SharedRules;
  /** Every schema the parameter validator checks, compiled ahead of time, by the schema's JSON text. */
  readonly schemaChecks: Readonly<Record<string, SchemaCheck>>;
  readonly apis: { readonly [api: string]: ApiModel };
  readonly defaultApi: string;
}
