import { nuid } from "@nats-io/nats-core";
import type { JunctionClient } from "../connect/client.ts";
import { KvConflictError } from "../kv/errors.ts";
import type { KvBucket } from "../kv/kv.ts";
import {
  DEFAULT_DEDUP_TTL_MS,
  DEFAULT_LEASE_MS,
  type DedupClaim,
  type DedupRecord,
  type DedupStore,
  type DedupStoreOptions,
} from "./store.ts";

export interface KvDedupStoreOptions extends DedupStoreOptions {
  /** KV bucket, created if missing with `ttlMs` as its max age; default `JUNCTION_DEDUP`. */
  readonly bucket?: string;
}

/**
 * A store shared by every instance on the same bucket. The first instance to `create()` a key wins
 * the message (KV create is a compare-and-set against "no such key"); completion and release are CAS
 * writes on the claim's revision, so an instance whose lease was taken over cannot overwrite the new
 * owner. The TTL is the bucket's max age (per-key TTLs need nats-server 2.11), counted from the last
 * write of a key. Clocks of instances are compared for leases only: keep them roughly in sync.
 */
export function createKvDedupStore(
  options: KvDedupStoreOptions,
  deps: { readonly client: JunctionClient; readonly now?: () => number },
): DedupStore {
  const bucketName = options.bucket ?? "JUNCTION_DEDUP";
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = deps.now ?? Date.now;
  const owner = nuid.next();
  let opened: Promise<KvBucket<DedupRecord>> | undefined;
  const bucket = () => {
    opened ??= deps.client
      .kv<DedupRecord>(bucketName, { ttlMs: options.ttlMs ?? DEFAULT_DEDUP_TTL_MS })
      .catch((err: unknown) => {
        opened = undefined;
        throw err;
      });
    return opened;
  };

  const claimed = (kv: KvBucket<DedupRecord>, key: string, revision: number): DedupClaim => ({
    state: "claimed",
    complete: () => ignoreConflict(kv.update(key, { state: "done", owner, at: now() }, revision)),
    release: () => ignoreConflict(kv.delete(key, { expectedRevision: revision })),
  });

  return {
    async claim(key) {
      const kv = await bucket();
      // Two rounds: the key may vanish (released, expired) between our create and our get.
      for (let round = 0; round < 2; round++) {
        const mine: DedupRecord = { state: "running", owner, at: now() };
        try {
          return claimed(kv, key, await kv.create(key, mine));
        } catch (err) {
          if (!(err instanceof KvConflictError)) throw err;
        }
        const current = await kv.get(key);
        if (current === undefined) continue;
        if (current.value.state === "done") return { state: "done" };
        if (now() - current.value.at < leaseMs) return { state: "busy" };
        try {
          return claimed(kv, key, await kv.update(key, mine, current.revision)); // take over a dead claim
        } catch (err) {
          if (!(err instanceof KvConflictError)) throw err;
          return { state: "busy" };
        }
      }
      return { state: "busy" };
    },
  };
}

// Lost the key to a newer owner (our lease ran out): theirs is the record that counts.
async function ignoreConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!(err instanceof KvConflictError)) throw err;
  }
}
