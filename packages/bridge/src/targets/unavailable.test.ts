import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateEventBusCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { DeliveryErrorCode, type DeliveryOutcome } from "./delivery.ts";
import { createSender } from "./index.ts";
import { mapper, startLocalTargets } from "./testdata/local.ts";
import type { AwsService, TargetRequest } from "./types.ts";

const map = mapper(`
  - name: eb
    from: { subject: "eb.{n}" }
    to: [{ type: eventbridge, bus: down-bus, source: test, detailType: T }]
  - name: sqs
    from: { subject: "sqs.{n}" }
    to: [{ type: sqs, queue: down-q }]
  - name: ddb
    from: { subject: "ddb.{n}" }
    to: [{ type: dynamodb, table: Down, key: { id: "{n}" }, item: { at: "{$unix}" } }]
  - name: fn
    from: { subject: "fn.{n}" }
    reply: { type: lambda, function: fn }
`);

describe("every sender when the endpoint is down", () => {
  it("answers Unavailable (retryable) for every message of every call, without throwing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "junction-down-"));
    writeFileSync(join(dir, "fn.mjs"), "export const handler = async () => 1;\n");
    const local = await startLocalTargets({ fn: { handler: "./fn.mjs#handler" } }, dir);
    const { sqs, dynamodb, eventbridge } = local.clients;
    await sqs.send(new CreateQueueCommand({ QueueName: "down-q" }));
    await eventbridge.send(new CreateEventBusCommand({ Name: "down-bus" }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: "Down",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const batches: [AwsService, TargetRequest[]][] = (["eb", "sqs", "ddb", "fn"] as const).map((p, k) => [
      (["eventbridge", "sqs", "dynamodb", "lambda"] as const)[k] as AwsService,
      Array.from({ length: 12 }, (_, n) => map(`${p}.${n}`)),
    ]);
    const senders = new Map(batches.map(([service]) => [service, createSender(service, local.clients)]));
    const send = (service: AwsService, requests: TargetRequest[]): Promise<DeliveryOutcome[]> =>
      (senders.get(service) as ReturnType<typeof createSender>).send(requests);
    try {
      // Up: delivered (and the queue URL and the table's key schema are now cached).
      for (const [service, requests] of batches) {
        assert.ok(
          (await send(service, requests)).every((o) => o.ok),
          `${service} up`,
        );
      }
    } finally {
      await local.aws.close();
    }
    try {
      for (const [service, requests] of batches) {
        const outcomes = await send(service, requests);
        assert.equal(outcomes.length, requests.length);
        for (const o of outcomes) {
          assert.ok(!o.ok, service);
          assert.equal(o.error.code, DeliveryErrorCode.Unavailable, `${service}: ${o.error.message}`);
          assert.equal(o.error.retryable, true);
        }
      }
    } finally {
      await local.close();
    }
  });
});
