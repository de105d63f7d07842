/*
 * Hand-written on purpose: no maintained library offers a NATS-semantics subject trie that picks the most
 * specific route (literal > `*` > `>`, left to right), returns named captures, and rejects ambiguous
 * route sets up front. Regex lists scale with the number of routes; this trie scales with the token count.
 */

import { type CapturePlan, capturePlan, extractCaptures } from "./captures.ts";
import { RouteConflictError } from "./errors.ts";
import { isConcreteSubject } from "./match.ts";
import { type CompiledPattern, parsePattern } from "./parse.ts";

export interface SubjectRouteEntry<T> {
  readonly name: string;
  readonly pattern: string | CompiledPattern;
  readonly value: T;
}

export interface SubjectMatch<T> {
  readonly name: string;
  readonly value: T;
  readonly pattern: CompiledPattern;
  /** A fresh object per lookup: `{name}` → one token, `{name>}` → the tail joined with `.`. */
  readonly captures: Record<string, string>;
}

/** Two routes of the same shape; the later one (`added`) was left out of the router. */
export interface SubjectRouteConflict<T> {
  readonly error: RouteConflictError;
  readonly existing: T;
  readonly added: T;
}

export interface SubjectRouterOptions<T> {
  /**
   * Called for each route that conflicts with an earlier one, which is then left out, instead of
   * throwing at the first conflict: a config check lists every conflict in one pass over the routes.
   */
  readonly onConflict?: (conflict: SubjectRouteConflict<T>) => void;
}

export interface SubjectRouter<T> {
  /** Number of routes. */
  readonly size: number;
  /**
   * The most specific route matching `subject`, or `undefined`. Subjects are assumed to come from NATS;
   * one with an empty or wildcard token matches nothing. Never throws.
   */
  lookup(subject: string): SubjectMatch<T> | undefined;
}

class Terminal<T> {
  constructor(
    readonly name: string,
    readonly value: T,
    readonly pattern: CompiledPattern,
    readonly plan: CapturePlan,
  ) {}
}

// Classes, not object literals, so every node has one hidden class and lookups stay monomorphic.
// A lone literal child is kept inline (`key`/`child`), not in a Map: most nodes have at most one, and
// skipping the Map saves memory and cache misses on large route sets (and a substring per step).
class TrieNode<T> {
  key: string | undefined = undefined;
  child: TrieNode<T> | undefined = undefined;
  /** Literal children once there are two or more; then `key` and `child` are unset. */
  literals: Map<string, TrieNode<T>> | undefined = undefined;
  one: TrieNode<T> | undefined = undefined;
  /** The route whose pattern ends exactly here. */
  end: Terminal<T> | undefined = undefined;
  /** The route whose pattern has `>` at this position (matches one or more remaining tokens). */
  rest: Terminal<T> | undefined = undefined;
}

/**
 * Compiles routes into a trie. Throws `InvalidPatternError` for a bad pattern and `RouteConflictError`
 * when two routes have the same shape once capture names are erased (equal specificity, same subjects),
 * unless `options.onConflict` takes the conflicts.
 */
export function createSubjectRouter<T>(
  entries: Iterable<SubjectRouteEntry<T>>,
  options: SubjectRouterOptions<T> = {},
): SubjectRouter<T> {
  const builder = new TrieBuilder<T>(options.onConflict);
  for (const entry of entries) builder.add(entry);
  const { root, size } = builder;
  return {
    size,
    lookup(subject: string): SubjectMatch<T> | undefined {
      if (!isConcreteSubject(subject)) return undefined;
      const hit = find(root, subject, 0);
      if (hit === undefined) return undefined;
      // Captures are built only for the winner, never for candidates explored on the way.
      return {
        name: hit.name,
        value: hit.value,
        pattern: hit.pattern,
        captures: extractCaptures(hit.plan, subject),
      };
    },
  };
}

/**
 * Builds the trie. With thousands of routes, what a lookup touches must stay small to stay in cache, so
 * equal literal tokens (`orders`, `eu` …) share one string and equal capture layouts share one plan,
 * instead of each route bringing its own copies from wherever its pattern was allocated.
 */
