// SQS → NATS through `junction run`, killed with SIGKILL mid-run: every message of a FIFO queue reaches
// the stream once, in order per group. A real nats-server and the real local edge endpoint.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  type JunctionProcess,
  spawnJunction,
  startTestNats,
  type TestNats,
  waitFor,
} from "@junction/testkit";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

describe("junction run: SQS FIFO → JetStream under SIGKILL", { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-inbound-"));
  let nats: TestNats;
  let aws: LocalAws;
  let client: JunctionClient;
  let sqs: SQSClient;
  const running: JunctionProcess[] = [];

  before(async () => {
    nats = await startTestNats();
    aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
    sqs = new SQSClient({ endpoint: aws.url, region: "us-east-1", credentials });
    client = await connect(nats.url);
    writeFileSync(
      join(dir, "junction.yaml"),
      `nats: { servers: "${nats.url}" }
aws: { region: us-east-1, endpoint: "${aws.url}" }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: INB, subjects: ["inbound.>"], storage: file, duplicateWindow: 10m }
inbound:
  - { name: fifo-in, from: { type: sqs, queue: in.fifo }, to: "inbound.{$attr.Group}", pollers: 4, visibilitySeconds: 5 }
`,
    );
    const provision = spawnJunction(["provision", "-c", "junction.yaml"], { cwd: dir, env });
    assert.equal(await provision.exited, 0, provision.output());
  });
  after(async () => {
    for (const p of running) await p.kill();
    await client?.drain();
    sqs?.destroy();
    await aws?.close();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const startRun = async () => {
    const run = spawnJunction(["run", "-c", "junction.yaml"], { cwd: dir, env });
    running.push(run);
    await run.waitForOutput(/"msg":"polling"/);
    return run;
  };

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
    const first = await startRun();
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

    const second = await startRun();
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
    const metrics = await (await fetch(metricsUrl(second.output()))).text();
    const duplicates = Number(
      /junction_inbound_duplicates_total\{inbound="fifo-in"\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
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

function metricsUrl(output: string): string {
  const ops = /"ops":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
  if (ops === undefined) throw new Error(`no ops address in:\n${output}`);
  return `${ops}/metrics`;
}
