// Ordered stream routes are partitioned by default; one that ran on a shared consumer before keeps its
// place when it becomes partitioned, instead of sending the whole stream again. Real nats-server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import type { Logger } from "@junction/sdk/telemetry";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import type { DeliveryOutcome, TargetSender } from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";
import { createBridge } from "./bridge.ts";

const config = (retention: string) => `streams:
  - { name: ORD, subjects: ["ord.>"], storage: memory, retention: ${retention} }
routes:
  - name: orders
    from: { subject: "ord.{customer}", stream: ORD }
    to: [{ type: sqs, queue: orders.fifo, groupId: "{customer}" }]
`;

/** A logger that keeps each line's message, for asserting what the bridge said. */
function captureLogger(lines: string[]): Logger {
  const line = (_obj: object, msg?: string) => void lines.push(msg ?? "");
  const logger: Logger = { debug: line, info: line, warn: line, error: line, child: () => logger };
  return logger;
}

describe("ordered stream routes: partitions by default", { timeout: 60_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  before(async () => {
    nats = await startTestNats();
    client = await connect(nats.url);
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("an SQS FIFO route is 8 partitions with no config; on a work-queue stream, one shared consumer", () => {
    const route = (retention: string) => loadConfig(config(retention), { env: {} }).routes.routes[0];
    assert.equal(route("limits")?.partitions, 8);
    assert.equal(route("interest")?.partitions, 8);
    assert.equal(route("workqueue")?.partitions, undefined);
    assert.throws(
      () => loadConfig(`${config("workqueue")}    partitions: 4\n`, { env: {} }),
      /routes\[0\]\.partitions.*work queue/s,
    );
  });

  it("a route that ran on its shared consumer continues after what that consumer acked", async () => {
    const js = client.jetstream();
    await js.ensureStream({ name: "ORD", subjects: ["ord.>"], storage: "memory" });
    for (let i = 1; i <= 10; i++) await js.publish(`ord.c${i % 3}`, { i });
    // The route as the earlier version ran it: one consumer named after the route, 6 messages acked.
    const jsm = await js.manager();
    await jsm.consumers.add("ORD", {
      durable_name: "orders",
      ack_policy: "explicit",
      filter_subject: "ord.*",
    });
    const old = await js.js.consumers.get("ORD", "orders");
    const batch = await old.fetch({ max_messages: 6, expires: 2000 });
    for await (const m of batch) m.ack();
    await waitFor("the old consumer's acks stored", async () => {
      const floor = (await jsm.consumers.info("ORD", "orders")).ack_floor.stream_seq;
      return floor === 6 || `ack floor ${floor}`;
    });

    const accepted: TargetRequest[] = [];
    const sqs: TargetSender = {
      async send(requests) {
        accepted.push(...requests);
        return requests.map((): DeliveryOutcome => ({ ok: true }));
      },
    };
    const logs: string[] = [];
    const registry = new Registry();
    const bridge = createBridge(loadConfig(config("limits"), { env: {} }), {
      client,
      aws: {} as AwsClientSet,
      senders: { sqs },
      registry,
      logger: captureLogger(logs),
      lagSampleMs: 100,
    });
    await bridge.start();
    try {
      await waitFor(
        "the 4 unacked messages delivered",
        async () => accepted.length >= 4 || `${accepted.length}/4`,
      );
      // Give a replay of the whole stream the time it would take to show.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sent = accepted.map((r) => (JSON.parse(String(r.input.MessageBody)) as { i: number }).i);
      assert.deepEqual(
        sent.sort((a, b) => a - b),
        [7, 8, 9, 10],
      );
      assert.ok(
        logs.some((l) => l.includes("continues where its shared consumer stopped")),
        logs.join("\n"),
      );
      // The route's lag is sampled from its partitions' consumers: nothing left to read.
      await waitFor("the partitioned route's lag sampled", async () => {
        const text = await registry.metrics();
        return /^junction_bridge_consumer_pending\{route="orders"\} 0$/m.test(text) || "no sample yet";
      });
      const names = (await jsm.consumers.list("ORD").next()).map((c) => c.name).sort();
      assert.deepEqual(names, ["orders", ...Array.from({ length: 8 }, (_, p) => `orders-p${p}`)].sort());
    } finally {
      await bridge.stop();
    }
  });
});
