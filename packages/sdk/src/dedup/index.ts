export { DedupErrorCode, DuplicateInProgressError } from "./errors.ts";
export { dedupKeyOf, type IdempotentOptions, type Identified, idempotent } from "./idempotent.ts";
export { createKvDedupStore, type KvDedupStoreOptions } from "./kv-store.ts";
export { createMemoryDedupStore } from "./memory-store.ts";
export {
  DEFAULT_DEDUP_TTL_MS,
  DEFAULT_LEASE_MS,
  type DedupClaim,
  type DedupRecord,
  type DedupStore,
  type DedupStoreOptions,
} from "./store.ts";
