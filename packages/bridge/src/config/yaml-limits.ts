import { type Alias, type Document, isAlias, isCollection, isPair, isScalar, type Node } from "yaml";
import type { PathSegment } from "../path.ts";

/** Limits on a config file, stated in docs/config-reference.md: far above any real config. */
export const CONFIG_LIMITS = {
  /** Size of the file. */
  bytes: 8 * 1024 * 1024,
  /** Maps and lists inside each other, aliases followed. */
  depth: 64,
  /** Values (keys, scalars, maps, lists) once every alias is expanded. */
  values: 1_000_000,
  /** Anchors and aliases (`&name`, `*name`): yaml resolves aliases in time quadratic in their number. */
  aliases: 10_000,
} as const;

/** The problem for a config text above the size limit, or undefined. */
export function sizeProblem(bytes: number): string | undefined {
  if (bytes <= CONFIG_LIMITS.bytes) return undefined;
  const limit = CONFIG_LIMITS.bytes;
  return `the config is ${bytes.toLocaleString("en-US")} bytes; the limit is ${limit / 1024 / 1024} MiB (${limit.toLocaleString("en-US")} bytes)`;
}

/** A problem at a node of the document (its line comes from the node). */
export type ReportAt = (path: readonly PathSegment[], message: string, node: Node) => void;

/**
 * Checks what would make turning the document into a value unsafe, before it is done: aliases that
 * resolve to no anchor or to a node that contains them (a cycle), too many of them, nesting deeper
 * than the limit, and aliases that expand the config past the value limit ("billion laughs"). After this, the value is a
 * finite tree of bounded depth, so every later step may walk it recursively. Returns false on a problem.
 *
 * Aliases are resolved here, once, in document order (the last anchor of that name before the alias,
 * as YAML says), rather than by `Alias.resolve`, which walks the whole document for each alias.
 */
export function checkDocument(doc: Document, report: ReportAt): boolean {
  const root = doc.contents;
  if (root === null) return true;
  const targets = new Map<Alias, Node>();
  if (!resolveAliases(root, targets, report)) return false;
  return measure(root, targets, report);
}

/** Pre-order, document order; stops descending past the depth limit (so recursion stays shallow). */
function resolveAliases(root: Node, targets: Map<Alias, Node>, report: ReportAt): boolean {
  const anchors = new Map<string, Node>();
  let ok = true;
  let marks = 0; // anchors and aliases
  const visit = (node: Node, path: Trail | undefined, depth: number): void => {
    if (!ok) return;
    if ((node.anchor !== undefined || isAlias(node)) && ++marks > CONFIG_LIMITS.aliases) {
      report(
        segments(path),
        `more than ${CONFIG_LIMITS.aliases.toLocaleString("en-US")} anchors and aliases`,
        node,
      );
      ok = false;
      return;
    }
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        report(segments(path), `alias *${node.source} has no anchor &${node.source} before it`, node);
        ok = false;
      } else targets.set(node, target);
      return;
    }
    if (!isCollection(node)) return;
    if (depth >= CONFIG_LIMITS.depth) {
      report(segments(path), `nested more than ${CONFIG_LIMITS.depth} levels deep`, node);
      ok = false;
      return;
    }
    forEachChild(node, (child, at) => visit(child, { up: path, at }, depth + 1));
  };
  visit(root, undefined, 0);
  return ok;
}

/**
 * Height and value count of every node with aliases expanded, memoised per node, so each node is
 * measured once however often it is aliased: O(nodes), and recursion no deeper than the depth limit.
 */
function measure(root: Node, targets: ReadonlyMap<Alias, Node>, report: ReportAt): boolean {
  const { depth: maxDepth, values: maxValues } = CONFIG_LIMITS;
  const sizes = new Map<Node, Size>();
  const open = new Set<Node>();
  let failed = false;
  const fail = (path: Trail | undefined, message: string, node: Node): Size => {
    report(segments(path), message, node);
    failed = true;
    return LEAF;
  };
  // `via`: the alias being expanded, if any; problems inside its value are reported on its line.
  const size = (node: Node, path: Trail | undefined, depth: number, via?: Alias): Size => {
    if (failed) return LEAF;
    if (isAlias(node)) {
      const target = targets.get(node) as Node;
      if (open.has(target))
        return fail(path, `alias *${node.source} refers to a value that contains it`, node);
      const expanded = size(target, path, depth, via ?? node);
      if (expanded.values > maxValues) {
        return fail(
          path,
          `alias *${node.source} expands to more than ${maxValues.toLocaleString("en-US")} values`,
          node,
        );
      }
      return expanded;
    }
    if (!isCollection(node)) return LEAF;
    const known = sizes.get(node);
    const height = known?.height ?? 1;
    if (depth + height > maxDepth) {
      const message = `nested more than ${maxDepth} levels deep${via === undefined ? "" : " (aliases followed)"}`;
      return fail(path, message, via ?? node);
    }
    if (known !== undefined) return known;
    open.add(node);
    let values = 1;
    let deepest = 0;
    forEachChild(node, (child, at) => {
      const s = size(child, { up: path, at }, depth + 1, via);
      values += s.values;
      deepest = Math.max(deepest, s.height);
    });
    open.delete(node);
    const result = { values, height: deepest + 1 };
    sizes.set(node, result);
    return result;
  };
  const total = size(root, undefined, 0);
  if (!failed && total.values > maxValues) {
    fail(
      undefined,
      `aliases expand the config to more than ${maxValues.toLocaleString("en-US")} values`,
      root,
    );
  }
  return !failed;
}

/** Calls `f` with a collection's keys and values and where they are (a map's key, or a list's index). */
function forEachChild(node: Node, f: (child: Node, at: PathSegment) => void): void {
  if (!isCollection(node)) return;
  const { items } = node;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (isPair(item)) {
      const key = item.key as Node | null;
      const at = isScalar(key) ? String(key.value) : i;
      if (key !== null) f(key, at);
      if (item.value !== null) f(item.value as Node, at);
    } else f(item as Node, i);
  }
}

/** The way down to a node, built as the walk descends and spelt out only for a problem. */
interface Trail {
  readonly up: Trail | undefined;
  readonly at: PathSegment;
}

function segments(trail: Trail | undefined): PathSegment[] {
  const out: PathSegment[] = [];
  for (let t = trail; t !== undefined; t = t.up) out.push(t.at);
  return out.reverse();
}

interface Size {
  /** Values in the node, itself included, aliases expanded. */
  readonly values: number;
  /** Levels of maps and lists, itself included (0 for a scalar). */
  readonly height: number;
}

const LEAF: Size = { values: 1, height: 0 };
