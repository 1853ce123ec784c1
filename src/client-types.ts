/** Types shared by the client and its generated per-action surface; written in scripts/templates/client-types.ts. */
export type * from '../generated/client-types.js';
