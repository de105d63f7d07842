import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { LOCAL_ACCOUNT_ID, type LocalAws, startLocalAws } from "@junction/local";
import { DeliveryErrorCode, type DeliveryOutcome } from "../targets/delivery.ts";
import { createSender } from "../targets/index.ts";
import { mapper } from "../targets/testdata/local.ts";
import type { BatchCallMode } from "./batch-calls.ts";
import { type AwsClientSet, createAwsClients } from "./clients.ts";

// The same checks through both ways of sending the hot batch calls: what the senders see must not
// depend on the path (results, per-entry failures, classification of AWS's and the network's errors).

const map = mapper(`
  - name: std
    from: { subject: "s.{q}.{n}" }
    to: [{ type: sqs, queue: "{q}", attributes: { N: { type: Number, value: "{n}" }, P: "{$data}" } }]
  - name: fifo
    from: { subject: "f.{q}.{g}.{n}" }
    to: [{ type: sqs, queue: "{q}.fifo", groupId: "{g}", body: "{g}-{n}" }]
  - name: eb
    from: { subject: "eb.{n}" }
    to: [{ type: eventbridge, bus: lean-things, source: test.lean, detailType: Thing, detail: { n: "{n|number}" } }]
  - name: put
    from: { subject: "p.{t}.{id}" }
    to: [{ type: dynamodb, table: "{t}", key: { id: "{id}" }, item: { v: "{$json.v}" } }]
`);

const codes = (outcomes: DeliveryOutcome[]) => outcomes.map((o) => (o.ok ? "ok" : o.error.code));

