import type { CompiledPattern } from "./parse.ts";

/**
 * Where a pattern's captures sit, flattened to two parallel arrays so that extracting them for a routed
 * message touches two small arrays, not the pattern's token objects (which, across thousands of routes,
 * are scattered in memory and cost cache misses on the hot path).
 */
export interface CapturePlan {
  /** Token indices of `{name}` captures, ascending. */
  readonly at: readonly number[];
  readonly names: readonly string[];
  /** Name of the trailing `{name>}` capture, if any. */
  readonly rest: string | undefined;
  /** Token index of that trailing capture. */
  readonly restAt: number;
}

const NONE: CapturePlan = Object.freeze({ at: [], names: [], rest: undefined, restAt: -1 });

export function capturePlan(pattern: CompiledPattern): CapturePlan {
  if (pattern.captures.length === 0) return NONE;
  const at: number[] = [];
  const names: string[] = [];
  let rest: string | undefined;
  let restAt = -1;
  pattern.tokens.forEach((token, i) => {
    if (token.kind === "one" && token.capture !== undefined) {
      at.push(i);
      names.push(token.capture);
    } else if (token.kind === "rest" && token.capture !== undefined) {
      rest = token.capture;
      restAt = i;
    }
  });
  return { at, names, rest, restAt };
}

/**
 * The captures of a pattern known to match `subject`, found by walking token boundaries with `indexOf`
 * rather than splitting the subject. `{name>}` takes the subject's tail as is (tokens joined with `.`).
 */
export function extractCaptures(plan: CapturePlan, subject: string): Record<string, string> {
  const captures: Record<string, string> = {};
  const { at, names } = plan;
  let token = 0;
  let start = 0;
  for (let k = 0; k < at.length; k++) {
    const target = at[k] as number;
    for (; token < target; token++) start = subject.indexOf(".", start) + 1;
    let end = subject.indexOf(".", start);
    if (end < 0) end = subject.length;
    captures[names[k] as string] = subject.slice(start, end);
  }
  if (plan.rest !== undefined) {
    for (; token < plan.restAt; token++) start = subject.indexOf(".", start) + 1;
    captures[plan.rest] = subject.slice(start);
  }
  return captures;
}
