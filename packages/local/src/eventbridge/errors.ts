import { JunctionError } from "@junction/sdk";

/**
 * An EventBridge API error, answered as `{"__type": awsCode, "message": …}`. The messages copy the
 * ones AWS returns (as recorded by AWS-validated test suites) so that code matching on them locally
 * behaves as it will against AWS.
 */
export class EventBridgeApiError extends JunctionError {
  readonly awsCode: string;
  readonly status: number;

  constructor(awsCode: string, message: string, status = 400) {
    super("ERR_EVENTBRIDGE_API", message);
    this.awsCode = awsCode;
    this.status = status;
  }
}

export function validationError(message: string): EventBridgeApiError {
  return new EventBridgeApiError("ValidationException", message);
}

export function notFound(message: string): EventBridgeApiError {
  return new EventBridgeApiError("ResourceNotFoundException", message);
}

export function busNotFound(name: string): EventBridgeApiError {
  return notFound(`Event bus ${name} does not exist.`);
}

export function ruleNotFound(rule: string, bus: string): EventBridgeApiError {
  return notFound(`Rule ${rule} does not exist on EventBus ${bus}.`);
}

/** The request body is not JSON of the expected shape (what AWS answers for undecodable input). */
export function serializationError(message: string): EventBridgeApiError {
  return new EventBridgeApiError("SerializationException", message);
}

/**
 * A target refused or could not take an event. `errorCode` is what AWS puts in a dead-letter message's
 * ERROR_CODE attribute (`NO_RESOURCE`, `THROTTLING`, `INVALID_PARAMETER` …); only a retryable failure is
 * tried again under the target's retry policy ("Event retry policy and using dead-letter queues":
 * a target that does not exist or refuses permission goes to the DLQ at once).
 */
export class TargetDeliveryError extends JunctionError {
  readonly errorCode: string;
  readonly retryable: boolean;

  constructor(errorCode: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super("ERR_EVENTBRIDGE_DELIVERY", message, options);
    this.errorCode = errorCode;
    this.retryable = retryable;
  }
}
