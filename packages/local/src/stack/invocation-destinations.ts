import { LOCAL_ACCOUNT_ID } from "../aws/index.ts";
import type { LocalEventBridge } from "../eventbridge/index.ts";
import type { DeadLetterAttributes, InvocationRecord, LocalLambda } from "../lambda/index.ts";
import type { SqsAnswer } from "../sqs/index.ts";

export interface DestinationServices {
  readonly sqs: { call(action: string, input: Record<string, unknown>, host: string): Promise<SqsAnswer> };
  readonly lambda: Pick<LocalLambda, "invoke">;
  readonly eventbridge: Pick<LocalEventBridge, "putEvents">;
}

/**
 * Where Lambda sends the records of `Event` invocations (OnSuccess / OnFailure destinations): an SQS
 * queue gets the record as the message body, a function is invoked with it (`Event`), and an event bus
 * gets it as an event's `detail`, with the source and detail types AWS uses. A function's dead-letter
 * queue gets the event itself, with AWS's attributes.
 */
export function invocationDestinations(services: DestinationServices): {
  send(destinationArn: string, record: InvocationRecord): Promise<void>;
  sendDeadLetter(queueArn: string, event: string, attributes: DeadLetterAttributes): Promise<void>;
} {
  const toQueue = async (arn: string, body: string, attributes?: DeadLetterAttributes) => {
    const name = arn.split(":").pop() as string;
    const answer = await services.sqs.call(
      "SendMessage",
      {
        QueueUrl: `/${LOCAL_ACCOUNT_ID}/${name}`,
        MessageBody: body,
        ...(attributes === undefined
          ? {}
          : {
              MessageAttributes: Object.fromEntries(
                Object.entries(attributes).map(([k, v]) => [
                  k,
                  { DataType: k === "ErrorCode" ? "Number" : "String", StringValue: v },
                ]),
              ),
            }),
      },
      "127.0.0.1",
    );
    if (answer.status !== 200)
      throw new Error(`SQS SendMessage to ${name}: ${String(answer.body.message ?? answer.status)}`);
  };
  return {
    sendDeadLetter: (arn, event, attributes) => toQueue(arn, event, attributes),
    async send(arn, record) {
      const text = JSON.stringify(record);
      const [, , service] = arn.split(":");
      if (service === "sqs") return toQueue(arn, text);
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
