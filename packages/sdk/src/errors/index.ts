export {
  IdempotencyKeyReusedError,
  JetStreamError,
  JetStreamErrorCode,
  NoStreamError,
  PoisonMessageError,
} from "./jetstream.ts";
export { JunctionError } from "./junction-error.ts";
export {
  CancelledError,
  CircuitOpenError,
  CodecError,
  ErrorCode,
  NoRespondersError,
  PayloadTooLargeError,
  RequestTimeoutError,
  ServiceError,
} from "./request.ts";
