import { serializationError, validationError } from "./errors.ts";

/** A decoded JSON request body (or a structure inside one). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The member constraints of the EventBridge API model (API reference, "Length Constraints" and
// "Pattern" of each parameter).
export const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
export const NAME_PATTERN_TEXT = "[\\.\\-_A-Za-z0-9]+";
export const BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]+$/;
export const BUS_NAME_PATTERN_TEXT = "[/\\.\\-_A-Za-z0-9]+";

interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly patternText?: string;
  readonly values?: readonly string[];
}

/**
 * Collects member-constraint failures and reports them all at once, worded as AWS words them:
 * `2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: …; …`.
 */
export class Constraints {
  private readonly problems: string[] = [];

  required(value: unknown, at: string): boolean {
    if (value !== undefined && value !== null) return true;
    this.problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
    return false;
  }

  string(value: string | undefined, at: string, rule: StringRule): void {
    if (value === undefined) return;
    const fail = (what: string) =>
      this.problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: Member must ${what}`);
    if (rule.min !== undefined && value.length < rule.min)
      fail(`have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && value.length > rule.max)
      fail(`have length less than or equal to ${rule.max}`);
    if (rule.pattern !== undefined && value.length > 0 && !rule.pattern.test(value))
      fail(`satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
    if (rule.values !== undefined && !rule.values.includes(value))
      fail(`satisfy enum value set: [${rule.values.join(", ")}]`);
  }

  /** `shown` renders the list the way AWS prints it in the message (only built when it fails). */
  count(
    items: readonly unknown[] | undefined,
    at: string,
    min: number,
    max: number,
    shown?: () => string,
  ): void {
    if (items === undefined || (items.length >= min && items.length <= max)) return;
    const value = shown?.() ?? `[${items.length} items]`;
    if (items.length < min)
      this.problems.push(
        `Value '${value}' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    if (items.length > max)
      this.problems.push(
        `Value '${value}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
  }

  number(value: number | undefined, at: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min)
      this.problems.push(
        `Value '${value}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    if (value > max)
      this.problems.push(
        `Value '${value}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
  }

  check(): void {
    const n = this.problems.length;
    if (n === 0) return;
    const noun = n === 1 ? "error" : "errors";
    throw validationError(`${n} validation ${noun} detected: ${this.problems.join("; ")}`);
  }
}

// Readers for one member of a decoded body: absent is `undefined`, the wrong JSON type is a
// SerializationException (what the AWS JSON protocol answers when a member cannot be decoded).

export function optString(input: JsonObject, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw serializationError(`${key} must be a string`);
  return value;
}

export function optNumber(input: JsonObject, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw serializationError(`${key} must be a number`);
  return value;
}

export function optBoolean(input: JsonObject, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw serializationError(`${key} must be a boolean`);
  return value;
}

export function optObject(input: JsonObject, key: string): JsonObject | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw serializationError(`${key} must be an object`);
  return value;
}

export function optArray(input: JsonObject, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serializationError(`${key} must be a list`);
  return value;
}

export function optStringList(input: JsonObject, key: string): string[] | undefined {
  const list = optArray(input, key);
  if (list === undefined) return undefined;
  if (!list.every((item) => typeof item === "string"))
    throw serializationError(`${key} must be a list of strings`);
  return list as string[];
}

/** Limit/NextToken paging over an already ordered list (the token is an opaque offset). */
export function page<T>(
  items: readonly T[],
  input: JsonObject,
  c: Constraints,
): { items: T[]; nextToken?: string } {
  const limit = optNumber(input, "Limit");
  c.number(limit, "limit", 1, 100);
  const token = optString(input, "NextToken");
  c.check();
  let start = 0;
  if (token !== undefined) {
    start = Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10);
    if (!Number.isSafeInteger(start) || start < 0) throw validationError("The NextToken is not valid.");
  }
  const end = limit === undefined ? items.length : start + limit;
  const slice = items.slice(start, end);
  return end < items.length
    ? { items: slice, nextToken: Buffer.from(String(end)).toString("base64url") }
    : { items: slice };
}
