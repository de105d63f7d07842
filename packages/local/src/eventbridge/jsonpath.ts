// The JSONPath subset EventBridge evaluates in InputPath and InputPathsMap: dot notation (names with
// dashes, underscores, alphanumerics, forward slashes), array indices and wildcards. Bracketed names
// are not part of it: "You must use JSON dot notation, not bracket notation" (API reference,
// InputTransformer.InputPathsMap).

type Step = { readonly name: string } | { readonly index: number } | { readonly wildcard: true };

export interface JsonPath {
  readonly text: string;
  readonly steps: readonly Step[];
  /** A wildcard makes the result the list of every value found. */
  readonly many: boolean;
}

/** Parses a path, or returns the reason it is not one EventBridge evaluates. */
export function parseJsonPath(text: string): JsonPath | string {
  if (!text.startsWith("$")) return "a JSON path starts with $";
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      const m = /^[^.[\]]+/.exec(text.slice(i + 1));
      if (m === null) return `empty name after "." at offset ${i}`;
      steps.push(m[0] === "*" ? { wildcard: true } : { name: m[0] });
      i += 1 + m[0].length;
    } else if (c === "[") {
      const m = /^\[(\d+|\*)\]/.exec(text.slice(i));
      if (m === null) return `only [index] and [*] may follow "[" (offset ${i}); use dot notation for names`;
      steps.push(m[1] === "*" ? { wildcard: true } : { index: Number(m[1]) });
      i += m[0].length;
    } else {
      return `unexpected "${c}" at offset ${i}`;
    }
  }
  return { text, steps, many: steps.some((s) => "wildcard" in s) };
}

/** The value the path selects, or `found: false` when the event has nothing there. */
export function selectJsonPath(path: JsonPath, root: unknown): { found: boolean; value?: unknown } {
  let current: unknown[] = [root];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("wildcard" in step) {
        if (Array.isArray(value)) next.push(...value);
        else if (typeof value === "object" && value !== null) next.push(...Object.values(value));
      } else if ("index" in step) {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        if (Object.hasOwn(value, step.name)) next.push((value as Record<string, unknown>)[step.name]);
      }
    }
    current = next;
  }
  if (path.many) return current.length === 0 ? { found: false } : { found: true, value: current };
  return current.length === 0 ? { found: false } : { found: true, value: current[0] };
}
