import type { JunctionClient } from "@junction/sdk";
import type { KvBucket } from "@junction/sdk/kv";

export const DELIVERED_BUCKET = "JUNCTION_DELIVERED";

/**
 * Which targets of a fan-out message are done (delivered, dropped or dead-lettered), so that a
 * redelivery — to this instance or another, after a nak or a crash — skips them. Keyed by
 * `<route>.<stream>.<seq>` (stable across redeliveries); written only when a fan-out message must be
 * retried with some targets done, so the common path costs nothing. Entries expire with the bucket's
 * TTL, which outlives any retry schedule; a successful final ack deletes nothing (the TTL does).
 */
export interface DeliveredMemory {
  get(key: string): Promise<ReadonlySet<number>>;
  remember(key: string, done: ReadonlySet<number>): Promise<void>;
}

export function deliveredKey(route: string, stream: string, seq: number): string {
  return `${route}.${stream}.${seq}`;
}

export function createDeliveredMemory(
  client: JunctionClient,
  options: { readonly bucket?: string; readonly ttlMs?: number; readonly replicas?: number } = {},
): DeliveredMemory {
  let bucket: Promise<KvBucket<number[]>> | undefined;
  const open = () => {
    bucket ??= client
      .kv<number[]>(options.bucket ?? DELIVERED_BUCKET, {
        ttlMs: options.ttlMs ?? 24 * 3_600_000,
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      })
      .catch((err: unknown) => {
        bucket = undefined; // try again next time
        throw err;
      });
    return bucket;
  };
  return {
    async get(key) {
      const entry = await (await open()).get(key);
      return new Set(entry?.value ?? []);
    },
    async remember(key, done) {
      await (await open()).put(
        key,
        [...done].sort((a, b) => a - b),
      );
    },
  };
}

/** In-process memory, for unit tests and core (non-stream) routes where nothing is redelivered. */
export function createLocalDeliveredMemory(): DeliveredMemory {
  const entries = new Map<string, ReadonlySet<number>>();
  return {
    get: async (key) => entries.get(key) ?? new Set(),
    remember: async (key, done) => {
      entries.set(key, new Set(done));
    },
  };
}
