import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { type LocalAws, startLocalAws } from "../stack/local-aws.ts";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const dir = mkdtempSync(join(tmpdir(), "junction-streams-"));
let aws: LocalAws;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;

before(async () => {
  aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  ddb = new DynamoDBClient({ endpoint: aws.url, region: "us-east-1", credentials });
  streams = new DynamoDBStreamsClient({ endpoint: aws.url, region: "us-east-1", credentials });
});
after(async () => {
  ddb.destroy();
  streams.destroy();
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

async function createTable(
  name: string,
  viewType?: "NEW_AND_OLD_IMAGES" | "KEYS_ONLY",
): Promise<string | undefined> {
  const out = await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
      ...(viewType === undefined
        ? {}
        : { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } }),
    }),
  );
  return out.TableDescription?.LatestStreamArn;
}

async function iterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  type: ShardIteratorType,
  sequence?: string,
) {
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const shard = StreamDescription?.Shards?.[0]?.ShardId;
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shard,
      ShardIteratorType: type,
      ...(sequence === undefined ? {} : { SequenceNumber: sequence }),
    }),
  );
  return ShardIterator as string;
}

async function readAll(
  client: DynamoDBStreamsClient,
  start: string,
): Promise<{ records: StreamRecord[]; next?: string }> {
  const records: StreamRecord[] = [];
  let it: string | undefined = start;
  for (;;) {
    const out: GetRecordsCommandOutput = await client.send(
      new GetRecordsCommand({ ShardIterator: it, Limit: 2 }),
    );
    records.push(...(out.Records ?? []));
    if (out.NextShardIterator === undefined || (out.Records ?? []).length === 0)
      return { records, ...(out.NextShardIterator === undefined ? {} : { next: out.NextShardIterator }) };
    it = out.NextShardIterator;
  }
}

