import type { JunctionClient } from "@junction/sdk";

/** Where every partitioned consumer group keeps membership and ownership (the SDK's default bucket). */
const GROUPS_BUCKET = "JUNCTION_GROUPS";

/** One member of a group and the partitions it holds. */
export interface GroupMemberStatus {
  readonly id: string;
  readonly partitions: readonly number[];
  /** Time since its last heartbeat, by the clock of the process that wrote it; absent once its key is gone. */
  readonly leaseAgeMs?: number;
}

/** A partitioned route (named after it) or a singleton election (`kv-mirror-<bucket>`), as the bucket holds it. */
export interface GroupStatus {
  readonly group: string;
  /** Its partition count, as its first member stored it. */
  readonly partitions?: number;
  readonly members: readonly GroupMemberStatus[];
  /** Partitions no member holds now (being handed over, or no member alive to take them). */
  readonly unowned: readonly number[];
}

/** One group's records: partition count, heartbeat times by member, owner by partition. */
interface Records {
  partitions?: number;
  readonly beats: Map<string, number>;
  readonly owners: Map<number, string>;
}

/**
 * The bucket's records, read once (see `startPartitionGroup` in the SDK): `<group>.config`
 * `{partitions}`, `<group>.member.<id>` `{at}` heartbeats and `<group>.owner.<n>` `{owner, released?}`
 * claims; a released claim is a hand-over in progress, so its partition counts as unowned.
 */
export async function readGroups(client: JunctionClient): Promise<GroupStatus[]> {
  const jsm = await client.jetstream().manager();
  // No bucket: no group has ever run. Listing avoids telling "missing" from other failures by error.
  let exists = false;
  for await (const name of jsm.streams.names(`$KV.${GROUPS_BUCKET}.>`))
    exists ||= name === `KV_${GROUPS_BUCKET}`;
  if (!exists) return [];
  const kv = await client.kv<Record<string, unknown>>(GROUPS_BUCKET, { bindOnly: true });
  const now = Date.now();
  const groups = new Map<string, Records>();
  const keys = await kv.keys();
  // In parallel over the one connection: the reads overlap instead of waiting one after another.
  const values = await Promise.all(keys.map(async (key) => (await kv.get(key))?.value));
  for (const [i, key] of keys.entries()) {
    const value = values[i];
    const [group = "", kind, id = ""] = key.split(".");
    if (value === undefined) continue;
    const g: Records = groups.get(group) ?? { beats: new Map(), owners: new Map() };
    groups.set(group, g);
    if (kind === "config" && typeof value.partitions === "number") g.partitions = value.partitions;
    else if (kind === "member" && typeof value.at === "number") g.beats.set(id, value.at);
    else if (kind === "owner" && typeof value.owner === "string" && value.released !== true) {
      g.owners.set(Number(id), value.owner);
    }
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, g]) => {
      const ids = [...new Set([...g.beats.keys(), ...g.owners.values()])].sort();
      const owned = (id: string) =>
        [...g.owners]
          .filter(([, owner]) => owner === id)
          .map(([p]) => p)
          .sort((a, b) => a - b);
      const count = g.partitions ?? Math.max(-1, ...g.owners.keys()) + 1;
      return {
        group,
        ...(g.partitions === undefined ? {} : { partitions: g.partitions }),
        members: ids.map((id) => {
          const at = g.beats.get(id);
          return {
            id,
            partitions: owned(id),
            ...(at === undefined ? {} : { leaseAgeMs: Math.max(0, now - at) }),
          };
        }),
        unowned: Array.from({ length: count }, (_, p) => p).filter((p) => !g.owners.has(p)),
      };
    });
}
