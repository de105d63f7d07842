// `junction run` as its own process under failure: killed with SIGKILL in the middle of 20,000 messages,
// and its AWS endpoint gone for 10 s. A real nats-server, the real local edge endpoint, and nothing lost.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JunctionClient } from "@junction/sdk";
import { type TcpProxy, waitFor } from "@junction/testkit";
import { drainQueue, metric, partitionsDone, type RunStack, startRunStack } from "./testdata/run-stack.ts";

describe("junction run under failure", { timeout: 240_000 }, () => {
  let stack: RunStack;
  let sqs: SQSClient;
  let client: JunctionClient;
  let proxy: TcpProxy;
  const startRun = () => stack.startRun();

  before(async () => {
    stack = await startRunStack(`streams:
  - { name: CHAOS, subjects: ["chaos.>", "outage.>"], storage: file }
routes:
  - name: chaos
    from: { subject: "chaos.{group}.{n}", stream: CHAOS }
    partitions: 8
    retry: { ackWaitMs: 3000 }
    to: [{ type: sqs, queue: chaos.fifo, groupId: "{group}" }]
  - name: outage
    from: { subject: "outage.{n}", stream: CHAOS }
    concurrency: 200
    to: [{ type: sqs, queue: outage }]
`);
    ({ sqs, client, proxy } = stack);
  });
  after(() => stack?.dispose());

  const queueUrl = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;

  const depth = async (url: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  };

  const drain = (url: string) => drainQueue(sqs, url);

  it("killed with SIGKILL mid-run and restarted: all 20,000 messages delivered, none twice into the FIFO queue", async (t) => {
    const total = 20_000;
    const groups = 100;
    const js = client.jetstream();
    const acks: Promise<unknown>[] = [];
    for (let n = 0; n < total; n++) acks.push(js.publish(`chaos.g${n % groups}.${n}`, { n }));
    await Promise.all(acks);

    const url = await queueUrl("chaos.fifo");
    const first = await startRun();
    await waitFor(
      "a quarter delivered",
      async () => {
        const d = await depth(url);
        return d >= total / 4 || `${d}`;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    assert.equal(await first.run.kill("SIGKILL"), "SIGKILL");
    const atKill = await depth(url);
    assert.ok(atKill < total, `killed too late to matter (${atKill} already delivered)`);

    const second = await startRun();
    // The FIFO route is ordered: partitions, taken over from the killed process after its lease.
    await waitFor("the partitions to finish", () => partitionsDone(client, "CHAOS", "chaos"), {
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    const got = await drain(url);
    const seen = new Map<number, number>();
    for (const m of got) {
      const n = (JSON.parse(m.Body as string) as { n: number }).n;
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    const missing = [...Array(total).keys()].filter((n) => !seen.has(n));
    const twice = [...seen].filter(([, c]) => c > 1).map(([n]) => n);
    assert.deepEqual(missing, [], `${missing.length} lost`);
    assert.deepEqual(twice, [], `${twice.length} duplicated`);
    assert.equal(got.length, total);
    const metrics = await second.metrics();
    const resent = metric(metrics, "junction_bridge_delivered_total", 'route="chaos"') - (total - atKill);
    assert.ok(resent >= 0, "the restarted bridge delivered at least what was left");
    // Sends of the killed bridge that SQS took but the stream never saw acked: sent again after the
    // restart, and dropped by SQS FIFO deduplication (dedup id = message id).
    t.diagnostic(`in the queue at the kill: ${atKill}; sent again after the restart: ${resent}`);
    assert.equal(metric(metrics, "junction_bridge_dead_lettered_total", 'route="chaos"'), 0);
    await second.run.kill("SIGTERM");
  });

  it("AWS endpoint down for 10 s: the breaker opens, fetching pauses, memory stays bounded, all delivered after", async () => {
    const { run, metrics } = await startRun();
    const url = await queueUrl("outage");
    const js = client.jetstream();
    const before = 1000;
    for (let n = 0; n < before; n++) await js.publish(`outage.${n}`, { n });
    await waitFor("the first messages delivered", async () => ((await depth(url)) >= before ? true : "no"), {
      timeoutMs: 30_000,
    });
    const rssBefore = metric(await metrics(), "process_resident_memory_bytes");

    await proxy.down();
    const downAt = Date.now();
    const during = 5000;
    const acks: Promise<unknown>[] = [];
    for (let n = before; n < before + during; n++) acks.push(js.publish(`outage.${n}`, { n }));
    await Promise.all(acks);
    const jsm = await js.manager();
    await waitFor(
      "the breaker to open",
      async () =>
        metric(await metrics(), "junction_bridge_breaker_state", 'route="outage"') === 2 || "closed",
      { timeoutMs: 8000, intervalMs: 100 },
    );
    // Open: no new pull requests (the one already waiting expires within 1 s). Then only the half-open
    // trials fetch, one message per reset period (2 s): at most 2 in 3 s.
    await new Promise((r) => setTimeout(r, 1500));
    const deliveredThen = (await jsm.consumers.info("CHAOS", "outage")).delivered.consumer_seq;
    await new Promise((r) => setTimeout(r, 3000));
    const info = await jsm.consumers.info("CHAOS", "outage");
    assert.ok(
      info.delivered.consumer_seq - deliveredThen <= 2,
      `fetched ${info.delivered.consumer_seq - deliveredThen} while open`,
    );
    assert.ok(info.num_ack_pending <= 200, `held ${info.num_ack_pending} > concurrency`);
    assert.ok(info.num_pending > during / 2, "the rest waits in the stream, not in the bridge");
    const text = await metrics();
    assert.ok(metric(text, "junction_bridge_inflight", 'route="outage"') <= 200);
    const rssDuring = metric(text, "process_resident_memory_bytes");
    assert.ok(
      rssDuring - rssBefore < 64 * 1024 * 1024,
      `RSS grew ${(rssDuring - rssBefore) >> 20} MiB while down`,
    );

    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - downAt))));
    await proxy.up();
    await waitFor(
      "everything delivered after the outage",
      async () => {
        const i = await jsm.consumers.info("CHAOS", "outage");
        return (i.num_pending === 0 && i.num_ack_pending === 0) || `${i.num_pending}+${i.num_ack_pending}`;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    const got = await drain(url);
    const seen = new Set(got.map((m) => (JSON.parse(m.Body as string) as { n: number }).n));
    assert.equal(
      seen.size,
      before + during,
      "every message, none lost (a standard queue may hold duplicates)",
    );
    const after = await metrics();
    assert.equal(metric(after, "junction_bridge_breaker_state", 'route="outage"'), 0, "closed again");
    assert.equal(metric(after, "junction_bridge_dead_lettered_total", 'route="outage"'), 0);
    assert.equal(await run.kill("SIGTERM"), 0);
  });
});
