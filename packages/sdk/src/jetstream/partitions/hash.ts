/**
 * The partition of a key, computed the same way in every language: FNV-1a (32 bit) over the key's
 * UTF-8 bytes, as an unsigned integer, modulo the partition count. FNV-1a is hand-written here
 * because it is five lines and the documented contract (docs/scaling.md), not a library choice.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `fnv1a32(key) % partitions`: `partitionOf("customer-42", 16)`. */
export function partitionOf(key: string, partitions: number): number {
  return fnv1a32(key) % partitions;
}

/**
 * Who should own each partition, given the live members: balanced rendezvous hashing. Each partition
 * goes to its highest-scoring member that still has room (at most ⌈partitions / members⌉ each), so
 * every member computes the same answer from the same set, the load is even, and a join or leave
 * moves few partitions.
 */
export function assignPartitions(members: readonly string[], partitions: number): string[] {
  const sorted = [...new Set(members)].sort();
  if (sorted.length === 0) return [];
  const room = Math.ceil(partitions / sorted.length);
  const load = new Map(sorted.map((m) => [m, 0]));
  const owners: string[] = [];
  for (let p = 0; p < partitions; p++) {
    let best: string | undefined;
    let bestScore = -1;
    for (const m of sorted) {
      const score = fnv1a32(`${p}:${m}`);
      if ((load.get(m) ?? 0) < room && score > bestScore) {
        best = m;
        bestScore = score;
      }
    }
    const owner = best ?? (sorted[0] as string);
    load.set(owner, (load.get(owner) ?? 0) + 1);
    owners.push(owner);
  }
  return owners;
}
