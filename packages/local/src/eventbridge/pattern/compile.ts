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
  return { matches: (event) => matchObject(root, joinDottedKeys(event)) };
}

/**
 * The event with every field name that contains dots read as nested fields (`{"a.b": 1}` as
 * `{"a": {"b": 1}}`), as event-ruler reads events (aws/event-ruler README, "Caveat: Compiled rules and
 * JSON keys with dots"). A value that lands where another already is joins it in a list, which
 * matches if either does. Returns the event itself when no name has a dot.
 */
function joinDottedKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(joinDottedKeys);
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (!isObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const child = joinDottedKeys(raw);
    if (child !== raw || key.includes(".")) changed = true;
    const path = key.split(".");
    let target = out;
    for (const name of path.slice(0, -1)) {
      const existing = target[name];
      if (!isObject(existing)) target[name] = existing === undefined ? {} : [existing, {}];
      const next = target[name];
      target = (isObject(next) ? next : (next as unknown[])[1]) as Record<string, unknown>;
    }
    const last = path[path.length - 1] as string;
    target[last] = Object.hasOwn(target, last) ? merge(target[last], child) : child;
  }
  return changed ? out : value;
}

function merge(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = Object.hasOwn(out, k) ? merge(out[k], v) : v;
    return out;
  }
  return [a, b];
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
    } else if (key !== OR && key.includes(".")) {
      // event-ruler joins field names with dots, so `"a.b": […]` is `"a": { "b": […] }`.
      const [head, ...rest] = key.split(".") as [string, ...string[]];
      fields.push(
        compileField(
          head,
          rest.reduceRight((inner, name) => ({ [name]: inner }), value),
          at,
        ),
      );
    } else {
      fields.push(compileField(key, value, at));
    }
  }
  return { kind: "object", fields, ors };
}

function compileField(key: string, value: unknown, at: PatternPath): PatternField {
  if (Array.isArray(value)) return { key, node: compileLeaf(value, at) };
  if (isObject(value)) return { key, node: compileObject(value, at) };
  throw invalid(`"${key}" must be an object or an array`, at);
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
