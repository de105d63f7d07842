import assert from "node:assert/strict";
import type { AwsClient, Outcome, Output } from "./clients.ts";

/** What a scenario gets: one client, the endpoint it talks to, and a prefix for its resource names. */
export interface ScenarioContext {
  readonly client: AwsClient;
  readonly endpoint: string;
  readonly prefix: string;
}

export interface Scenario {
  readonly name: string;
  run(context: ScenarioContext): Promise<void>;
}

/** The Lambda functions the scenarios invoke, as `junction.yaml` declares them (handlers in testdata). */
export const SCENARIO_FUNCTIONS = `functions:
  scenario-fails: { handler: ./fails.mjs#handler }
  scenario-slow: { handler: ./slow.mjs#handler, timeoutMs: 1000 }
`;

export const SCENARIO_HANDLERS: Readonly<Record<string, string>> = {
  "fails.mjs": `export async function handler() { throw new TypeError("bad input"); }\n`,
  "slow.mjs": `export async function handler() { await new Promise((r) => setTimeout(r, 5000)); return "late"; }\n`,
};

function ok(outcome: Outcome): Output {
  if ("error" in outcome) assert.fail(`expected success, got ${outcome.error}: ${outcome.message}`);
  return outcome.ok;
}

function failed(outcome: Outcome, codes: readonly string[]): void {
  assert.ok(
    "error" in outcome,
    `expected one of ${codes.join(", ")}, got success ${JSON.stringify(outcome)}`,
  );
  assert.ok(codes.includes(outcome.error), `expected one of ${codes.join(", ")}, got ${outcome.error}`);
}

async function queueArn({ client }: ScenarioContext, QueueUrl: string): Promise<string> {
  const out = ok(await client.call("sqs", "GetQueueAttributes", { QueueUrl, AttributeNames: ["QueueArn"] }));
  return out.Attributes.QueueArn;
}

