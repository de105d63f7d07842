// Not part of `npm test`: it starts a 3-node cluster and four bridge processes for two to four
// minutes, and on a loaded machine a restarted bridge can take longer than its 30 s to start. Run it
// with `npm run test:fleet` after changing partitions, the bridge's stream routes or the cluster kit.
// Three `junction run` processes on a 3-node JetStream cluster share one ordered route (an SQS FIFO
// queue grouped by customer): kill -9 of a bridge, kill -9 of a NATS node, restarts of both, while
// messages flow, then a rejoin (rebalance) and a graceful leave. Drained afterwards: nothing lost,
// nothing twice, every customer in stream order.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import type { TestCluster } from "@junction/testkit";
import { waitFor } from "@junction/testkit";
import { drainQueue, metric, partitionsDone, type RunStack, startRunStack } from "./testdata/run-stack.ts";

const PARTITIONS = 6;

/** Partitions a bridge says it owns now (`junction_bridge_owned` samples at 1). */
const ownedIn = (text: string) =>
  text.split("\n").filter((l) => l.startsWith('junction_bridge_owned{route="orders"') && l.endsWith(" 1"))
    .length;

describe("three bridge processes on a NATS cluster", { timeout: 240_000 }, () => {
  let stack: RunStack;

  before(async () => {
    stack = await startRunStack(
      `fleet: { replicas: 3, leaseMs: 2000 }
streams:
  - { name: FLEET, subjects: ["fleet.>"], storage: file, replicas: 3 }
routes:
  - name: orders
    from: { subject: "fleet.{customer}.{n}", stream: FLEET }
    partitions: ${PARTITIONS}
    retry: { ackWaitMs: 3000 }
    to:
      - type: sqs
        queue: fleet-orders.fifo
        groupId: "{customer}"
        dedupId: "{$id}"
        body: "{customer} {n} {$seq}"
`,
      { cluster: true },
    );
  });
  after(() => stack?.dispose());

  it("kill -9 of a bridge and of a NATS node, a rejoin, a graceful leave: 0 lost, 0 duplicated, 0 out of order per customer", async (t) => {
    const total = Number(process.env.FLEET_TEST_MESSAGES ?? 5000);
    const customers = 200;
    const runs = await Promise.all([stack.startRun(), stack.startRun(), stack.startRun()]);
    type Run = (typeof runs)[number];
    const owned = async (rs: readonly Run[]) =>
      (await Promise.all(rs.map(async (r) => ownedIn(await r.metrics())))).reduce((a, b) => a + b, 0);
    await waitFor("every partition owned", async () => (await owned(runs)) === PARTITIONS || "not yet", {
      timeoutMs: 30_000,
    });

    // Published at a bounded rate, so the faults land mid-run; a failed publish is retried with the
    // same id (JetStream dedup), whatever node is down.
    const js = stack.client.jetstream();
    let published = 0;
    const publishing = (async () => {
      for (let n = 0; n < total; n++) {
        for (;;) {
          try {
            await js.publish(`fleet.c${n % customers}.${n}`, { n }, { id: `f-${n}` });
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        published = n + 1;
        if (n % 100 === 99) await new Promise((r) => setTimeout(r, 150));
      }
    })();

    await waitFor("a quarter published", async () => published >= total / 4 || `${published}`, {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    const [victim, ...survivors] = runs;
    assert.equal(await victim.run.kill("SIGKILL"), "SIGKILL");
    const killedAt = performance.now();
    await waitFor(
      "the survivors to own every partition",
      async () => (await owned(survivors)) === PARTITIONS || "no",
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    const takeoverMs = Math.round(performance.now() - killedAt);

    await waitFor("half published", async () => published >= total / 2 || `${published}`, {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    const cluster = stack.nats as TestCluster;
    await cluster.killNode(1);
    await new Promise((r) => setTimeout(r, 2000));
    await cluster.restartNode(1);
    // The killed bridge comes back: a join, so the partitions rebalance onto it.
    const restarted = await stack.startRun();
    await waitFor(
      "the rejoined bridge to serve",
      async () => ownedIn(await restarted.metrics()) > 0 || "no",
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    // A graceful leave: its partitions are released after it finished what it held.
    const [leaving, staying] = survivors;
    assert.equal(await leaving.run.kill("SIGTERM"), 0, leaving.run.output());
    await publishing;

    await waitFor("the partitions to finish", () => partitionsDone(stack.client, "FLEET", "orders"), {
      timeoutMs: 120_000,
      intervalMs: 250,
    }).catch(async (err: unknown) => {
      // What the bridges said, and the group's keys, are the only clues to a stall: keep them.
      for (const r of [staying, restarted]) {
        const lines = r.run.output().split("\n");
        t.diagnostic(`bridge ${r.run.pid}:\n${lines.slice(-60).join("\n")}`);
      }
      const kv = await stack.client.kv("JUNCTION_GROUPS");
      for (const key of await kv.keys("orders.>")) {
        const e = await kv.get(key);
        t.diagnostic(`${key} rev ${e?.revision}: ${JSON.stringify(e?.value)}`);
      }
      throw err;
    });
    const url = (await stack.sqs.send(new GetQueueUrlCommand({ QueueName: "fleet-orders.fifo" })))
      .QueueUrl as string;
    const got = await drainQueue(stack.sqs, url, 1); // one poller: the queue's order within each group
    const counts = new Map<number, number>();
    const lastSeq = new Map<string, number>();
    let outOfOrder = 0;
    const firstOutOfOrder: string[] = [];
    for (const m of got) {
      const [customer = "", nText, seqText] = (m.Body as string).split(" ");
      const [n, seq] = [Number(nText), Number(seqText)];
      counts.set(n, (counts.get(n) ?? 0) + 1);
      if (seq < (lastSeq.get(customer) ?? 0)) {
        if (outOfOrder++ < 5) firstOutOfOrder.push(`${customer}: seq ${seq} after ${lastSeq.get(customer)}`);
      }
      lastSeq.set(customer, Math.max(seq, lastSeq.get(customer) ?? 0));
    }
    const lost = [...Array(total).keys()].filter((n) => !counts.has(n)).length;
    const duplicated = [...counts.values()].filter((c) => c > 1).length;
    const text = await restarted.metrics();
    t.diagnostic(
      `${total} messages, ${customers} customers: lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}; ` +
        `kill -9 to every partition owned again: ${takeoverMs} ms; ` +
        `disconnects seen by the restarted bridge: ${metric(text, "junction_bridge_nats_connection_events_total", 'event="disconnect"')}`,
    );
    if (outOfOrder > 0) {
      // Which partition moved when, from every bridge's log: the clue to an order failure.
      for (const r of [victim, leaving, staying, restarted]) {
        const events = r.run
          .output()
          .split("\n")
          .filter((l) => /partition|NATS|stopped serving/.test(l));
        t.diagnostic(`bridge ${r.run.pid}:\n${events.join("\n")}`);
      }
      t.diagnostic(`first out of order: ${firstOutOfOrder.join("; ")}`);
    }
    assert.equal(lost, 0, "lost");
    assert.equal(outOfOrder, 0, "out of order within a customer");
    // Dedup ids are message ids; the local emulator holds its last 10,000, more than this run sends.
    assert.equal(duplicated, 0, "duplicated");
    assert.equal(got.length, total);
    assert.equal(metric(text, "junction_bridge_dead_lettered_total", 'route="orders"'), 0);
    for (const r of [staying, restarted]) await r.run.kill("SIGTERM");
  });
});
