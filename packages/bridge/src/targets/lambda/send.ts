import { InvokeCommand, type InvokeCommandInput, type LambdaClient } from "@aws-sdk/client-lambda";
import { awsCall } from "../../aws/call-span.ts";
import { callOptions, DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome, type TargetSender } from "../delivery.ts";
import type { TargetRequest } from "../types.ts";

/**
 * One Invoke per message, in parallel (bounded). `Event`: delivered once Lambda queued it (202).
 * `RequestResponse`: delivered with the function's result as `reply`; a function error (the function
 * ran and threw or timed out) is still delivered — running it again is not a delivery retry — and is
 * exposed as `functionError` so the runtime answers the requester with a service error.
 */
export function createLambdaSender(client: LambdaClient, limit: Limiter): TargetSender {
  const invoke = async (request: TargetRequest, signal?: AbortSignal): Promise<DeliveryOutcome> => {
    const fn = request.resource;
    const input = request.input as unknown as InvokeCommandInput;
    try {
      const out = await limit(() =>
        awsCall("Lambda", "Invoke", () => client.send(new InvokeCommand(input), callOptions(signal))),
      );
      if (input.InvocationType === "Event" || input.InvocationType === "DryRun") return DELIVERED;
      const fnError = out.FunctionError;
      return {
        ok: true,
        reply: out.Payload ?? new Uint8Array(),
        ...(fnError === undefined || fnError === "" ? {} : { functionError: fnError }),
      };
    } catch (err) {
      const error = classifyError(err, `Lambda Invoke of function "${fn}"`);
      if (isMissingResource(error)) {
        return failed(
          new DeliveryError(DeliveryErrorCode.Rejected, `function "${fn}" does not exist`, {
            cause: err,
            ...(error.awsCode === undefined ? {} : { awsCode: error.awsCode }),
          }),
        );
      }
      return failed(error);
    }
  };
  return {
    send: (requests, signal) => Promise.all(requests.map((r) => invoke(r, signal))),
  };
}
