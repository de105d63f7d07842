// `junction bench local`: what the AWS edge endpoint of `junction up` costs. The same SDK clients run
// the same workload against the edge (routing, the SQS front, DynamoDB Streams bookkeeping) and
// against the same emulators listening on their own (fauxqs, dynalite), in one process and one run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startBareEmulators, startLocalAws } from "@junction/local";
import { interleave, median } from "./measure.ts";

export interface LocalBenchOptions {
  /** SQS messages per run (default 20,000); DynamoDB items are a quarter of it. */
  readonly messages?: number;
  /** Measured (edge, direct) pairs; the median of each side is reported. Default 3. */
  readonly pairs?: number;
  /** Requests in flight. Default 16. */
  readonly concurrency?: number;
}

export interface LocalBenchResult {
  readonly operation: string;
  /** Operations per second through the edge endpoint. */
  readonly junction: number;
  /** The same against the emulator alone. */
  readonly baseline: number;
  readonly ratio: number;
  readonly unit: string;
}

interface Endpoint {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
}

type Rates = Record<string, number>;

const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const BODY = "x".repeat(256);

export async function benchLocal(opts: LocalBenchOptions = {}): Promise<LocalBenchResult[]> {
  const messages = opts.messages ?? 20_000;
  const concurrency = opts.concurrency ?? 16;
  const dir = mkdtempSync(join(tmpdir(), "junction-bench-local-"));
  const edge = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
  const bare = await startBareEmulators();
  const client = (sqsEndpoint: string, ddbEndpoint: string): Endpoint => ({
    sqs: new SQSClient({ endpoint: sqsEndpoint, region: "us-east-1", credentials }),
    dynamodb: new DynamoDBClient({ endpoint: ddbEndpoint, region: "us-east-1", credentials }),
  });
  const viaEdge = client(edge.url, edge.url);
  const direct = client(bare.sqsUrl, bare.dynamodbUrl);
  let run = 0;
  try {
    const { junction, baseline } = await interleave(
      opts.pairs ?? 3,
      () => workload(viaEdge, `edge${run++}`, messages, concurrency),
      () => workload(direct, `direct${run++}`, messages, concurrency),
    );
    return Object.keys(junction[0] ?? {}).map((operation) => {
      const j = median(junction.map((r) => r[operation] as number));
      const b = median(baseline.map((r) => r[operation] as number));
      return { operation, junction: j, baseline: b, ratio: j / b, unit: "ops/s" };
    });
  } finally {
    for (const c of [viaEdge, direct]) {
      c.sqs.destroy();
      c.dynamodb.destroy();
    }
    await Promise.allSettled([edge.close(), bare.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run: SQS send then receive + delete, DynamoDB put then query; each op's rate. */
async function workload(
  endpoint: Endpoint,
  name: string,
  messages: number,
  concurrency: number,
): Promise<Rates> {
  const { sqs, dynamodb } = endpoint;
  const rates: Rates = {};
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `bench-${name}` })))
    .QueueUrl as string;
  const batches = Math.ceil(messages / 10);
  rates["SQS SendMessageBatch (messages)"] = await rate(messages, batches, concurrency, (i) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, k) => ({ Id: String(k), MessageBody: `${i}:${BODY}` })),
      }),
    ),
  );
  let received = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (received < messages) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        const got = out.Messages ?? [];
        if (got.length === 0) continue;
        received += got.length;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: got.map((m, k) => ({ Id: String(k), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    }),
  );
  rates["SQS ReceiveMessage + DeleteMessageBatch (messages)"] =
    received / ((performance.now() - start) / 1000);

  const TableName = `bench-${name}`;
  await dynamodb.send(
    new CreateTableCommand({
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
    }),
  );
  const items = Math.max(100, Math.floor(messages / 4));
  rates["DynamoDB PutItem"] = await rate(items, items, concurrency, (i) =>
    dynamodb.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: `p${i % 100}` }, sk: { S: String(i) }, body: { S: BODY } },
      }),
    ),
  );
  rates["DynamoDB Query (10 items each)"] = await rate(items / 10, items / 10, concurrency, (i) =>
    dynamodb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `p${i % 100}` } },
        Limit: 10,
      }),
    ),
  );
  return rates;
}

/** Runs `calls` calls, `concurrency` at a time; returns `units` per second. */
async function rate(
  units: number,
  calls: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < calls; i = next++) await call(i);
    }),
  );
  return units / ((performance.now() - start) / 1000);
}

type Out = NodeJS.WritableStream;

/** `junction bench local [--json] [--quick]`: the table, then the results for `--json`. */
export async function runLocal(out: Out, opts: { quick?: boolean }): Promise<Record<string, unknown>[]> {
  const messages = opts.quick ? 2_000 : 20_000;
  out.write(
    `local: the AWS edge endpoint of junction up against the same emulators alone (fauxqs, dynalite), ${messages.toLocaleString("en-US")} SQS messages of 256 B and ${(messages / 4).toLocaleString("en-US")} DynamoDB items a run, 16 requests in flight\n`,
  );
  const results = await benchLocal({ messages, ...(opts.quick ? { pairs: 1 } : {}) });
  const width = Math.max(...results.map((r) => r.operation.length));
  out.write(
    `${"operation".padEnd(width)} ${"edge/s".padStart(10)} ${"direct/s".padStart(10)} ${"ratio".padStart(7)}\n`,
  );
  for (const r of results)
    out.write(
      `${r.operation.padEnd(width)} ${Math.round(r.junction).toLocaleString("en-US").padStart(10)} ${Math.round(r.baseline).toLocaleString("en-US").padStart(10)} ${r.ratio.toFixed(2).padStart(7)}\n`,
    );
  return results.map((r) => ({ ...r }));
}
