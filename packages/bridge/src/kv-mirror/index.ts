export { MirrorStopped } from "./backoff.ts";
export {
  CHECKPOINT_BUCKET,
  type CheckpointStore,
  openCheckpoints,
  type StreamPosition,
} from "./checkpoint.ts";
export { decodeValue, encodeValue } from "./encode.ts";
export { KvMirrorError, KvMirrorErrorCode } from "./errors.ts";
export {
  Attr as KvMirrorAttributes,
  type KvMirrorConfig,
  LATEST_SK,
  type MirrorEntry,
  revisionSortKey,
  tableKeys as kvMirrorTableKeys,
} from "./layout.ts";
export { createKvMirrorMetrics, type KvMirrorMetrics } from "./metrics.ts";
export {
  createKvMirror,
  type KvMirror,
  type KvMirrorDeps,
  type KvMirrorStats,
  type KvMirrorTiming,
} from "./mirror.ts";
export { createKvMirrors, type KvMirrors, type MirrorElection } from "./mirrors.ts";
export { type Decision, decide, type KvLatest } from "./stream-apply.ts";
