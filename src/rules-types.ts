/** Shapes of the contract model (generated/rules.ts); written in scripts/templates/contract-types.ts. */
export type * from '../generated/contract-types.js';
