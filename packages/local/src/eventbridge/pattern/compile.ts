// Hand-written on purpose: the event-pattern matchers on npm get about a third of the documented
// cases wrong (see shared/reference/local-aws.md), and the local EventBridge must agree with AWS on
// PutEvents routing and TestEventPattern. The specification is the AWS EventBridge user guide
// ("Amazon EventBridge event patterns", "Content filtering in Amazon EventBridge event patterns") and
// the README of aws/event-ruler, the matcher EventBridge runs; error reasons reuse event-ruler's words,
// which AWS returns verbatim after "Event pattern is not valid. Reason: ".

import { InvalidEventPatternError, invalid, type PatternPath } from "./errors.ts";
import { matchObject } from "./match.ts";
import { compileLeaf } from "./operators.ts";
import type { CompiledEventPattern, ObjectNode, PatternField } from "./types.ts";
import { isObject } from "./values.ts";

const OR = "$or";

// Operator names, and names event-ruler reserves for future operators: a `$or` whose objects use one
// as a field name is not read as OR (aws/event-ruler README and Constants.java).
const RESERVED_IN_OR = new Set([
  "exactly",
  "equals-ignore-case",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "wildcard",
  "numeric",
  "cidr",
  "=",
  "<",
  "<=",
  ">",
  ">=",
  "regex",
  "not-wildcard",
  "not-equals-ignore-case",
  "date-after",
  "date-on-or-after",
  "date-before",
  "date-on-or-before",
  "in-date-range",
  "ip-address-in-range",
  "ip-address-not-in-range",
]);

/**
 * Validates and compiles an event pattern (JSON text or the parsed object). Throws
 * `InvalidEventPatternError` saying what is wrong and where. A key given twice in JSON text keeps its
 * last value, as AWS documents ("Content filtering", note after the complex example).
 */
export function compileEventPattern(pattern: string | object): CompiledEventPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === "string") {
    try {
      parsed = JSON.parse(pattern);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new InvalidEventPatternError(`Invalid JSON: ${detail}`, "$", { cause });
    }
  }
  if (!isObject(parsed)) throw invalid("Filter is not an object", []);
  const root = compileObject(parsed, []);
  return { matches: (event) => matchObject(root, event) };
}

function compileObject(object: Record<string, unknown>, path: PatternPath): ObjectNode {
  const keys = Object.keys(object);
  if (keys.length === 0) throw invalid("Empty objects are not allowed", path);
  const fields: PatternField[] = [];
  const ors: ObjectNode[][] = [];
  for (const key of keys) {
    const value = object[key];
    const at = [...path, key];
    if (key === OR && isOrPrimitive(value, at)) {
      ors.push(value.map((item, i) => compileObject(item, [...at, i])));
    } else if (Array.isArray(value)) {
      fields.push({ key, node: compileLeaf(value, at) });
    } else if (isObject(value)) {
      fields.push({ key, node: compileObject(value, at) });
    } else {
      throw invalid(`"${key}" must be an object or an array`, at);
    }
  }
  return { kind: "object", fields, ors };
}

/**
 * Whether a `$or` key is the OR primitive. Per the aws/event-ruler README ("The $or Primitive") it is
 * one only when followed by an array of 2+ objects that use no operator name as a field name; anything
 * else keeps `$or` an ordinary field name, for patterns written before `$or` existed. A single object
 * free of operator names can only be a broken OR (as a field it would be an unknown operator), so it
 * is reported as such.
 */
function isOrPrimitive(value: unknown, path: PatternPath): value is Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) return false;
  if (value.some(usesReservedName)) return false;
  if (value.length < 2) throw invalid(`There must have at least 2 Objects in ${OR} relationship.`, path);
  return true;
}

function usesReservedName(object: Record<string, unknown>): boolean {
  return Object.entries(object).some(([key, value]) => {
    if (key === OR && Array.isArray(value))
      return value.some((item) => isObject(item) && usesReservedName(item));
    return RESERVED_IN_OR.has(key) || (isObject(value) && usesReservedName(value));
  });
}
