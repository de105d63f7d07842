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
