/**
 * The RPC protocol both the client and the mock speak: signing and its verification parts, parameter validation
 * against the contract, redaction of secrets, and the `node:http` sender.
 */
export * from './signing.js';
export * from './validate.js';
export * from './schema-check.js';
export * from './redaction.js';
export * from './http-sender.js';