class TrieBuilder<T> {
  readonly root = new TrieNode<T>();
  size = 0;
  private readonly keys = new Map<string, string>();
  private readonly plans = new Map<string, CapturePlan>();

  constructor(private readonly onConflict: SubjectRouterOptions<T>["onConflict"]) {}

  add(entry: SubjectRouteEntry<T>): void {
    const pattern = typeof entry.pattern === "string" ? parsePattern(entry.pattern) : entry.pattern;
    const terminal = new Terminal(entry.name, entry.value, pattern, this.plan(pattern));
    let node = this.root;
    for (const token of pattern.tokens) {
      if (token.kind === "rest") {
        // parsePattern guarantees `>` is last; a hand-built CompiledPattern gets the same treatment.
        this.settle(node, "rest", terminal);
        return;
      }
      if (token.kind === "one") {
        node.one ??= new TrieNode<T>();
        node = node.one;
      } else {
        node = this.literalChild(node, token.value);
      }
    }
    this.settle(node, "end", terminal);
  }

  /**
   * Puts the route at its place, or reports a conflict with the route already there. A conflicting
   * route's path exists already (same shape), so leaving it out leaves no stray nodes.
   */
  private settle(node: TrieNode<T>, place: "end" | "rest", added: Terminal<T>): void {
    const existing = node[place];
    if (existing === undefined) {
      node[place] = added;
      this.size++;
      return;
    }
    const error = new RouteConflictError(
      [existing.name, added.name],
      [existing.pattern.source, added.pattern.source],
      added.pattern.natsSubject,
    );
    if (this.onConflict === undefined) throw error;
    this.onConflict({ error, existing: existing.value, added: added.value });
  }

  private plan(pattern: CompiledPattern): CapturePlan {
    const plan = capturePlan(pattern);
    const layout = `${plan.at.join()}|${plan.names.join()}|${plan.restAt}|${plan.rest ?? ""}`;
    const shared = this.plans.get(layout);
    if (shared !== undefined) return shared;
    this.plans.set(layout, plan);
    return plan;
  }

  private literalChild(node: TrieNode<T>, value: string): TrieNode<T> {
    let key = this.keys.get(value);
    if (key === undefined) {
      key = value;
      this.keys.set(key, key);
    }
    if (node.key === key && node.child !== undefined) return node.child;
    if (node.literals === undefined) {
      if (node.key === undefined) {
        node.key = key;
        node.child = new TrieNode<T>();
        return node.child;
      }
      node.literals = new Map([[node.key, node.child as TrieNode<T>]]);
      node.key = undefined;
      node.child = undefined;
    }
    let next = node.literals.get(key);
    if (next === undefined) {
      next = new TrieNode<T>();
      node.literals.set(key, next);
    }
    return next;
  }
}

/**
 * Depth-first in priority order (literal, then `*`, then `>`), so the first hit is the most specific
 * match: at the first position where candidates differ, every higher-ranked branch was exhausted first.
 * Walks the subject by character offsets instead of splitting it (a split costs about as much as the
 * whole walk); only Map lookups cut a substring. `start` is the offset of the current token, or past the
 * end once all tokens are consumed. Backtracking happens only where a node has both a literal and `*`.
 */
function find<T>(node: TrieNode<T>, subject: string, start: number): Terminal<T> | undefined {
  if (start > subject.length) return node.end;
  let end = subject.indexOf(".", start);
  if (end < 0) end = subject.length;
  let next: TrieNode<T> | undefined;
  const key = node.key;
  if (key !== undefined) {
    if (key.length === end - start && subject.startsWith(key, start)) next = node.child;
  } else if (node.literals !== undefined) {
    next = node.literals.get(subject.slice(start, end));
  }
  if (next !== undefined) {
    const hit = find(next, subject, end + 1);
    if (hit !== undefined) return hit;
  }
  if (node.one !== undefined) {
    const hit = find(node.one, subject, end + 1);
    if (hit !== undefined) return hit;
  }
  return node.rest;
}
