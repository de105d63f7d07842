import { JunctionError } from "../../errors/index.ts";

export const PartitionErrorCode = {
  InvalidOptions: "ERR_PARTITION_OPTIONS",
  CountMismatch: "ERR_PARTITION_COUNT_MISMATCH",
  Join: "ERR_PARTITION_JOIN",
  Stalled: "ERR_PARTITION_STALLED",
} as const;

/** Options a partitioned group can never run with (checked before anything is sent). */
export class PartitionOptionsError extends JunctionError {
  constructor(message: string) {
    super(PartitionErrorCode.InvalidOptions, message);
  }
}

/** The group already runs with another partition count: keys would map to other partitions. */
export class PartitionCountMismatchError extends JunctionError {
  readonly group: string;
  readonly stored: number;
  readonly wanted: number;
  constructor(group: string, stored: number, wanted: number) {
    super(
      PartitionErrorCode.CountMismatch,
      `partitioned group "${group}" has ${stored} partitions; this member asked for ${wanted} (delete the group's state to change it)`,
    );
    this.group = group;
    this.stored = stored;
    this.wanted = wanted;
  }
}

/** This member's heartbeat never came back through the group's KV watch: the bucket does not answer. */
export class PartitionJoinError extends JunctionError {
  readonly group: string;
  constructor(group: string, timeoutMs: number) {
    super(
      PartitionErrorCode.Join,
      `cannot join partitioned group "${group}": its KV bucket did not answer within ${timeoutMs / 1000} s`,
    );
    this.group = group;
  }
}

/** A partition assigned to this member has not been served for a long while: what stands in the way. */
export class PartitionStalledError extends JunctionError {
  readonly group: string;
  readonly partition: number;
  constructor(group: string, partition: number, forMs: number, why: string) {
    super(
      PartitionErrorCode.Stalled,
      `partition ${partition} of group "${group}" is assigned to this member but not served for ${Math.round(forMs / 1000)} s: ${why}`,
    );
    this.group = group;
    this.partition = partition;
  }
}