/** Receives until `count` messages came (deleting each), or `rounds` receives were made. */
async function drain(
  { client }: ScenarioContext,
  QueueUrl: string,
  count: number,
  rounds = 10,
): Promise<Output[]> {
  const got: Output[] = [];
  for (let i = 0; i < rounds && got.length < count; i++) {
    const out = ok(
      await client.call("sqs", "ReceiveMessage", {
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    for (const message of out.Messages ?? []) {
      got.push(message);
      ok(await client.call("sqs", "DeleteMessage", { QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return got;
}

/**
 * One scenario list for every client: what an application does with SQS, DynamoDB (and Streams),
 * EventBridge and Lambda, with the answers AWS gives.
 */
export const scenarios: readonly Scenario[] = [
  {
    name: "SQS: create a queue, send, receive, delete; a missing queue is AWS's error",
    async run(context) {
      const { client, endpoint, prefix } = context;
      const { QueueUrl } = ok(await client.call("sqs", "CreateQueue", { QueueName: `${prefix}-plain` }));
      assert.equal(QueueUrl, `${endpoint}/000000000000/${prefix}-plain`);
      const sent = ok(
        await client.call("sqs", "SendMessage", {
          QueueUrl,
          MessageBody: "hello <world> & all",
          MessageAttributes: { Kind: { DataType: "String", StringValue: "greeting" } },
        }),
      );
      assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
      const [message, ...more] = await drain(context, QueueUrl, 1, 3);
      assert.equal(more.length, 0);
      assert.equal(message?.Body, "hello <world> & all");
      assert.equal(message?.MessageAttributes?.Kind?.StringValue, "greeting");
      const after = ok(await client.call("sqs", "ReceiveMessage", { QueueUrl, WaitTimeSeconds: 0 }));
      assert.equal((after.Messages ?? []).length, 0);
      failed(await client.call("sqs", "GetQueueUrl", { QueueName: `${prefix}-missing` }), [
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
      ]);
    },
  },
  {
    name: "SQS FIFO: each group in order, duplicates not delivered",
    async run(context) {
      const { client, prefix } = context;
      const { QueueUrl } = ok(
        await client.call("sqs", "CreateQueue", {
          QueueName: `${prefix}-jobs.fifo`,
          Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
        }),
      );
      const batch = ok(
        await client.call("sqs", "SendMessageBatch", {
          QueueUrl,
          Entries: [
            { Id: "1", MessageBody: "a1", MessageGroupId: "A" },
            { Id: "2", MessageBody: "b1", MessageGroupId: "B" },
            { Id: "3", MessageBody: "a2", MessageGroupId: "A" },
            { Id: "4", MessageBody: "a3", MessageGroupId: "A" },
          ],
        }),
      );
      assert.equal(batch.Successful.length, 4);
      const first = batch.Successful.find((s: Output) => s.Id === "1").MessageId;
      const again = ok(
        await client.call("sqs", "SendMessage", { QueueUrl, MessageBody: "a1", MessageGroupId: "A" }),
      );
      assert.equal(again.MessageId, first, "a duplicate gets the first message's id");
      const bodies = (await drain(context, QueueUrl, 4)).map((m) => m.Body as string);
      assert.deepEqual(
        bodies.filter((b) => b.startsWith("a")),
        ["a1", "a2", "a3"],
      );
      assert.deepEqual(
        bodies.filter((b) => b.startsWith("b")),
        ["b1"],
      );
    },
  },
  {
    name: "SQS FIFO: one receive returns a group's messages together; the group waits while they are in flight",
    async run(context) {
      const { client, prefix } = context;
      const { QueueUrl } = ok(
        await client.call("sqs", "CreateQueue", {
          QueueName: `${prefix}-groups.fifo`,
          Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
        }),
      );
      ok(
        await client.call("sqs", "SendMessageBatch", {
          QueueUrl,
          Entries: ["a1", "a2", "b1", "a3"].map((body, i) => ({
            Id: String(i),
            MessageBody: body,
            MessageGroupId: body.slice(0, 1),
          })),
        }),
      );
      const receive = async () =>
        (ok(await client.call("sqs", "ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10 })).Messages ??
          []) as Output[];
      const first = await receive();
      assert.deepEqual(
        first.map((m) => m.Body).filter((b) => b.startsWith("a")),
        ["a1", "a2", "a3"],
      );
      const second = await receive();
      assert.deepEqual(
        second.map((m) => m.Body).filter((b) => b.startsWith("a")),
        [],
        "group A gave more while its messages were in flight",
      );
      for (const message of [...first, ...second])
        ok(await client.call("sqs", "DeleteMessage", { QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    },
  },
  {
    name: "SQS: a message received too often moves to the dead-letter queue",
    async run(context) {
      const { client, prefix } = context;
      const dlq = ok(await client.call("sqs", "CreateQueue", { QueueName: `${prefix}-dlq` })).QueueUrl;
      const { QueueUrl } = ok(
        await client.call("sqs", "CreateQueue", {
          QueueName: `${prefix}-work`,
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: await queueArn(context, dlq),
              maxReceiveCount: 1,
            }),
          },
        }),
      );
      ok(await client.call("sqs", "SendMessage", { QueueUrl, MessageBody: "poison" }));
      const first = ok(
        await client.call("sqs", "ReceiveMessage", { QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      assert.equal(first.Messages?.[0]?.Body, "poison");
      const second = ok(
        await client.call("sqs", "ReceiveMessage", { QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
      );
      assert.equal((second.Messages ?? []).length, 0);
      assert.deepEqual(
        (await drain(context, dlq, 1, 3)).map((m) => m.Body),
        ["poison"],
      );
    },
  },
  {
    name: "DynamoDB: put, update, get and query an item; its stream records the changes",
    async run({ client, prefix }) {
      const TableName = `${prefix}-orders`;
      const created = ok(
        await client.call("dynamodb", "CreateTable", {
          TableName,
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          AttributeDefinitions: [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "sk", AttributeType: "S" },
          ],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      );
      const StreamArn = created.TableDescription.LatestStreamArn as string;
      assert.match(StreamArn, new RegExp(`:table/${TableName}/stream/`));
      for (const sk of ["1", "2"])
        ok(
          await client.call("dynamodb", "PutItem", {
            TableName,
            Item: { pk: { S: "c1" }, sk: { S: sk }, n: { N: sk } },
          }),
        );
      ok(
        await client.call("dynamodb", "UpdateItem", {
          TableName,
          Key: { pk: { S: "c1" }, sk: { S: "1" } },
          UpdateExpression: "SET #s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "paid" } },
        }),
      );
      const got = ok(
        await client.call("dynamodb", "GetItem", { TableName, Key: { pk: { S: "c1" }, sk: { S: "1" } } }),
      );
      assert.deepEqual(got.Item, { pk: { S: "c1" }, sk: { S: "1" }, n: { N: "1" }, status: { S: "paid" } });
      const queried = ok(
        await client.call("dynamodb", "Query", {
          TableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: "c1" } },
        }),
      );
      assert.deepEqual(
        queried.Items.map((i: Output) => i.sk.S),
        ["1", "2"],
      );

      const described = ok(await client.call("dynamodbstreams", "DescribeStream", { StreamArn }));
      const ShardId = described.StreamDescription.Shards[0].ShardId;
      const { ShardIterator } = ok(
        await client.call("dynamodbstreams", "GetShardIterator", {
          StreamArn,
          ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      const { Records } = ok(await client.call("dynamodbstreams", "GetRecords", { ShardIterator }));
      assert.deepEqual(
        Records.map((r: Output) => r.eventName),
        ["INSERT", "INSERT", "MODIFY"],
      );
      assert.deepEqual(Records[2].dynamodb.OldImage.status, undefined);
      assert.deepEqual(Records[2].dynamodb.NewImage.status, { S: "paid" });
    },
  },
  {
    name: "EventBridge: a rule on a bus sends matching events, transformed, to a queue",
    async run(context) {
      const { client, prefix } = context;
      const { QueueUrl } = ok(await client.call("sqs", "CreateQueue", { QueueName: `${prefix}-big-orders` }));
      const EventBusName = `${prefix}-bus`;
      ok(await client.call("events", "CreateEventBus", { Name: EventBusName }));
      ok(
        await client.call("events", "PutRule", {
          Name: "big-orders",
          EventBusName,
          EventPattern: JSON.stringify({ source: ["shop"], detail: { total: [{ numeric: [">", 100] }] } }),
        }),
      );
      const targets = ok(
        await client.call("events", "PutTargets", {
          Rule: "big-orders",
          EventBusName,
          Targets: [
            {
              Id: "queue",
              Arn: await queueArn(context, QueueUrl),
              InputTransformer: {
                InputPathsMap: { id: "$.detail.id" },
                InputTemplate: '"order <id> is big"',
              },
            },
          ],
        }),
      );
      assert.equal(targets.FailedEntryCount, 0);
      const put = ok(
        await client.call("events", "PutEvents", {
          Entries: [150, 5].map((total) => ({
            EventBusName,
            Source: "shop",
            DetailType: "order placed",
            Detail: JSON.stringify({ id: `o${total}`, total }),
          })),
        }),
      );
      assert.equal(put.FailedEntryCount, 0);
      assert.deepEqual(
        (await drain(context, QueueUrl, 1, 5)).map((m) => m.Body),
        ['"order o150 is big"'],
      );
    },
  },
  {
    name: "EventBridge: an archive keeps a bus's events and a replay sends them again",
    async run(context) {
      const { client, prefix } = context;
      const { QueueUrl } = ok(await client.call("sqs", "CreateQueue", { QueueName: `${prefix}-replayed` }));
      const EventBusName = `${prefix}-archived-bus`;
      const { EventBusArn } = ok(await client.call("events", "CreateEventBus", { Name: EventBusName }));
      const archive = ok(
        await client.call("events", "CreateArchive", {
          ArchiveName: `${prefix}-archive`,
          EventSourceArn: EventBusArn,
        }),
      );
      const start = Math.floor(Date.now() / 1000) - 60;
      ok(
        await client.call("events", "PutEvents", {
          Entries: [
            { EventBusName, Source: "shop", DetailType: "order placed", Detail: '{"id":"before-the-rule"}' },
          ],
        }),
      );
      // The rule comes after the event: only the replay can bring it to the queue.
      ok(
        await client.call("events", "PutRule", {
          Name: "all-orders",
          EventBusName,
          EventPattern: JSON.stringify({ source: ["shop"] }),
        }),
      );
      ok(
        await client.call("events", "PutTargets", {
          Rule: "all-orders",
          EventBusName,
          Targets: [{ Id: "queue", Arn: await queueArn(context, QueueUrl) }],
        }),
      );
      const replay = ok(
        await client.call("events", "StartReplay", {
          ReplayName: `${prefix}-replay`,
          EventSourceArn: archive.ArchiveArn,
          EventStartTime: start,
          EventEndTime: start + 3600,
          Destination: { Arn: EventBusArn },
        }),
      );
      assert.equal(replay.State, "STARTING");
      const [message] = await drain(context, QueueUrl, 1, 5);
      const event = JSON.parse(message?.Body ?? "{}");
      assert.deepEqual(event.detail, { id: "before-the-rule" });
      assert.equal(event["replay-name"], `${prefix}-replay`);
      const described = ok(await client.call("events", "DescribeReplay", { ReplayName: `${prefix}-replay` }));
      assert.equal(described.State, "COMPLETED");
    },
  },
  {
    name: "EventBridge: an event its target cannot take goes to the target's dead-letter queue",
    async run(context) {
      const { client, prefix } = context;
      const dlq = ok(await client.call("sqs", "CreateQueue", { QueueName: `${prefix}-events-dlq` })).QueueUrl;
      const EventBusName = `${prefix}-dlq-bus`;
      ok(await client.call("events", "CreateEventBus", { Name: EventBusName }));
      ok(
        await client.call("events", "PutRule", {
          Name: "r",
          EventBusName,
          EventPattern: '{"source":["shop"]}',
        }),
      );
      ok(
        await client.call("events", "PutTargets", {
          Rule: "r",
          EventBusName,
          Targets: [
            {
              Id: "gone",
              Arn: `arn:aws:sqs:us-east-1:000000000000:${prefix}-no-such-queue`,
              DeadLetterConfig: { Arn: await queueArn(context, dlq) },
              RetryPolicy: { MaximumRetryAttempts: 2 },
            },
          ],
        }),
      );
      ok(
        await client.call("events", "PutEvents", {
          Entries: [{ EventBusName, Source: "shop", DetailType: "order placed", Detail: '{"id":"lost"}' }],
        }),
      );
      const [dead] = await drain(context, dlq, 1, 5);
      assert.deepEqual(JSON.parse(dead?.Body ?? "{}").detail, { id: "lost" });
      const attributes = dead?.MessageAttributes ?? {};
      assert.equal(attributes.ERROR_CODE?.StringValue, "NO_RESOURCE");
      assert.match(attributes.ERROR_MESSAGE?.StringValue ?? "", /QueueDoesNotExist/);
      assert.equal(
        attributes.TARGET_ARN?.StringValue,
        `arn:aws:sqs:us-east-1:000000000000:${prefix}-no-such-queue`,
      );
      assert.match(attributes.RULE_ARN?.StringValue ?? "", new RegExp(`:rule/${EventBusName}/r$`));
    },
  },
  {
    name: "Lambda: a function's error and a timeout come back as AWS reports them",
    async run({ client }) {
      const error = ok(
        await client.call("lambda", "Invoke", { FunctionName: "scenario-fails", Payload: "{}" }),
      );
      assert.equal(error.StatusCode, 200);
      assert.equal(error.FunctionError, "Unhandled");
      const thrown = JSON.parse(error.Payload);
      assert.equal(thrown.errorType, "TypeError");
      assert.equal(thrown.errorMessage, "bad input");
      assert.ok(Array.isArray(thrown.trace) && thrown.trace.length > 0);

      const late = ok(
        await client.call("lambda", "Invoke", { FunctionName: "scenario-slow", Payload: "{}" }),
      );
      assert.equal(late.FunctionError, "Unhandled");
      const timeout = JSON.parse(late.Payload);
      assert.equal(timeout.errorType, "Sandbox.Timedout");
      assert.match(
        timeout.errorMessage,
        /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
      );

      failed(await client.call("lambda", "Invoke", { FunctionName: "scenario-missing", Payload: "{}" }), [
        "ResourceNotFoundException",
      ]);
    },
  },
];
