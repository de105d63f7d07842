import { JunctionError } from "../errors/index.ts";

export const DedupErrorCode = {
  InProgress: "ERR_DUPLICATE_IN_PROGRESS",
} as const;

/**
 * Another instance has claimed this message and is still within its lease. Thrown so the transport
 * retries later (a JetStream worker naks with backoff; by then the first run is done and the copy is
 * skipped). Retrying is safe: nothing ran.
 */
export class DuplicateInProgressError extends JunctionError {
  readonly key: string;
  constructor(key: string) {
    super(DedupErrorCode.InProgress, `message "${key}" is being processed by another instance`);
    this.key = key;
  }
}
