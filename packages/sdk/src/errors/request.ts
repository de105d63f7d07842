import { JunctionError } from "./junction-error.ts";

/**
 * The one error taxonomy of request/reply. Every failure of `request()` is one of these, with the
 * nats.js error (if any) kept as `cause`. `retryable` says whether a retry can help by itself.
 */
export const ErrorCode = {
  NoResponders: "ERR_NO_RESPONDERS",
  Timeout: "ERR_TIMEOUT",
  CircuitOpen: "ERR_CIRCUIT_OPEN",
  Service: "ERR_SERVICE",
  Codec: "ERR_CODEC",
  Cancelled: "ERR_CANCELLED",
  PayloadTooLarge: "ERR_PAYLOAD_TOO_LARGE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Nobody listens on the subject (the server answered 503 at once). Always safe to retry. */
export class NoRespondersError extends JunctionError {
  readonly subject: string;
  constructor(subject: string, options?: ErrorOptions) {
    super(ErrorCode.NoResponders, `no responders for "${subject}"`, options);
    this.subject = subject;
  }
}

/** No reply within the deadline. The request may still have been processed. */
export class RequestTimeoutError extends JunctionError {
  readonly subject: string;
  readonly timeoutMs: number;
  constructor(subject: string, timeoutMs: number, options?: ErrorOptions) {
    super(ErrorCode.Timeout, `no reply from "${subject}" within ${timeoutMs} ms`, options);
    this.subject = subject;
    this.timeoutMs = timeoutMs;
  }
}

/** The subject's circuit breaker is open: the call was not sent. */
export class CircuitOpenError extends JunctionError {
  readonly subject: string;
  /** When the breaker will let a trial call through. */
  readonly retryAfterMs: number;
  constructor(subject: string, retryAfterMs: number, options?: ErrorOptions) {
    super(ErrorCode.CircuitOpen, `circuit open for "${subject}"; retry in ${retryAfterMs} ms`, options);
    this.subject = subject;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The responder answered with an error (`Nats-Service-Error` / `Nats-Service-Error-Code`). */
export class ServiceError extends JunctionError {
  readonly serviceCode: number;
  readonly serviceMessage: string;
  constructor(serviceCode: number, serviceMessage: string, options?: ErrorOptions) {
    super(ErrorCode.Service, `service error ${serviceCode}: ${serviceMessage}`, options);
    this.serviceCode = serviceCode;
    this.serviceMessage = serviceMessage;
  }
}

/** A payload could not be encoded or decoded. */
export class CodecError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.Codec, message, options);
  }
}

/**
 * The payload and headers would exceed the server's `max_payload`: nothing was sent. `limit` is the
 * largest payload this message could have had with its headers.
 */
export class PayloadTooLargeError extends JunctionError {
  readonly size: number;
  readonly limit: number;
  readonly maxPayload: number;
  constructor(size: number, limit: number, maxPayload: number) {
    super(
      ErrorCode.PayloadTooLarge,
      `the payload is ${size} bytes; NATS takes at most ${limit} with this message's headers (max_payload ${maxPayload})`,
    );
    this.size = size;
    this.limit = limit;
    this.maxPayload = maxPayload;
  }
}

/** The caller's AbortSignal fired. */
export class CancelledError extends JunctionError {
  constructor(message = "cancelled", options?: ErrorOptions) {
    super(ErrorCode.Cancelled, message, options);
  }
}
