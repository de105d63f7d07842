import { nuid } from "@nats-io/nats-core";
import { type Clock, systemClock } from "../resilience/clock.ts";
import {
  DEFAULT_DEDUP_TTL_MS,
  DEFAULT_LEASE_MS,
  type DedupClaim,
  type DedupRecord,
  type DedupStore,
  type DedupStoreOptions,
} from "./store.ts";

/**
 * A store for one process. Entries are kept in write order (a write moves the key to the end), so
 * expired ones are dropped from the front: memory stays bounded by what arrived within the TTL.
 */
export function createMemoryDedupStore(
  options: DedupStoreOptions = {},
  deps: { readonly clock?: Clock } = {},
): DedupStore {
  const ttlMs = options.ttlMs ?? DEFAULT_DEDUP_TTL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const clock = deps.clock ?? systemClock;
  const owner = nuid.next();
  const entries = new Map<string, DedupRecord>();

  const write = (key: string, record: DedupRecord) => {
    entries.delete(key);
    entries.set(key, record);
  };
  const expire = (now: number) => {
    for (const [key, record] of entries) {
      if (now - record.at < ttlMs) break;
      entries.delete(key);
    }
  };

  return {
    async claim(key): Promise<DedupClaim> {
      const now = clock.now();
      expire(now);
      const existing = entries.get(key);
      if (existing?.state === "done") return { state: "done" };
      if (existing?.state === "running" && now - existing.at < leaseMs) return { state: "busy" };
      const mine: DedupRecord = { state: "running", owner, at: now };
      write(key, mine);
      const stillMine = () => entries.get(key) === mine;
      return {
        state: "claimed",
        complete: async () => {
          if (stillMine()) write(key, { state: "done", owner, at: clock.now() });
        },
        release: async () => {
          if (stillMine()) entries.delete(key);
        },
      };
    },
  };
}
