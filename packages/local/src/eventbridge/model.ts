import type { TargetKind } from "./arns.ts";
import type { JsonObject } from "./constraints.ts";
import type { CompiledEventPattern } from "./pattern/index.ts";
import type { TargetInput } from "./transform.ts";

/** An event as rules see it and targets receive it (the EventBridge event envelope). */
export interface EventEnvelope {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: JsonObject;
  /** Set on events a replay sends again (StartReplay); such events are not archived again. */
  readonly "replay-name"?: string;
}

export interface StoredTarget {
  readonly id: string;
  readonly arn: string;
  /** The target exactly as PutTargets received it: what ListTargetsByRule returns. */
  readonly spec: JsonObject;
  readonly kind: TargetKind;
  readonly input: TargetInput;
  readonly messageGroupId?: string;
  /** RetryPolicy: further attempts after the first, and how old an event may get (AWS: 185, 24 h). */
  readonly retry: { readonly maxAttempts: number; readonly maxAgeMs: number };
  /** DeadLetterConfig: the SQS queue that takes events the target never got. */
  readonly deadLetterArn?: string;
}

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

export interface Rule {
  readonly name: string;
  readonly arn: string;
  readonly bus: string;
  readonly eventPattern?: string;
  /** Compiled once at PutRule; absent for schedule-only rules, which match no PutEvents event. */
  readonly pattern?: CompiledEventPattern;
  readonly scheduleExpression?: string;
  state: RuleState;
  readonly description?: string;
  readonly roleArn?: string;
  /** By target id, in the order they were first put. */
  readonly targets: Map<string, StoredTarget>;
}

export interface Bus {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly created: Date;
  readonly rules: Map<string, Rule>;
}

/** A delivery that did not happen, kept (bounded) for tests and `junction` diagnostics to inspect. */
export interface DeliveryFailure {
  readonly at: Date;
  readonly bus: string;
  readonly eventId: string;
  /** Absent when the event named a bus that does not exist (AWS accepts such events and drops them). */
  readonly ruleArn?: string;
  readonly targetId?: string;
  readonly targetArn?: string;
  readonly reason: string;
}

/** An archive of a bus's events (CreateArchive), kept in memory. */
export interface Archive {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly busArn: string;
  description?: string;
  eventPattern?: string;
  pattern?: CompiledEventPattern;
  /** 0 = forever, as AWS means it. */
  retentionDays: number;
  readonly created: Date;
  readonly events: { readonly at: Date; readonly envelope: EventEnvelope; readonly bytes: number }[];
}

export type ReplayState = "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";

export interface Replay {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly archiveArn: string;
  readonly destination: { readonly Arn: string; readonly FilterArns?: readonly string[] };
  readonly from: Date;
  readonly to: Date;
  state: ReplayState;
  stateReason?: string;
  readonly started: Date;
  ended?: Date;
  lastReplayed?: Date;
}
