import { capturePlan, extractCaptures } from "./captures.ts";
import type { CompiledPattern, PatternToken } from "./parse.ts";

/**
 * Matches one subject against one pattern and returns its captures, or `undefined`. A subject that is
 * not concrete (empty or wildcard tokens) never matches; this never throws.
 */
export function matchPattern(pattern: CompiledPattern, subject: string): Record<string, string> | undefined {
  if (!isConcreteSubject(subject)) return undefined;
  const tokens = subject.split(".");
  const pts = pattern.tokens;
  const last = pts[pts.length - 1];
  if (last?.kind === "rest" ? tokens.length < pts.length : tokens.length !== pts.length) return undefined;
  for (let i = 0; i < pts.length; i++) {
    const pt = pts[i] as PatternToken;
    if (pt.kind === "literal" && pt.value !== tokens[i]) return undefined;
  }
  return extractCaptures(capturePlan(pattern), subject);
}

/**
 * True unless `subject` has an empty token or a lone `*` / `>` token. One pass over char codes with no
 * allocation: it guards every lookup.
 */
export function isConcreteSubject(subject: string): boolean {
  const n = subject.length;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && subject.charCodeAt(i) !== 46 /* . */) continue;
    const length = i - start;
    if (length === 0) return false;
    if (length === 1) {
      const c = subject.charCodeAt(start);
      if (c === 42 /* * */ || c === 62 /* > */) return false;
    }
    start = i + 1;
  }
  return true;
}

/**
 * True when every subject matching `pattern` also matches `filter` (e.g. a route's subject lies inside
 * one of its stream's subjects). Captures are irrelevant: only the erased shapes are compared.
 */
export function patternCovers(filter: CompiledPattern, pattern: CompiledPattern): boolean {
  const f = filter.tokens;
  const p = pattern.tokens;
  for (let i = 0; i < f.length; i++) {
    const ft = f[i] as PatternToken;
    const pt = p[i];
    // `pattern` ended: its subjects are shorter than anything `filter` (which needs token i) matches.
    if (pt === undefined) return false;
    // `>` in the filter takes any one-or-more tail, and `pattern` has at least one token left.
    if (ft.kind === "rest") return true;
    // A tail of any length in `pattern` cannot fit a filter of fixed length.
    if (pt.kind === "rest") return false;
    if (ft.kind === "literal" && (pt.kind !== "literal" || pt.value !== ft.value)) return false;
  }
  return p.length === f.length;
}

/** True when at least one subject matches both patterns (e.g. two streams claiming the same subject). */
export function patternsOverlap(a: CompiledPattern, b: CompiledPattern): boolean {
  const n = Math.max(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const at = a.tokens[i];
    const bt = b.tokens[i];
    // One ended while the other still needs a token (a `>` needs at least one, too).
    if (at === undefined || bt === undefined) return false;
    if (at.kind === "rest" || bt.kind === "rest") return true;
    if (at.kind === "literal" && bt.kind === "literal" && at.value !== bt.value) return false;
  }
  return true;
}

const RANK = { literal: 2, one: 1, rest: 0 } as const;

/**
 * Orders patterns by specificity: positive when `a` is more specific than `b`, negative when less, 0 when
 * they have the same shape of token kinds. Tokens are compared left to right, literal > `*` > `>`; the
 * first difference decides. Patterns equal on their common prefix but of different lengths never match
 * the same subject, so the longer one is called more specific only to keep the order total.
 * Sort most-specific-first with `list.sort((x, y) => compareSpecificity(y, x))`.
 */
export function compareSpecificity(a: CompiledPattern, b: CompiledPattern): number {
  const n = Math.min(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const d = RANK[(a.tokens[i] as PatternToken).kind] - RANK[(b.tokens[i] as PatternToken).kind];
    if (d !== 0) return d;
  }
  return a.tokens.length - b.tokens.length;
}
