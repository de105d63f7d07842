import { JunctionError } from "../errors.ts";

export const PartitionErrorCode = {
  InvalidOptions: "ERR_PARTITION_OPTIONS",
  CountMismatch: "ERR_PARTITION_COUNT_MISMATCH",
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
