export {
  type DeadLetter,
  type DeadLetterOrigin,
  type DeadLetterReason,
  type DeadLetterRecord,
  type DeadLetterSource,
  DLQ_STREAM,
  DLQ_SUBJECT_PREFIX,
  DlqHeaders,
  type DlqOptions,
  deadLetterId,
  originText,
  readDeadLetter,
  type StoredDeadLetter,
  writeDeadLetter,
} from "./dlq.ts";
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
export { type Pull, type PullOptions, pullMessages } from "./pull.ts";
export { type DurableSpec, ensureConsumer, type StreamSpec } from "./streams.ts";
export type { JobHandler, Worker, WorkerOptions } from "./worker.ts";
