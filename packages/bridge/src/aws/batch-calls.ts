import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchCommandInput,
  type ChangeMessageVisibilityBatchCommandOutput,
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandInput,
  type DeleteMessageBatchCommandOutput,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { awsCall } from "./call-span.ts";
import {
  createJsonCaller,
  DYNAMODB_JSON,
  EVENTBRIDGE_JSON,
  type SdkClientLike,
  SQS_JSON,
} from "./json-call.ts";

type Output<T> = Omit<T, "$metadata">;

/**
 * The bridge's hot calls, whichever way they go: what the target senders send with and the inbound
 * pollers receive and delete with.
 */
export interface BatchCalls {
  receiveMessage(
    input: ReceiveMessageCommandInput,
    signal?: AbortSignal,
  ): Promise<Output<ReceiveMessageCommandOutput>>;
  deleteMessageBatch(
    input: DeleteMessageBatchCommandInput,
    signal?: AbortSignal,
  ): Promise<Output<DeleteMessageBatchCommandOutput>>;
  changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchCommandInput,
    signal?: AbortSignal,
  ): Promise<Output<ChangeMessageVisibilityBatchCommandOutput>>;
  sendMessageBatch(
    input: SendMessageBatchCommandInput,
    signal?: AbortSignal,
  ): Promise<Output<SendMessageBatchCommandOutput>>;
  putEvents(input: PutEventsCommandInput, signal?: AbortSignal): Promise<Output<PutEventsCommandOutput>>;
  batchWriteItem(
    input: BatchWriteItemCommandInput,
    signal?: AbortSignal,
  ): Promise<Output<BatchWriteItemCommandOutput>>;
  /** Closes what the lean path pools (the SDK clients are closed by their owner). */
  destroy(): void;
}

/**
 * `sdk`: through the clients' own `send` (the fallback); `lean`: signed JSON calls over pooled
 * keep-alive connections (`json-call.ts`), with the same clients' credentials, region and endpoint.
 */
export type BatchCallMode = "lean" | "sdk";

export interface BatchCallClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
}

export function createBatchCalls(mode: BatchCallMode, clients: BatchCallClients): BatchCalls {
  const calls = untracedBatchCalls(mode, clients);
  // The sends carry messages, so they join the messages' traces; receives and deletes are polling.
  return {
    ...calls,
    sendMessageBatch: (input, signal) =>
      awsCall("SQS", "SendMessageBatch", () => calls.sendMessageBatch(input, signal)),
    putEvents: (input, signal) => awsCall("EventBridge", "PutEvents", () => calls.putEvents(input, signal)),
    batchWriteItem: (input, signal) =>
      awsCall("DynamoDB", "BatchWriteItem", () => calls.batchWriteItem(input, signal)),
  };
}

function untracedBatchCalls(mode: BatchCallMode, clients: BatchCallClients): BatchCalls {
  if (mode === "sdk") {
    const opts = (signal?: AbortSignal) => (signal === undefined ? {} : { abortSignal: signal });
    return {
      receiveMessage: (input, signal) => clients.sqs.send(new ReceiveMessageCommand(input), opts(signal)),
      deleteMessageBatch: (input, signal) =>
        clients.sqs.send(new DeleteMessageBatchCommand(input), opts(signal)),
      changeMessageVisibilityBatch: (input, signal) =>
        clients.sqs.send(new ChangeMessageVisibilityBatchCommand(input), opts(signal)),
      sendMessageBatch: (input, signal) => clients.sqs.send(new SendMessageBatchCommand(input), opts(signal)),
      putEvents: (input, signal) => clients.eventbridge.send(new PutEventsCommand(input), opts(signal)),
      batchWriteItem: (input, signal) =>
        clients.dynamodb.send(new BatchWriteItemCommand(input), opts(signal)),
      destroy: () => {},
    };
  }
  const sqs = createJsonCaller(clients.sqs as unknown as SdkClientLike, SQS_JSON);
  const events = createJsonCaller(clients.eventbridge as unknown as SdkClientLike, EVENTBRIDGE_JSON);
  const dynamodb = createJsonCaller(clients.dynamodb as unknown as SdkClientLike, DYNAMODB_JSON);
  return {
    receiveMessage: (input, signal) =>
      sqs.call("ReceiveMessage", input, signal) as Promise<Output<ReceiveMessageCommandOutput>>,
    deleteMessageBatch: (input, signal) =>
      sqs.call("DeleteMessageBatch", input, signal) as Promise<Output<DeleteMessageBatchCommandOutput>>,
    changeMessageVisibilityBatch: (input, signal) =>
      sqs.call("ChangeMessageVisibilityBatch", input, signal) as Promise<
        Output<ChangeMessageVisibilityBatchCommandOutput>
      >,
    sendMessageBatch: (input, signal) =>
      sqs.call("SendMessageBatch", input, signal) as Promise<Output<SendMessageBatchCommandOutput>>,
    putEvents: (input, signal) =>
      events.call("PutEvents", input, signal) as Promise<Output<PutEventsCommandOutput>>,
    batchWriteItem: (input, signal) =>
      dynamodb.call("BatchWriteItem", input, signal) as Promise<Output<BatchWriteItemCommandOutput>>,
    destroy: () => {
      for (const caller of [sqs, events, dynamodb]) caller.destroy();
    },
  };
}
