/**
 * Where an idempotent handler records which messages it has processed. Shared by every instance that
 * must process a message once (KV), or local to one process (memory).
 *
 * A key moves through: absent → claimed (by one instance, for `leaseMs`) → done (for `ttlMs`).
 * A failed run releases its claim so a retry can run; a claim whose lease ran out (its instance died)
 * can be taken over.
 */
export type DedupClaim =
  /** This instance runs the message: call `complete()` after success, `release()` after a failure. */
  | { readonly state: "claimed"; complete(): Promise<void>; release(): Promise<void> }
  /** Processed already (within the TTL): skip it. */
  | { readonly state: "done" }
  /** Another instance is running it, within its lease. */
  | { readonly state: "busy" };

export interface DedupStore {
  /** `key` must be a valid KV key (`idempotent()` makes it one). */
  claim(key: string): Promise<DedupClaim>;
}

/** What the stores keep per key (KV value, JSON). */
export interface DedupRecord {
  readonly state: "running" | "done";
  /** The instance that claimed it. */
  readonly owner: string;
  /** When it was claimed or completed, epoch ms. */
  readonly at: number;
}

export interface DedupStoreOptions {
  /** How long a processed key is remembered; a copy arriving later runs again. Default 24 h. */
  readonly ttlMs?: number;
  /** How long a claim holds before another instance may take it over (its owner died). Default 30 s. */
  readonly leaseMs?: number;
}

export const DEFAULT_DEDUP_TTL_MS = 24 * 3600_000;
export const DEFAULT_LEASE_MS = 30_000;
