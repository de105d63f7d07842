import type { LeafNode, LeafValue, ObjectNode } from "./types.ts";
import { isObject } from "./values.ts";

// Matching walks the pattern, not the event. An array in the event stands for each of its elements
// (nested arrays are flattened): a leaf matches if any element does ("Arrays in Amazon EventBridge event
// patterns"), and a nested pattern object must match within one element, so two fields never match
// from different elements of the same array (aws/event-ruler README, "JSON Array Matching").

export function matchObject(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    if (elements.length > 0) return elements.some((element) => matchObject(node, element));
  }
  // A scalar or an empty array where the pattern expects an object: every field below is absent.
  const object = isObject(value) ? value : undefined;
  for (const field of node.fields) {
    const child = object !== undefined && Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    const ok =
      field.node.kind === "leaf" ? matchLeaf(field.node, leafValues(child)) : matchObject(field.node, child);
    if (!ok) return false;
  }
  // `$or` alternatives are evaluated against the same element as their siblings.
  return node.ors.every((alternatives) => alternatives.some((alt) => matchObject(alt, object)));
}

function matchLeaf(node: LeafNode, values: readonly LeafValue[]): boolean {
  if (values.length === 0) return node.ifAbsent;
  if (node.ifPresent) return true;
  return values.some((v) => node.tests.some((test) => test(v)));
}

/**
 * The scalar values at a field. An object is not a leaf, so it has none: `exists` "only works on leaf
 * nodes" and `{ "exists": false }` matches a field holding an object (AWS "Exists matching").
 */
function leafValues(value: unknown): LeafValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return flatten(value).filter(isLeafValue);
  return isLeafValue(value) ? [value] : [];
}

function isLeafValue(value: unknown): value is LeafValue {
  return (
    value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean"
  );
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}
