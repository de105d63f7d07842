import { kvSafeKey } from "../kv/safe-key.ts";

/**
 * A saga's state, one KV entry per saga and flow (key `<saga>.<correlation id>`), JSON so tools and
 * workers in other languages can read it. Every change is a compare-and-set on the entry's revision.
 */
export type SagaStatus = "running" | "compensating" | "completed" | "compensated" | "failed";

export const TERMINAL: ReadonlySet<SagaStatus> = new Set(["completed", "compensated", "failed"]);

/** The command the saga waits on: its answer must name `commandId` as causation id. */
export interface PendingAction {
  readonly step: number;
  readonly action: "command" | "compensation";
  readonly commandId: string;
  readonly subject: string;
  /** Epoch ms; no answer by then counts as a failure. */
  readonly deadline: number;
}

/** Why a step or compensation failed. */
export interface SagaFault {
  readonly step: string;
  readonly action: "command" | "compensation";
  readonly reason: "failure" | "timeout";
  /** The failure event, when one came (its payload says why). */
  readonly event?: { readonly subject: string; readonly id: string; readonly data?: unknown };
}

/**
 * The message a state change must send (a command or the outcome). Written with the state, sent, then
 * cleared: a coordinator that dies in between leaves it here, and another sends it again with the same
 * id, which the stream's duplicate window drops if the first send had arrived.
 */
export interface OutboxMessage {
  readonly subject: string;
  readonly id: string;
  readonly causationId?: string;
  readonly kind: "command" | "event";
  readonly data: unknown;
}

export interface SagaState<D = unknown> {
  readonly v: 1;
  readonly saga: string;
  readonly correlationId: string;
  readonly status: SagaStatus;
  readonly data: D;
  readonly results: Readonly<Record<string, unknown>>;
  /** Steps done, in order. */
  readonly completed: readonly string[];
  /** Steps undone, in the order they were undone. */
  readonly compensated: readonly string[];
  readonly pending?: PendingAction;
  /** Why compensation started. */
  readonly failure?: SagaFault;
  /** Why it ended `failed`: a compensation failed or timed out. */
  readonly compensationFailure?: SagaFault;
  readonly outbox?: OutboxMessage;
  readonly startedAt: number;
  readonly updatedAt: number;
}

/** The outcome event's payload. */
export interface SagaOutcome<D = unknown> {
  readonly saga: string;
  readonly correlationId: string;
  readonly outcome: "completed" | "compensated" | "failed";
  readonly data: D;
  readonly results: Readonly<Record<string, unknown>>;
  readonly completed: readonly string[];
  readonly compensated: readonly string[];
  /** For `failed`: completed steps that were not undone (a person has to look). */
  readonly notCompensated: readonly string[];
  readonly failure?: SagaFault;
  readonly compensationFailure?: SagaFault;
}

/** KV key of a saga instance (correlation ids that are not KV-safe are base64url-encoded). */
export function sagaKey(saga: string, correlationId: string): string {
  return `${saga}.${kvSafeKey(correlationId)}`;
}
