export type { StopReason } from "./consume.ts";
export { type ConsumePartitionOptions, consumePartition } from "./consume.ts";
export {
  PartitionCountMismatchError,
  PartitionErrorCode,
  PartitionJoinError,
  PartitionOptionsError,
  PartitionStalledError,
} from "./errors.ts";
export {
  defaultMemberId,
  type PartitionGroup,
  type PartitionGroupEvent,
  type PartitionGroupOptions,
  type PartitionLease,
  type ServePartition,
} from "./group.ts";
export { assignPartitions, fnv1a32, partitionOf } from "./hash.ts";
export { createLanes, type Lanes } from "./lanes.ts";
export { partitionConsumer, partitionOfConsumer } from "./names.ts";
export type { PartitionedWorkerOptions } from "./worker.ts";
