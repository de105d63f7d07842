import type { PathSegment, ReportProblem } from "../path.ts";
import type { RouteMessage } from "./message.ts";
import type { AwsService } from "./registry.ts";

export type { AwsService };

import type { Template, TemplateScope, TemplateVocabulary } from "../templates/index.ts";

/** One AWS API call for one message: what `junction translate` prints and what the runtime batches. */
export interface TargetRequest {
  readonly service: AwsService;
  /** The AWS API action, e.g. `SendMessage`. */
  readonly operation: string;
  /** The resolved bus, queue, table or function name. */
  readonly resource: string;
  /** The AWS SDK v3 command input for this one message (for EventBridge, the PutEvents entry). */
  readonly input: Record<string, unknown>;
  /** SQS: create the queue (with its DLQ) when it does not exist yet (`createQueue: true`). */
  readonly createMissing?: true;
}

/** A target with its templates compiled: maps a message, never sends (sending is the runtime's job). */
export interface CompiledTarget {
  readonly service: AwsService;
  /** The ordering key this target implies (the SQS FIFO group id), if any. */
  readonly orderingKey?: Template;
  /** What a failed DynamoDB condition means: `drop` (delivered, counted) or `dlq` (dead-letter it). */
  readonly onConditionFailed?: "drop" | "dlq";
  map(scope: TemplateScope, message: RouteMessage): TargetRequest;
}

export interface TargetCompileContext {
  readonly vocabulary: TemplateVocabulary;
  readonly path: readonly PathSegment[];
  readonly report: ReportProblem;
  /** `reply` targets answer a NATS request (Lambda RequestResponse). */
  readonly role: "to" | "reply";
}
