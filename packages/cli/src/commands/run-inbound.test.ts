// SQS → NATS through `junction run`, killed with SIGKILL mid-run: every message of a FIFO queue reaches
// the stream once, in order per group. A real nats-server and the real local edge endpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { JunctionClient } from "@junction/sdk";
import { waitFor } from "@junction/testkit";
import { metric, type RunStack, startRunStack } from "./testdata/run-stack.ts";

const _credentials = { accessKeyId: "test", secretAccessKey: "test" };
const _env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

describe("junction run: SQS FIFO → JetStream under SIGKILL", { timeout: 240_000 }, () => {
  let stack: RunStack;
  let sqs: SQSClient;
  let client: JunctionClient;
  const startRun = async () => {
    const { run, metrics } = await stack.startRun();
    await run.waitForOutput(/"msg":"polling"/);
    return { run, metrics };
  };

  before(async () => {
    stack = await startRunStack(`streams:
  - { name: INB, subjects: ["inbound.>"], storage: file, duplicateWindow: 10m }
inbound:
  - { name: fifo-in, from: { type: sqs, queue: in.fifo }, to: "inbound.{$attr.Group}", pollers: 4, visibilitySeconds: 5 }
`);
    ({ sqs, client } = stack);
  });
  after(() => stack?.dispose());

  it("10,000 messages in 10 groups: none lost, none stored twice, each group in order", async (t) => {
    const total = 10_000;
    const groups = 10;
    const QueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: "in.fifo" }))).QueueUrl as string;
    const sends: Promise<unknown>[] = [];
    for (let n = 0; n < total; n += 10) {
      const Entries = Array.from({ length: 10 }, (_, k) => {
        const i = n + k;
        const group = `g${i % groups}`;
        return {
          Id: String(k),
          MessageBody: JSON.stringify({ group, i }),
          MessageGroupId: group,
          MessageDeduplicationId: `m-${i}`,
          MessageAttributes: { Group: { DataType: "String", StringValue: group } },
        };
      });
      sends.push(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries })));
      // The group's order is the order SQS accepted the batches in: send one at a time per group.
      await sends[sends.length - 1];
    }

    const jsm = await client.jetstream().manager();
    const stored = async () => (await jsm.streams.info("INB")).state.messages;
    const { run: first } = await startRun();
    await waitFor(
      "a quarter in the stream",
      async () => {
        const n = await stored();
        return n >= total / 4 || `${n}`;
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    assert.equal(await first.kill("SIGKILL"), "SIGKILL");
    const atKill = await stored();
    assert.ok(atKill < total, `killed too late to matter (${atKill} already stored)`);

    const { run: second, metrics } = await startRun();
    await waitFor(
      "the queue drained",
      async () => {
        const { Attributes: a } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
          }),
        );
        const left =
          Number(a?.ApproximateNumberOfMessages) + Number(a?.ApproximateNumberOfMessagesNotVisible);
        return left === 0 || `${left} left, ${await stored()} stored`;
      },
      { timeoutMs: 180_000, intervalMs: 200 },
    );
    const duplicates = metric(await metrics(), "junction_inbound_duplicates_total", 'inbound="fifo-in"');
    t.diagnostic(
      `stored at the kill: ${atKill}; received again after the restart and deduplicated: ${duplicates}`,
    );
    await second.kill("SIGTERM");

    assert.equal(await stored(), total, "each message stored once");
    const consumer = await client.jetstream().js.consumers.get("INB");
    const perGroup = new Map<string, number[]>();
    const messages = await consumer.consume();
    let read = 0;
    for await (const m of messages) {
      const { group, i } = m.json<{ group: string; i: number }>();
      assert.equal(m.subject, `inbound.${group}`);
      perGroup.set(group, [...(perGroup.get(group) ?? []), i]);
      if (++read === total) break;
    }
    for (const [group, seen] of perGroup) {
      assert.equal(seen.length, total / groups, `${group}: all there`);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
        `${group} in order`,
      );
    }
  });
});