for (const mode of ["lean", "sdk"] satisfies BatchCallMode[]) {
  describe(`batch calls through the ${mode} path (local edge endpoint)`, () => {
    let aws: LocalAws;
    let clients: AwsClientSet;
    const queues = new Map<string, string>();
    before(async () => {
      aws = await startLocalAws({ port: 0, functions: {}, baseDir: process.cwd() });
      clients = createAwsClients({ region: "us-east-1", url: aws.url, batchCalls: mode });
      for (const name of ["std", "fq.fifo", "eb-sink"]) {
        const attributes = name.endsWith(".fifo") ? { Attributes: { FifoQueue: "true" } } : {};
        const out = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, ...attributes }));
        queues.set(name, out.QueueUrl as string);
      }
      await clients.eventbridge.send(new CreateEventBusCommand({ Name: "lean-things" }));
      await clients.eventbridge.send(
        new PutRuleCommand({
          Name: "to-sink",
          EventBusName: "lean-things",
          EventPattern: JSON.stringify({ source: ["test.lean"] }),
        }),
      );
      await clients.eventbridge.send(
        new PutTargetsCommand({
          Rule: "to-sink",
          EventBusName: "lean-things",
          Targets: [{ Id: "sink", Arn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT_ID}:eb-sink` }],
        }),
      );
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: "Lean",
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    });
    after(async () => {
      clients.destroy();
      await aws.close();
    });

    async function receive(queue: string, expected: number): Promise<Message[]> {
      const all: Message[] = [];
      const until = Date.now() + 5000;
      while (all.length < expected && Date.now() < until) {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queues.get(queue),
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ["All"],
            WaitTimeSeconds: 1,
          }),
        );
        all.push(...Messages);
        // Deleted as received: a FIFO group is locked while a message of it is in flight.
        if (Messages.length > 0)
          await clients.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queues.get(queue),
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
      }
      return all;
    }

    it("SendMessageBatch: attributes arrive as sent, FIFO groups in order", async () => {
      const sender = createSender("sqs", clients);
      const requests = [
        ...Array.from({ length: 12 }, (_, n) => map(`s.std.${n}`, `payload-${n}`)),
        ...Array.from({ length: 12 }, (_, n) => map(`f.fq.${"ab"[n % 2]}.${n}`)),
      ];
      assert.deepEqual(
        codes(await sender.send(requests)),
        requests.map(() => "ok"),
      );
      const std = await receive("std", 12);
      assert.equal(std.length, 12);
      const seven = std.find((m) => m.MessageAttributes?.N?.StringValue === "7");
      assert.equal(seven?.MessageAttributes?.P?.StringValue, "payload-7");
      const fifo = (await receive("fq.fifo", 12)).map((m) => m.Body as string);
      assert.deepEqual(
        fifo.filter((b) => b.startsWith("a-")),
        ["a-0", "a-2", "a-4", "a-6", "a-8", "a-10"],
      );
    });

    it("SendMessageBatch to a queue that does not exist is a permanent failure naming the queue", async () => {
      const outcomes = await createSender("sqs", clients).send([map("s.ghost.1", "x")]);
      const [outcome] = outcomes;
      assert.ok(outcome !== undefined && !outcome.ok);
      assert.equal(outcome.error.code, DeliveryErrorCode.Rejected);
      assert.match(outcome.error.message, /ghost/);
    });

    it("PutEvents: entries with their time reach the bus and its rule's queue", async () => {
      const sender = createSender("eventbridge", clients);
      const requests = Array.from({ length: 15 }, (_, n) => map(`eb.${n}`));
      assert.deepEqual(
        codes(await sender.send(requests)),
        requests.map(() => "ok"),
      );
      const events = (await receive("eb-sink", 15)).map(
        (m) => JSON.parse(m.Body as string) as { detail: { n: number }; time: string },
      );
      assert.deepEqual(
        events.map((e) => e.detail.n).sort((a, b) => a - b),
        Array.from({ length: 15 }, (_, n) => n),
      );
      // The time of the message, not of the call: within a minute of now, as an ISO string.
      assert.ok(Math.abs(Date.parse(events[0]?.time ?? "") - Date.now()) < 60_000);
    });

    it("BatchWriteItem: 30 puts land; a missing table is a permanent failure naming it", async () => {
      const sender = createSender("dynamodb", clients);
      const puts = Array.from({ length: 30 }, (_, n) => map(`p.Lean.k${n}`, { v: `v${n}` }));
      assert.deepEqual(
        codes(await sender.send(puts)),
        puts.map(() => "ok"),
      );
      const item = await clients.dynamodb.send(
        new GetItemCommand({ TableName: "Lean", Key: { id: { S: "k29" } } }),
      );
      assert.deepEqual(item.Item, { id: { S: "k29" }, v: { S: "v29" } });
      const [missing] = await sender.send([map("p.Nowhere.k1", { v: "x" })]);
      assert.ok(missing !== undefined && !missing.ok);
      assert.equal(missing.error.code, DeliveryErrorCode.Rejected);
      assert.match(missing.error.message, /Nowhere/);
    });
  });
}

describe("batch calls to an endpoint that is down", () => {
  for (const mode of ["lean", "sdk"] satisfies BatchCallMode[]) {
    it(`${mode}: a refused connection is Unavailable (retryable), for every service`, async () => {
      // A port that was just free: nothing listens there.
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
          const { port } = s.address() as { port: number };
          s.close(() => resolve(port));
        });
      });
      const clients = createAwsClients({
        region: "us-east-1",
        url: `http://127.0.0.1:${port}`,
        batchCalls: mode,
      });
      try {
        for (const [service, request] of [
          ["eventbridge", map("eb.1")],
          [
            "sqs",
            { ...map("s.std.1", "x"), input: { ...map("s.std.1", "x").input, QueueUrl: "http://x/q" } },
          ],
        ] as const) {
          const [outcome] = await createSender(service, clients).send([request]);
          assert.ok(outcome !== undefined && !outcome.ok, service);
          assert.equal(outcome.error.code, DeliveryErrorCode.Unavailable, service);
          assert.equal(outcome.error.retryable, true);
        }
      } finally {
        clients.destroy();
      }
    });
  }
});
