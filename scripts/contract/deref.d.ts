export type Lookup = (ref: string, node: { $ref: string }) => unknown;
export declare const isRef: (node: unknown) => node is { $ref: string };
export declare function localLookup(doc: unknown): Lookup;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any part of a document, typed by the caller
export declare function deref<T = any>(node: unknown, lookup: Lookup): T;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any part of a document, typed by the caller
export declare function derefDeep<T = any>(node: unknown, lookup: Lookup): T;
