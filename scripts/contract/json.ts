/**
 * A parsed OpenAPI or YAML document, or any part of one: the build reads it by key, and each reader checks the shape
 * it relies on (the contract's own lint rules and tests check the documents as a whole).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a document of any shape, read key by key
export type Json = any;
