import { invalid, type PatternPath } from "./errors.ts";
import type { ValueTest } from "./types.ts";

// Numeric matching is documented as limited to -5.0e9..+5.0e9 inclusive with six digits to the right
// of the decimal point (aws/event-ruler README "Numeric matching"). Both sides are reduced to whole
// millionths above -5e9, computed in the same double arithmetic as AWS, so ties resolve the same way.
export const NUMERIC_LIMIT = 5e9;

/** The number in comparable form, or undefined outside the matchable range. */
export function comparable(n: number): number | undefined {
  if (!Number.isFinite(n) || n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT) return undefined;
  return Math.trunc(1e6 * (NUMERIC_LIMIT + n));
}

export const RANGE_MESSAGE = "Value must be between -5.0E9 and 5.0E9, inclusive";

function operand(spec: readonly unknown[], index: number, op: string, path: PatternPath): number {
  const value = spec[index];
  if (typeof value !== "number") {
    throw invalid(`Value of ${op === "=" ? "equals" : op} must be numeric`, [...path, index]);
  }
  const c = comparable(value);
  if (c === undefined) throw invalid(RANGE_MESSAGE, [...path, index]);
  return c;
}

function noMoreThan(spec: readonly unknown[], count: number, message: string, path: PatternPath): void {
  if (spec.length > count) throw invalid(message, [...path, count]);
}

/** Compiles the array of a `{ "numeric": [...] }` entry (`path` points at that array). */
export function compileNumeric(spec: unknown, path: PatternPath): ValueTest {
  if (!Array.isArray(spec)) throw invalid("Value of numeric must be an array.", path);
  const op = spec[0];
  if (typeof op !== "string") {
    throw invalid(`Invalid member in numeric match: ${spec.length === 0 ? "]" : JSON.stringify(op)}`, [
      ...path,
      0,
    ]);
  }
  const tooMany = "Too many elements in numeric expression";
  switch (op) {
    case "=": {
      const eq = operand(spec, 1, op, path);
      noMoreThan(spec, 2, tooMany, path);
      return (v) => typeof v === "number" && comparable(v) === eq;
    }
    case "<":
    case "<=": {
      const top = operand(spec, 1, op, path);
      noMoreThan(spec, 2, tooMany, path);
      return upper(op, top);
    }
    case ">":
    case ">=": {
      const bottom = operand(spec, 1, op, path);
      const low = lower(op, bottom);
      if (spec.length === 2) return low;
      const op2 = spec[2];
      if (typeof op2 !== "string")
        throw invalid(`Bad value in numeric range: ${JSON.stringify(op2)}`, [...path, 2]);
      // Only a lower bound followed by an upper bound forms a range.
      if (op2 !== "<" && op2 !== "<=") throw invalid(`Bad numeric range operator: ${op2}`, [...path, 2]);
      const top = operand(spec, 3, op2, path);
      noMoreThan(spec, 4, "Too many terms in numeric range expression", path);
      if (bottom >= top) throw invalid("Bottom must be less than top", [...path, 3]);
      const high = upper(op2, top);
      return (v) => low(v) && high(v);
    }
    default:
      throw invalid(`Unrecognized numeric range operator: ${op}`, [...path, 0]);
  }
}

function lower(op: ">" | ">=", bound: number): ValueTest {
  return (v) => {
    const c = typeof v === "number" ? comparable(v) : undefined;
    return c !== undefined && (op === ">" ? c > bound : c >= bound);
  };
}

function upper(op: "<" | "<=", bound: number): ValueTest {
  return (v) => {
    const c = typeof v === "number" ? comparable(v) : undefined;
    return c !== undefined && (op === "<" ? c < bound : c <= bound);
  };
}
