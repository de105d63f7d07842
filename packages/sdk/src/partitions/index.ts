export type { StopReason } from "./consume.ts";
export { type ConsumePartitionOptions, consumePartition } from "./consume.ts";
export { PartitionCountMismatchError, PartitionErrorCode, PartitionOptionsError } from "./errors.ts";
export type {
  PartitionGroup,
  PartitionGroupEvent,
  PartitionGroupOptions,
  PartitionLease,
  ServePartition,
} from "./group.ts";
export { assignPartitions, fnv1a32, partitionOf } from "./hash.ts";
export { createLanes, type Lanes } from "./lanes.ts";
export type { PartitionedWorkerOptions } from "./worker.ts";