describe("local DynamoDB Streams", () => {
  it("records inserts, changes and removals with old and new images, in order", async () => {
    const arn = await createTable("orders", "NEW_AND_OLD_IMAGES");
    assert.match(arn ?? "", /^arn:aws:dynamodb:us-east-1:000000000000:table\/orders\/stream\/\d{4}-/);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: "orders" }));
    assert.equal(Table?.LatestStreamArn, arn);
    assert.deepEqual(Table?.StreamSpecification, {
      StreamEnabled: true,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    });

    await ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "a" }, n: { N: "1" } } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: "orders",
        Key: { pk: { S: "a" } },
        UpdateExpression: "SET n = :n",
        ExpressionAttributeValues: { ":n": { N: "2" } },
      }),
    );
    // Writing the same item again changes nothing, and DynamoDB writes no record for it.
    await ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "a" }, n: { N: "2" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: "orders", Key: { pk: { S: "a" } } }));
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { orders: [{ PutRequest: { Item: { pk: { S: "b" }, n: { N: "9" } } } }] },
      }),
    );

    const { records, next } = await readAll(streams, await iterator(streams, arn as string, "TRIM_HORIZON"));
    assert.ok(next !== undefined, "an open shard always has a next iterator");
    assert.deepEqual(
      records.map((r) => [r.eventName, r.dynamodb?.Keys, r.dynamodb?.OldImage, r.dynamodb?.NewImage]),
      [
        ["INSERT", { pk: { S: "a" } }, undefined, { pk: { S: "a" }, n: { N: "1" } }],
        ["MODIFY", { pk: { S: "a" } }, { pk: { S: "a" }, n: { N: "1" } }, { pk: { S: "a" }, n: { N: "2" } }],
        ["REMOVE", { pk: { S: "a" } }, { pk: { S: "a" }, n: { N: "2" } }, undefined],
        ["INSERT", { pk: { S: "b" } }, undefined, { pk: { S: "b" }, n: { N: "9" } }],
      ],
    );
    const sequences = records.map((r) => BigInt(r.dynamodb?.SequenceNumber as string));
    assert.deepEqual(
      [...sequences].sort((a, b) => (a < b ? -1 : 1)),
      sequences,
    );
    assert.equal(records[0]?.eventSource, "aws:dynamodb");
    assert.ok(records[0]?.dynamodb?.ApproximateCreationDateTime instanceof Date);

    // After a sequence number: what follows it; at LATEST: only what comes next.
    const rest = await readAll(
      streams,
      await iterator(streams, arn as string, "AFTER_SEQUENCE_NUMBER", records[1]?.dynamodb?.SequenceNumber),
    );
    assert.deepEqual(
      rest.records.map((r) => r.eventName),
      ["REMOVE", "INSERT"],
    );
    const latest = await iterator(streams, arn as string, "LATEST");
    await ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "c" } } }));
    assert.deepEqual(
      (await readAll(streams, latest)).records.map((r) => r.dynamodb?.Keys),
      [{ pk: { S: "c" } }],
    );
    const listed = await streams.send(new ListStreamsCommand({ TableName: "orders" }));
    assert.deepEqual(
      listed.Streams?.map((s) => s.StreamArn),
      [arn],
    );
  });

  it("ends a stream when the table's stream is turned off, and makes a new one when turned on", async () => {
    const first = await createTable("toggled", "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: "toggled", Item: { pk: { S: "k" }, v: { S: "x" } } }));
    const off = await ddb.send(
      new UpdateTableCommand({ TableName: "toggled", StreamSpecification: { StreamEnabled: false } }),
    );
    assert.deepEqual(off.TableDescription?.StreamSpecification, { StreamEnabled: false });
    await ddb.send(new PutItemCommand({ TableName: "toggled", Item: { pk: { S: "not-recorded" } } }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: first }));
    assert.equal(StreamDescription?.StreamStatus, "DISABLED");
    assert.ok(StreamDescription?.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber);
    const read = await readAll(streams, await iterator(streams, first as string, "TRIM_HORIZON"));
    // KEYS_ONLY: keys and no images; a closed shard read to its end has no next iterator.
    assert.deepEqual(
      read.records.map((r) => [r.dynamodb?.Keys, r.dynamodb?.NewImage]),
      [[{ pk: { S: "k" } }, undefined]],
    );
    assert.equal(read.next, undefined);

    const on = await ddb.send(
      new UpdateTableCommand({
        TableName: "toggled",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
      }),
    );
    assert.notEqual(on.TableDescription?.LatestStreamArn, first);
    await assert.rejects(
      ddb.send(
        new UpdateTableCommand({
          TableName: "toggled",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
        }),
      ),
      (err: Error) => err.name === "ValidationException" && /already has an enabled stream/.test(err.message),
    );
  });

  it("names the DynamoDB operations dynalite does not serve", async () => {
    await assert.rejects(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: "orders", Item: { pk: { S: "t" } } } }],
        }),
      ),
      (err: Error) =>
        err.name === "UnknownOperationException" && /does not serve TransactWriteItems/.test(err.message),
    );
  });

  it("refuses unknown streams and bad view types with AWS's errors", async () => {
    await assert.rejects(
      streams.send(
        new DescribeStreamCommand({ StreamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y" }),
      ),
      (err: Error) => err.name === "ResourceNotFoundException",
    );
    await assert.rejects(
      ddb.send(
        new CreateTableCommand({
          TableName: "bad-view",
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true },
        }),
      ),
      (err: Error) => err.name === "ValidationException" && /streamViewType/.test(err.message),
    );
  });

  it("keeps a table's stream across restarts of a persisted stack", async () => {
    const persistDir = join(dir, "persisted");
    let arn: string | undefined;
    for (const round of [1, 2]) {
      const stack = await startLocalAws({ port: 0, functions: {}, baseDir: dir, persistDir });
      const client = new DynamoDBClient({ endpoint: stack.url, region: "us-east-1", credentials });
      const streamsClient = new DynamoDBStreamsClient({
        endpoint: stack.url,
        region: "us-east-1",
        credentials,
      });
      try {
        if (round === 1) {
          const out = await client.send(
            new CreateTableCommand({
              TableName: "kept",
              KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
              AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
              BillingMode: "PAY_PER_REQUEST",
              StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
            }),
          );
          arn = out.TableDescription?.LatestStreamArn;
          // As with AWS, the table is used (here: the stack stopped) once it is ACTIVE, not while
          // dynalite still writes its CREATING → ACTIVE change.
          await waitUntil(async () => {
            const { Table } = await client.send(new DescribeTableCommand({ TableName: "kept" }));
            return Table?.TableStatus === "ACTIVE";
          });
        } else {
          const { Table } = await client.send(new DescribeTableCommand({ TableName: "kept" }));
          assert.equal(Table?.LatestStreamArn, arn);
          await client.send(new PutItemCommand({ TableName: "kept", Item: { pk: { S: "after-restart" } } }));
          const read = await readAll(
            streamsClient,
            await iterator(streamsClient, arn as string, "TRIM_HORIZON"),
          );
          assert.deepEqual(
            read.records.map((r) => r.dynamodb?.Keys),
            [{ pk: { S: "after-restart" } }],
          );
        }
      } finally {
        client.destroy();
        streamsClient.destroy();
        await stack.close();
      }
    }
  });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
