/** Shapes of generated/rules.ts, the run-time extract of the contract (see scripts/gen-15-rules.ts). */

export type Site = 'intl' | 'china';

/** A JSON Schema (draft 2020-12) as it stands in the contract, references inlined. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ParameterRule {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** `x-acs-errors`: the error code answered when the parameter is missing or breaks its schema. */
  readonly errors: { readonly missing?: string; readonly invalid?: string };
  /** `x-acs-site-rules`: a schema each site adds, and the code answered when it is broken. */
  readonly siteRules?: { readonly [site in Site]?: { readonly schema: JsonSchema; readonly error: string } };
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

export interface ActionRules {
  readonly action: string;
  readonly method: string;
  readonly pathKey: string;
  readonly deprecated: boolean;
  readonly parameters: readonly ParameterRule[];
  readonly requestRules: readonly RequestRule[];
  readonly errors: { readonly [code: string]: ErrorEntry };
}

export interface ContractRules {
  readonly version: string;
  readonly actions: { readonly [action: string]: ActionRules };
}
