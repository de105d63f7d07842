import { invalid, type PatternPath } from "./errors.ts";
import { comparable, RANGE_MESSAGE } from "./numeric.ts";
import type { LeafValue, ValueTest } from "./types.ts";
import { foldCase, isObject } from "./values.ts";
import { matchWildcard, parseWildcard } from "./wildcard.ts";

// `anything-but` matches any value present at the field except the listed ones: strings, numbers,
// or (as an object) prefixes, suffixes, equals-ignore-case or wildcards, each one or a list. A value of another type is never
// one of the excluded ones, so it matches (the rule is "anything except what's provided"). A missing
// field has no value to compare and does not match: the event must contain every field named in the
// pattern (AWS "Amazon EventBridge event patterns", Create event patterns).

const TYPE_MESSAGE = "Value of anything-but must be an array or single string/number value.";
const ELEMENT_MESSAGE = "Inside anything but list, start|null|boolean is not supported.";
const MIXED_MESSAGE =
  "Inside anything but list, either all values are number or string, mixed type is not supported";

export function compileAnythingBut(spec: unknown, path: PatternPath): ValueTest {
  if (isObject(spec)) return compileNested(spec, path);
  if (typeof spec === "string") return excludeStrings(new Set([spec]));
  if (typeof spec === "number") return excludeNumbers([spec], () => path);
  if (!Array.isArray(spec)) throw invalid(TYPE_MESSAGE, path);
  for (const [i, item] of spec.entries()) {
    if (typeof item !== "string" && typeof item !== "number") throw invalid(ELEMENT_MESSAGE, [...path, i]);
  }
  if (spec.length > 0 && spec.every((item) => typeof item === "string")) {
    return excludeStrings(new Set(spec as string[]));
  }
  if (spec.length > 0 && spec.every((item) => typeof item === "number")) {
    return excludeNumbers(spec as number[], (i) => [...path, i]);
  }
  throw invalid(MIXED_MESSAGE, path);
}

function excludeStrings(excluded: ReadonlySet<string>): ValueTest {
  return (v) => typeof v !== "string" || !excluded.has(v);
}

function excludeNumbers(values: readonly number[], pathOf: (index: number) => PatternPath): ValueTest {
  const excluded = new Set<number>();
  for (const [i, n] of values.entries()) {
    const c = comparable(n);
    if (c === undefined) throw invalid(RANGE_MESSAGE, pathOf(i));
    excluded.add(c);
  }
  // Numbers compare in the same comparable form as `numeric`; one outside the range can't be excluded.
  return (v) => {
    const c = typeof v === "number" ? comparable(v) : undefined;
    return c === undefined || !excluded.has(c);
  };
}

function compileNested(spec: Record<string, unknown>, path: PatternPath): ValueTest {
  const keys = Object.keys(spec);
  const [op] = keys;
  if (op === undefined) throw invalid("Anything-But expression name not found", path);
  if (keys.length > 1) throw invalid("Only one key allowed in match expression", [...path, keys[1] ?? ""]);
  const at = [...path, op];
  const value = spec[op];
  switch (op) {
    case "prefix":
    case "suffix": {
      // One string or a list of them (aws/event-ruler README, "Anything-but prefix list").
      const list = strings(value, at, "prefix/suffix match pattern must be a string");
      const empty = list.indexOf("");
      if (empty >= 0)
        throw invalid("Null prefix/suffix not allowed", Array.isArray(value) ? [...at, empty] : at);
      return op === "prefix"
        ? (v) => typeof v !== "string" || !list.some((p) => v.startsWith(p))
        : (v) => typeof v !== "string" || !list.some((s) => v.endsWith(s));
    }
    case "equals-ignore-case": {
      const list = strings(
        value,
        at,
        "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
      );
      const excluded = new Set(list.map(foldCase));
      return (v) => typeof v !== "string" || !excluded.has(foldCase(v));
    }
    case "wildcard": {
      const patterns = strings(value, at, "wildcard match pattern must be a string").map((text, i) => {
        const parsed = parseWildcard(text);
        if (typeof parsed === "string") throw invalid(parsed, Array.isArray(value) ? [...at, i] : at);
        return parsed;
      });
      return (v: LeafValue) => typeof v !== "string" || !patterns.some((p) => matchWildcard(p, v));
    }
    default:
      throw invalid(`Unsupported anything-but pattern: ${op}`, at);
  }
}

/** A single string or a non-empty list of strings. */
function strings(value: unknown, path: PatternPath, message: string): string[] {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw invalid(message, path);
  if (value.length === 0) throw invalid("Empty arrays are not allowed", path);
  for (const [i, item] of value.entries()) {
    if (typeof item !== "string") throw invalid(message, [...path, i]);
  }
  return value as string[];
}
