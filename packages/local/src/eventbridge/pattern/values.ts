/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Case folding for `equals-ignore-case` (alone or with prefix, suffix, anything-but): compares
 * lower-cased strings, i.e. "regardless of case" as the AWS operator table puts it.
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}
