import { compileAnythingBut } from "./anything-but.ts";
import { invalid, type PatternPath } from "./errors.ts";
import { inRange, parseCidr, parseIp, sameIp } from "./ip.ts";
import { compileNumeric } from "./numeric.ts";
import type { LeafNode, ValueTest } from "./types.ts";
import { foldCase, isObject } from "./values.ts";
import { matchWildcard, parseWildcard } from "./wildcard.ts";

// A leaf's value list: plain JSON values match by type and value ("5" is not 5, "" is not null),
// objects are comparison operators. String operators (prefix, suffix, equals-ignore-case, wildcard,
// cidr) only match string values, `numeric` only JSON numbers ("Content filtering" page, aws/event-ruler
// README).

/** Compiles the array value of a pattern field (`path` points at that array). */
export function compileLeaf(list: readonly unknown[], path: PatternPath): LeafNode {
  if (list.length === 0) throw invalid("Empty arrays are not allowed", path);
  const tests: ValueTest[] = [];
  let ifPresent = false;
  let ifAbsent = false;
  for (const [i, entry] of list.entries()) {
    const at = [...path, i];
    if (isObject(entry)) {
      const op = compileOperator(entry, at);
      if (op === true) ifPresent = true;
      else if (op === false) ifAbsent = true;
      else tests.push(op);
    } else {
      tests.push(compileExact(entry, at));
    }
  }
  return { kind: "leaf", tests, ifPresent, ifAbsent };
}

function compileExact(value: unknown, path: PatternPath): ValueTest {
  if (typeof value === "string") {
    // AWS compares IP addresses as addresses, so "2001:db8::1" also matches "2001:DB8:0:0:0:0:0:1".
    const ip = parseIp(value);
    if (ip === undefined) return (v) => v === value;
    return (v) => {
      if (v === value) return true;
      const other = typeof v === "string" ? parseIp(v) : undefined;
      return other !== undefined && sameIp(ip, other);
    };
  }
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" || value === null) {
    return (v) => v === value;
  }
  throw invalid("Match value must be String, number, true, false, or null", path);
}

/** An operator object; `true`/`false` stand for `{ "exists": true/false }`. */
function compileOperator(entry: Record<string, unknown>, path: PatternPath): ValueTest | boolean {
  const keys = Object.keys(entry);
  const [op] = keys;
  if (op === undefined) throw invalid("Match expression name not found", path);
  if (keys.length > 1) throw invalid("Only one key allowed in match expression", [...path, keys[1] ?? ""]);
  const at = [...path, op];
  const value = entry[op];
  switch (op) {
    case "prefix":
    case "suffix":
      return compileAffix(op, value, at);
    case "equals-ignore-case": {
      const text = requireString(value, "equals-ignore-case match pattern must be a string", at);
      const folded = foldCase(text);
      return (v) => typeof v === "string" && foldCase(v) === folded;
    }
    case "wildcard": {
      const text = requireString(value, "wildcard match pattern must be a string", at);
      const parsed = parseWildcard(text);
      if (typeof parsed === "string") throw invalid(parsed, at);
      return (v) => typeof v === "string" && matchWildcard(parsed, v);
    }
    case "anything-but":
      return compileAnythingBut(value, at);
    case "numeric":
      return compileNumeric(value, at);
    case "exists":
      if (typeof value !== "boolean") throw invalid("exists match pattern must be either true or false.", at);
      return value;
    case "cidr": {
      const range = parseCidr(requireString(value, "cidr match pattern must be a string", at));
      if (typeof range === "string") throw invalid(range, at);
      return (v) => {
        const ip = typeof v === "string" ? parseIp(v) : undefined;
        return ip !== undefined && inRange(ip, range);
      };
    }
    default:
      throw invalid(`Unrecognized match type ${op}`, at);
  }
}

/** `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }` to ignore case. */
function compileAffix(op: "prefix" | "suffix", value: unknown, path: PatternPath): ValueTest {
  if (isObject(value)) {
    const keys = Object.keys(value);
    const [inner] = keys;
    const name = op === "prefix" ? "Prefix" : "Suffix";
    if (inner === undefined) throw invalid(`${name} expression name not found`, path);
    if (keys.length > 1) throw invalid("Only one key allowed in match expression", [...path, keys[1] ?? ""]);
    if (inner !== "equals-ignore-case")
      throw invalid(`Unsupported ${op} pattern: ${inner}`, [...path, inner]);
    const text = requireString(value[inner], "equals-ignore-case match pattern must be a string", [
      ...path,
      inner,
    ]);
    const folded = foldCase(text);
    return op === "prefix"
      ? (v) => typeof v === "string" && foldCase(v).startsWith(folded)
      : (v) => typeof v === "string" && foldCase(v).endsWith(folded);
  }
  const text = requireString(value, `${op} match pattern must be a string`, path);
  return op === "prefix"
    ? (v) => typeof v === "string" && v.startsWith(text)
    : (v) => typeof v === "string" && v.endsWith(text);
}

function requireString(value: unknown, message: string, path: PatternPath): string {
  if (typeof value !== "string") throw invalid(message, path);
  return value;
}
