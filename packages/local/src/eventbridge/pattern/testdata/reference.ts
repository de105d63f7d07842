// A deliberately naive event-pattern matcher, written only to cross-check the real one in the
// differential test. It walks the raw pattern JSON on every call (no compilation, no validation) and
// covers exact values, prefix, suffix, equals-ignore-case, anything-but lists and prefix/suffix lists,
// numeric, exists, $or.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMap = (v: unknown): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function spread(v: Json | undefined): (Json | undefined)[] {
  // Nested arrays in an event count as one flat list of elements.
  if (!Array.isArray(v)) return [v];
  const out: Json[] = [];
  const walk = (a: Json[]) => {
    for (const x of a) Array.isArray(x) ? walk(x) : out.push(x);
  };
  walk(v);
  return out;
}

function scalars(v: Json | undefined): (string | number | boolean | null)[] {
  return spread(v).filter((x) => x !== undefined && !isMap(x)) as (string | number | boolean | null)[];
}

const inRange = (n: number) => n >= -5e9 && n <= 5e9;

function compare(op: string, a: number, b: number): boolean {
  if (op === "<") return a < b;
  if (op === "<=") return a <= b;
  if (op === ">") return a > b;
  if (op === ">=") return a >= b;
  return a === b;
}

function valueMatches(rule: Json, v: string | number | boolean | null): boolean {
  if (!isMap(rule)) return rule === v;
  const [op, arg] = Object.entries(rule)[0] ?? ["", null];
  if (op === "prefix") return typeof v === "string" && v.startsWith(String(arg));
  if (op === "suffix") return typeof v === "string" && v.endsWith(String(arg));
  if (op === "equals-ignore-case")
    return typeof v === "string" && v.toLowerCase() === String(arg).toLowerCase();
  if (op === "anything-but" && isMap(arg)) {
    // { prefix | suffix: one string or a list }: anything that is not a string starting (ending) so.
    const [affix, given] = Object.entries(arg)[0] ?? ["", []];
    const list = (Array.isArray(given) ? given : [given]).map(String);
    if (typeof v !== "string") return true;
    return !list.some((a) => (affix === "prefix" ? v.startsWith(a) : v.endsWith(a)));
  }
  if (op === "anything-but") {
    const list = Array.isArray(arg) ? arg : [arg];
    if (typeof v === "number" && !inRange(v)) return true;
    return !list.includes(v);
  }
  if (op === "numeric") {
    if (typeof v !== "number" || !inRange(v) || !Array.isArray(arg)) return false;
    for (let i = 0; i < arg.length; i += 2) {
      if (!compare(String(arg[i]), v, Number(arg[i + 1]))) return false;
    }
    return true;
  }
  return false;
}

function leafMatches(rules: Json[], value: Json | undefined): boolean {
  const values = scalars(value);
  return rules.some((rule) => {
    if (isMap(rule) && "exists" in rule) return rule.exists === values.length > 0;
    return values.some((v) => valueMatches(rule, v));
  });
}

/** Does `event` (or one element of it, when it is an array) satisfy the pattern object? */
export function referenceMatches(pattern: Record<string, Json>, event: Json | undefined): boolean {
  const elements = spread(event);
  if (elements.length === 0) return referenceMatches(pattern, undefined);
  return elements.some((element) =>
    Object.entries(pattern).every(([key, rule]) => {
      if (key === "$or" && Array.isArray(rule)) {
        return rule.some((alt) => isMap(alt) && referenceMatches(alt, element));
      }
      const child = isMap(element) ? element[key] : undefined;
      return Array.isArray(rule) ? leafMatches(rule, child) : isMap(rule) && referenceMatches(rule, child);
    }),
  );
}

export type { Json };
