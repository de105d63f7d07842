import { JunctionError } from "@junction/sdk";
import type { TargetRequest } from "./types.ts";

/** Why a delivery failed, as the runtime needs to know it: retry later, or dead-letter now. */
export const DeliveryErrorCode = {
  /** AWS asked us to slow down (throttling): retry with backoff. */
  Throttled: "ERR_TARGET_THROTTLED",
  /** Network error, 5xx, timeout: retry with backoff; counts against the target's breaker. */
  Unavailable: "ERR_TARGET_UNAVAILABLE",
  /** AWS refused this message (validation, missing resource, access): permanent, dead-letter it. */
  Rejected: "ERR_TARGET_REJECTED",
  /** Over an AWS size limit: permanent. */
  TooLarge: "ERR_TARGET_TOO_LARGE",
  /** A DynamoDB condition failed: permanent, routed by `onConditionFailed`. */
  ConditionFailed: "ERR_CONDITION_FAILED",
} as const;
export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

export class DeliveryError extends JunctionError {
  readonly retryable: boolean;
  /** The AWS error name (`ThrottlingException`, `ConditionalCheckFailedException` …), when AWS gave one. */
  readonly awsCode: string | undefined;
  constructor(code: DeliveryErrorCode, message: string, options?: ErrorOptions & { awsCode?: string }) {
    super(code, message, options);
    this.retryable = code === DeliveryErrorCode.Throttled || code === DeliveryErrorCode.Unavailable;
    this.awsCode = options?.awsCode;
  }
}

/** The result of delivering one message to one target. */
export type DeliveryOutcome =
  | {
      readonly ok: true;
      /** Lambda RequestResponse: the function's result (or its error object when `functionError` is set). */
      readonly reply?: Uint8Array;
      /**
       * Lambda RequestResponse: the function ran and failed (`Unhandled`, `Handled`). Delivered, not a
       * delivery failure (retrying would run it again): the runtime answers the requester with a 500.
       */
      readonly functionError?: string;
    }
  | { readonly ok: false; readonly error: DeliveryError };

/**
 * Sends mapped requests of one service to AWS. A target only maps and sends: batching limits are the
 * sender's (it groups by resource and splits at AWS's count and byte limits); retries, ordering,
 * dead-lettering and metrics belong to the runtime. `send` returns one outcome per request, in order,
 * and throws only for a failure of the whole call that it could not attribute to messages.
 */
export interface TargetSender {
  send(requests: readonly TargetRequest[], signal?: AbortSignal): Promise<DeliveryOutcome[]>;
}
