import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { ClientContext, Stoppable } from "../client/context.ts";
import type { Codec } from "../codecs/index.ts";
import type { DeadLetter, DlqOptions } from "./dlq.ts";
import type { Backoff, Job } from "./job.ts";
import type { AckPipeline } from "./publisher.ts";

export type JobHandler<T> = (job: Job<T>) => unknown;

export interface WorkerOptions<T = unknown> {
  /** Handlers running at once (default 1). */
  readonly concurrency?: number;
  /** Messages pulled per request at most (default = concurrency); at most one batch waits for a handler. */
  readonly batch?: number;
  /** Deliveries before a message goes to the DLQ (default 5). */
  readonly maxDeliver?: number;
  /** How long the server waits for an ack before redelivering (default 30 s). */
  readonly ackWaitMs?: number;
  /** One subject filter (nats-server 2.9 takes one only). */
  readonly filterSubject?: string;
  readonly maxAckPending?: number;
  /**
   * Where the consumer starts when this call creates it (default `all`): `new` skips what the stream
   * already holds, e.g. a handler added to a stream with history.
   */
  readonly startAt?: "all" | "new";
  /** Nak delay after a failure, by delivery count (default 1 s, 2 s, 4 s … ≤ 30 s). */
  readonly backoff?: Backoff;
  /** Payload codec; default the client's. */
  readonly codec?: Codec<T>;
  /** Where dead letters go; `false` terms them without a copy. */
  readonly dlq?: DlqOptions | false;
  /** Stop extending the ack deadline of a running handler after this long (default: never stop). */
  readonly maxExtendMs?: number;
  /** Pull request lifetime (default 3 s); missed heartbeats are noticed within about half of it, and a stop waits for the pull under way to end. */
  readonly expiresMs?: number;
  /** After a message was copied to the DLQ (both paths). */
  readonly onDeadLetter?: (letter: DeadLetter) => unknown;
  /** Failures outside any handler (consumer lost, DLQ unreachable …). Libraries never log: you choose. */
  readonly onError?: (err: Error) => void;
}

export interface Worker extends Stoppable {
  readonly stream: string;
  readonly durable: string;
}

export interface WorkerDeps {
  readonly ctx: ClientContext;
  readonly js: JetStreamClient;
  readonly jsm: () => Promise<JetStreamManager>;
  readonly publish: AckPipeline["publish"];
}
