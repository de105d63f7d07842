import { LOCAL_ACCOUNT_ID } from "../aws/index.ts";
import { type DeliveryDeps, TargetDeliveryError } from "../eventbridge/index.ts";
import { LambdaServiceError, type LocalLambda } from "../lambda/index.ts";
import type { SqsAnswer } from "../sqs/index.ts";

export interface TargetServices {
  readonly sqs: { call(action: string, input: Record<string, unknown>, host: string): Promise<SqsAnswer> };
  readonly lambda: Pick<LocalLambda, "invoke">;
}

/**
 * EventBridge's SQS and Lambda targets: straight to the local services, as a client of the edge would
 * send, with their refusals told apart as EventBridge tells them (a queue or function that does not
 * exist goes to the dead-letter queue at once; throttling and service errors are retried).
 */
export function eventTargets({
  sqs,
  lambda,
}: TargetServices): Pick<DeliveryDeps, "deliverToSqs" | "invokeLambda"> {
  return {
    async deliverToSqs(queueArn, body, { messageGroupId, attributes }) {
      const name = queueArn.split(":").pop() as string;
      const { status, body: answer } = await sqs.call(
        "SendMessage",
        {
          QueueUrl: `/${LOCAL_ACCOUNT_ID}/${name}`,
          MessageBody: body,
          // Like EventBridge, no dedup id: a FIFO target queue must use content-based deduplication.
          ...(messageGroupId === undefined ? {} : { MessageGroupId: messageGroupId }),
          ...(attributes === undefined
            ? {}
            : {
                MessageAttributes: Object.fromEntries(
                  Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
                ),
              }),
        },
        "127.0.0.1",
      );
      if (status === 200) return;
      const type = String(answer.__type ?? "").replace(/^.*#/, "");
      const message = `SQS SendMessage to ${name}: ${type}: ${String(answer.message ?? "")}`;
      if (type === "QueueDoesNotExist") throw new TargetDeliveryError("NO_RESOURCE", message, false);
      if (status >= 500) throw new TargetDeliveryError("INTERNAL_ERROR", message, true);
      throw new TargetDeliveryError("INVALID_PARAMETER", message, false);
    },
    async invokeLambda(functionArn, payload) {
      try {
        await lambda.invoke(functionArn, new TextEncoder().encode(payload), { type: "Event" });
      } catch (err) {
        if (!(err instanceof LambdaServiceError)) throw err;
        const message = `Lambda Invoke of ${functionArn}: ${err.awsType}: ${err.message}`;
        if (err.status === 404) throw new TargetDeliveryError("NO_RESOURCE", message, false, { cause: err });
        if (err.status === 429) throw new TargetDeliveryError("THROTTLING", message, true, { cause: err });
        if (err.status >= 500) throw new TargetDeliveryError("INTERNAL_ERROR", message, true, { cause: err });
        throw new TargetDeliveryError("INVALID_PARAMETER", message, false, { cause: err });
      }
    },
  };
}
