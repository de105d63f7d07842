import type { MsgHdrs } from "@nats-io/nats-core";
import type { MessageIdentity } from "../identity/index.ts";

/** What an outgoing operation is, for spans (messaging semantic conventions) and metrics. */
export interface SendInfo {
  readonly operation: "publish" | "request" | "stream" | "jetstream.publish";
  readonly subject: string;
  readonly identity: MessageIdentity;
  /** Trace context is injected here (W3C `traceparent` / `tracestate`). */
  readonly headers: MsgHdrs;
}

/** What a received message is being processed by. */
export interface ProcessInfo {
  readonly operation: "serve" | "worker" | "stream";
  /** The pattern or durable name being served (the span's destination template). */
  readonly destination: string;
  readonly subject: string;
  readonly identity: MessageIdentity;
  /** Trace context is extracted from here, case-insensitively. */
  readonly headers: MsgHdrs | undefined;
  /** Queue group or durable consumer. */
  readonly group?: string | undefined;
}

/** An operation in progress: `run` executes code inside its trace context; `end` closes it once. */
export interface Observation {
  run<R>(fn: () => R): R;
  /** `error` is classified by its `code` when it has one. */
  end(error?: unknown): void;
}

/**
 * The SDK's only view of tracing and metrics. The default does nothing; `createTelemetry()` (OpenTelemetry
 * + Prometheus) is the real one. Hooks are synchronous and cheap on the hot path.
 */
export interface Telemetry {
  startSend(info: SendInfo): Observation;
  startProcess(info: ProcessInfo): Observation;
  breakerState(subject: string, state: "closed" | "open" | "half-open"): void;
  redelivered(stream: string, consumer: string): void;
}

const NOOP_OBSERVATION: Observation = { run: (fn) => fn(), end: () => {} };

export const noopTelemetry: Telemetry = {
  startSend: () => NOOP_OBSERVATION,
  startProcess: () => NOOP_OBSERVATION,
  breakerState: () => {},
  redelivered: () => {},
};
