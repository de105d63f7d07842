import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { RequestError, TimeoutError } from "@nats-io/nats-core";
import { JunctionError } from "./junction-error.ts";
import { RequestTimeoutError } from "./request.ts";

export const JetStreamErrorCode = {
  JetStream: "ERR_JETSTREAM",
  NoStream: "ERR_JETSTREAM_NO_STREAM",
  Poison: "ERR_POISON_MESSAGE",
  MaxDeliveries: "ERR_MAX_DELIVERIES",
  IdempotencyKeyReused: "ERR_IDEMPOTENCY_KEY_REUSED",
} as const;

/**
 * A JetStream API call failed. `apiCode` is the server's `err_code` (10071 wrong last sequence …) and
 * `status` its HTTP-like code, when the server answered; otherwise see `cause`.
 */
export class JetStreamError extends JunctionError {
  readonly apiCode: number | undefined;
  readonly status: number | undefined;
  constructor(message: string, details: { apiCode?: number; status?: number } = {}, options?: ErrorOptions) {
    super(JetStreamErrorCode.JetStream, message, options);
    this.apiCode = details.apiCode;
    this.status = details.status;
  }
}

/** No stream captures the subject (publish got 503 no responders), or the named stream does not exist. */
export class NoStreamError extends JunctionError {
  /** The subject published to, or the stream name looked up. */
  readonly target: string;
  constructor(target: string, options?: ErrorOptions) {
    super(JetStreamErrorCode.NoStream, `no JetStream stream for "${target}"`, options);
    this.target = target;
  }
}

/**
 * Thrown by a worker handler for a message that can never succeed (bad payload, unknown version …):
 * the message goes to the DLQ at once instead of being retried.
 */
export class PoisonMessageError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super(JetStreamErrorCode.Poison, message, options);
  }
}

/**
 * A durable command's idempotency key already answers another request (another payload) on the same
 * subject: its stored outcome is not this request's, and the request was not run. Use a new key for a
 * new request (the gateway answers 422).
 */
export class IdempotencyKeyReusedError extends JunctionError {
  readonly subject: string;
  readonly idempotencyKey: string;
  constructor(subject: string, idempotencyKey: string) {
    super(
      JetStreamErrorCode.IdempotencyKeyReused,
      `idempotency key ${JSON.stringify(idempotencyKey)} was already used on ${subject} for a different request`,
    );
    this.subject = subject;
    this.idempotencyKey = idempotencyKey;
  }
}

/** Maps a nats.js JetStream failure to ours, by error class and API code, never by message text. */
export function toJetStreamError(err: unknown, target: string, timeoutMs = 0): Error {
  if (err instanceof JunctionError) return err;
  if (err instanceof JetStreamApiError) {
    if (err.code === JetStreamApiCodes.StreamNotFound) return new NoStreamError(target, { cause: err });
    return new JetStreamError(err.message, { apiCode: err.code, status: err.status }, { cause: err });
  }
  // nats.js reports a publish nobody answered (no stream on the subject) as `JetStreamNotEnabled`
  // (not exported) with the no-responders `RequestError` as its cause.
  if (err instanceof Error && err.cause instanceof RequestError && err.cause.isNoResponders()) {
    return new NoStreamError(target, { cause: err });
  }
  if (err instanceof TimeoutError) return new RequestTimeoutError(target, timeoutMs, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new JetStreamError(message, {}, { cause: err });
}

/** Whether a nats.js error says the stream or consumer does not exist. */
export function isNotFound(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamNotFound || err.code === JetStreamApiCodes.ConsumerNotFound)
  );
}
