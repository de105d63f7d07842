export { type DeadLetter, type DeadLetterReason, DlqHeaders, type DlqOptions } from "./dlq.ts";
export {
  type DurableOutcome,
  type DurableRequestOptions,
  DurableRequestTimeoutError,
  FingerprintHeader,
  idempotencyScope,
  type OutcomeRecord,
  ReplyToHeader,
} from "./durable.ts";
export { createJetStream, type JetStreamOptions, type JunctionJetStream } from "./jetstream.ts";
export { type Backoff, backoffDelay, type Job } from "./job.ts";
export type { JetStreamPublishOptions, PublishAck } from "./publisher.ts";
export type { StreamSpec } from "./streams.ts";
export type { JobHandler, Worker, WorkerOptions } from "./worker.ts";
