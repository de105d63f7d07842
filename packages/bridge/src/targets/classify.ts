import { DeliveryError, DeliveryErrorCode } from "./delivery.ts";

/**
 * What an AWS call's failure means for delivery. Decided by the error's `name`, `$retryable`,
 * `$metadata.httpStatusCode` and `$fault` as the SDK sets them, and by Node's network error codes —
 * never by message text, which AWS does not promise to keep stable.
 */

const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "EC2ThrottledException",
]);

const UNAVAILABLE = new Set([
  "InternalFailure",
  "InternalServerError",
  "InternalError",
  "InternalException",
  "ServiceException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  // Transient state of the resource: the same request succeeds a moment later.
  "TransactionConflictException",
  "ResourceConflictException",
  "ResourceNotReadyException",
]);

const TOO_LARGE = new Set([
  "RequestEntityTooLargeException",
  "RequestTooLargeException",
  "BatchRequestTooLong",
  "ItemCollectionSizeLimitExceededException",
]);

/** The resource (queue, table, function) does not exist: permanent, and worth a clear message. */
const MISSING = new Set([
  "ResourceNotFoundException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
]);

const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
]);

interface AwsLikeError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: { readonly throttling?: boolean };
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** `context` prefixes the message (e.g. `SQS SendMessageBatch to queue "jobs"`). */
export function classifyError(err: unknown, context: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as AwsLikeError;
  const name = typeof e.name === "string" ? e.name : "Error";
  const text = err instanceof Error ? err.message : String(err);
  const make = (code: DeliveryErrorCode, awsCode?: string) =>
    new DeliveryError(code, `${context}: ${name}: ${text}`, {
      cause: err,
      ...(awsCode === undefined ? {} : { awsCode }),
    });
  if (name === "AbortError") return make(DeliveryErrorCode.Unavailable);
  if (networkCode(err) !== undefined) return make(DeliveryErrorCode.Unavailable);
  const status = e.$metadata?.httpStatusCode;
  // Only errors that came back from AWS carry $metadata: their name is an AWS error code.
  const awsCode = status !== undefined || e.$fault !== undefined ? name : undefined;
  if (name === "ConditionalCheckFailedException") return make(DeliveryErrorCode.ConditionFailed, awsCode);
  if (THROTTLED.has(name) || e.$retryable?.throttling === true || status === 429)
    return make(DeliveryErrorCode.Throttled, awsCode);
  if (UNAVAILABLE.has(name)) return make(DeliveryErrorCode.Unavailable, awsCode);
  if (TOO_LARGE.has(name) || status === 413) return make(DeliveryErrorCode.TooLarge, awsCode);
  if (MISSING.has(name)) return make(DeliveryErrorCode.Rejected, awsCode);
  if (e.$retryable !== undefined) return make(DeliveryErrorCode.Unavailable, awsCode);
  if (status !== undefined && status >= 500) return make(DeliveryErrorCode.Unavailable, awsCode);
  if ((status !== undefined && status >= 400) || e.$fault === "client")
    return make(DeliveryErrorCode.Rejected, awsCode);
  // Unknown and not from AWS: retry; the runtime dead-letters it after maxDeliver if it persists.
  return make(DeliveryErrorCode.Unavailable, awsCode);
}

/** Whether AWS said the queue, table or function does not exist. */
export function isMissingResource(error: DeliveryError): boolean {
  return error.awsCode !== undefined && MISSING.has(error.awsCode);
}

/**
 * A per-entry failure inside a successful batch call (PutEvents `Entries[].ErrorCode`, SendMessageBatch
 * `Failed[]`). `senderFault`, when AWS gives it, is authoritative: the entry itself is wrong.
 */
export function classifyEntry(
  context: string,
  code: string,
  message: string | undefined,
  senderFault?: boolean,
): DeliveryError {
  const kind =
    senderFault === true
      ? DeliveryErrorCode.Rejected
      : THROTTLED.has(code)
        ? DeliveryErrorCode.Throttled
        : UNAVAILABLE.has(code) || senderFault === false
          ? DeliveryErrorCode.Unavailable
          : TOO_LARGE.has(code)
            ? DeliveryErrorCode.TooLarge
            : DeliveryErrorCode.Rejected;
  return new DeliveryError(kind, `${context}: ${code}${message === undefined ? "" : `: ${message}`}`, {
    awsCode: code,
  });
}

/** Node's socket error code, looked for on the error, its cause, and an AggregateError's members. */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 3) return undefined;
  const e = err as AwsLikeError;
  if (typeof e.code === "string" && NETWORK.has(e.code)) return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = networkCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return networkCode(e.cause, depth + 1);
}
