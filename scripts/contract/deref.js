// The contract's one $ref resolver, used by the build (scripts/) and the Redocly plugin; nothing at run time resolves
// references: src/ reads what the build emitted into generated/.

/** True for a `{ $ref }` node. */
export const isRef = (node) => node !== null && typeof node === 'object' && typeof node.$ref === 'string';

/** A lookup for local references (`#/a/b`) in one document, JSON-pointer escapes (`~1`, `~0`) decoded. */
export function localLookup(doc) {
  return (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`not a local $ref: ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .reduce((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return target;
  };
}

/** Follows `$ref`s until a node that is not one. `lookup(ref, node)` returns the node a reference points to. */
export function deref(node, lookup, seen = new Set()) {
  if (!isRef(node)) return node;
  if (seen.has(node.$ref)) throw new Error(`recursive $ref ${node.$ref}`);
  return deref(lookup(node.$ref, node), lookup, new Set([...seen, node.$ref]));
}

/** Resolves every `$ref` below a node (the contract's schemas are not recursive). */
export function derefDeep(node, lookup, seen = new Set()) {
  if (isRef(node)) {
    if (seen.has(node.$ref)) throw new Error(`recursive $ref ${node.$ref}`);
    return derefDeep(lookup(node.$ref, node), lookup, new Set([...seen, node.$ref]));
  }
  if (Array.isArray(node)) return node.map((n) => derefDeep(n, lookup, seen));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, derefDeep(v, lookup, seen)]));
  return node;
}
