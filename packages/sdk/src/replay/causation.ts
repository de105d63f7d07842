import { compareStored, type StoredMessage } from "./stored.ts";

/** A message of a flow and the messages it caused. */
export interface CausationNode {
  readonly message: StoredMessage;
  /** In stream order. */
  readonly children: readonly CausationNode[];
  /** It names a cause (causation id) that is not among the messages read, e.g. a request no stream kept. */
  readonly orphan: boolean;
}

export interface CausationTree {
  /** Root messages and orphans, in stream order. */
  readonly roots: readonly CausationNode[];
  /** Parents before children; a message becomes due once its parent is delivered, due ones go in stream order. */
  readonly ordered: readonly StoredMessage[];
  /** Messages whose id was seen before (stored twice, e.g. outside a duplicate window): left out. */
  readonly duplicates: readonly StoredMessage[];
}

/**
 * Rebuilds the causation tree of one flow's messages (docs/protocol.md, "Identity"): each message
 * hangs under the message whose id is its causation id. Ids are unique, so there is no cycle; a
 * repeated id keeps its first copy in stream order.
 */
export function causationTree(messages: readonly StoredMessage[]): CausationTree {
  const sorted = [...messages].sort(compareStored);
  const byId = new Map<string, StoredMessage>();
  const duplicates: StoredMessage[] = [];
  for (const m of sorted) {
    if (byId.has(m.identity.id)) duplicates.push(m);
    else byId.set(m.identity.id, m);
  }
  const children = new Map<string, StoredMessage[]>();
  const roots: StoredMessage[] = [];
  for (const m of byId.values()) {
    const parent = m.identity.causationId;
    if (parent === undefined || parent === m.identity.id || !byId.has(parent)) roots.push(m);
    else {
      const siblings = children.get(parent);
      if (siblings) siblings.push(m);
      else children.set(parent, [m]);
    }
  }
  const node = (m: StoredMessage): CausationNode => ({
    message: m,
    children: (children.get(m.identity.id) ?? []).map(node),
    orphan: m.identity.causationId !== undefined && !byId.has(m.identity.causationId),
  });

  // Kahn's order with the due set kept sorted: as close to stream order as causality allows.
  const ordered: StoredMessage[] = [];
  const due = [...roots];
  while (due.length > 0) {
    const next = due.shift() as StoredMessage;
    ordered.push(next);
    for (const child of children.get(next.identity.id) ?? []) insertSorted(due, child);
  }
  return { roots: roots.map(node), ordered, duplicates };
}

function insertSorted(list: StoredMessage[], m: StoredMessage): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStored(list[mid] as StoredMessage, m) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, m);
}
