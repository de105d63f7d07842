import { LOCAL_ACCOUNT_ID } from "../aws/index.ts";
import type { LocalEventBridge } from "../eventbridge/index.ts";
import type { InvocationRecord, LocalLambda } from "../lambda/index.ts";
import type { SqsAnswer } from "../sqs/index.ts";

export interface DestinationServices {
  readonly sqs: { call(action: string, input: Record<string, unknown>, host: string): Promise<SqsAnswer> };
  readonly lambda: Pick<LocalLambda, "invoke">;
  readonly eventbridge: Pick<LocalEventBridge, "putEvents">;
}

/**
 * Where Lambda sends the records of `Event` invocations (OnSuccess / OnFailure destinations): an SQS
 * queue gets the record as the message body, a function is invoked with it (`Event`), and an event bus
 * gets it as an event's `detail`, with the source and detail types AWS uses.
 */
export function invocationDestinations(services: DestinationServices): {
  send(destinationArn: string, record: InvocationRecord): Promise<void>;
} {
  return {
    async send(arn, record) {
      const text = JSON.stringify(record);
      const [, , service] = arn.split(":");
      if (service === "sqs") {
        const name = arn.split(":").pop() as string;
        const { status, body } = await services.sqs.call(
          "SendMessage",
          { QueueUrl: `/${LOCAL_ACCOUNT_ID}/${name}`, MessageBody: text },
          "127.0.0.1",
        );
        if (status !== 200) throw new Error(`SQS SendMessage to ${name}: ${String(body.message ?? status)}`);
        return;
      }
      if (service === "lambda") {
        await services.lambda.invoke(arn, new TextEncoder().encode(text), { type: "Event" });
        return;
      }
      const success = record.requestContext.condition === "Success";
      const { FailedEntryCount, Entries } = await services.eventbridge.putEvents([
        {
          Source: "lambda",
          DetailType: `Lambda Function Invocation Result - ${success ? "Success" : "Failure"}`,
          Detail: text,
          Resources: [arn, record.requestContext.functionArn],
          EventBusName: arn,
        },
      ]);
      if (FailedEntryCount > 0)
        throw new Error(`PutEvents to ${arn}: ${Entries[0]?.ErrorMessage ?? "failed"}`);
    },
  };
}
