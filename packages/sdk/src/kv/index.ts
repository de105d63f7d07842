export { checkKey, KvArgumentError, KvConflictError, KvErrorCode } from "./errors.ts";
export {
  type KvBucket,
  type KvBucketOptions,
  type KvEntry,
  type KvWatcher,
  type KvWatchOptions,
  openKv,
} from "./kv.ts";
