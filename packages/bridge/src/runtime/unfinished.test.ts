// A message whose deliveries kept ending without an outcome (a bridge that crashed on it) must reach
// the DLQ, not be redelivered forever or dropped by the server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import type { TargetRequest } from "../targets/types.ts";
import { createBridge } from "./bridge.ts";
import { type DeadLetter, DLQ_STREAM, readDeadLetter } from "./dlq/format.ts";

const loaded = loadConfig(
  `streams: [{ name: CR, subjects: ["cr.>"], storage: memory }]
routes:
  - name: crashy
    from: { subject: "cr.{id}", stream: CR }
    retry: { maxDeliver: 2, backoffMs: [10] }
    to: [{ type: sqs, queue: q }]
`,
  { env: {} },
);

describe("messages the bridge never finished", { timeout: 30_000 }, () => {
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

  it("are dead-lettered with ERR_MAX_DELIVERIES once their deliveries exceed the limit", async () => {
    await client.jetstream().ensureStream({ name: "CR", subjects: ["cr.>"], storage: "memory" });
    await client.jetstream().publish("cr.1", { n: 1 });
    // Stand in for earlier bridge processes that took the message and died: five deliveries, no outcome.
    const jsm = await jetstreamManager(client.nc);
    await jsm.consumers.add("CR", {
      durable_name: "crashy",
      ack_policy: AckPolicy.Explicit,
      filter_subject: "cr.*",
    });
    const consumer = await jetstream(client.nc).consumers.get("CR", "crashy");
    for (let i = 0; i < 5; i++) (await consumer.next({ expires: 2000 }))?.nak(0);

    const sent: TargetRequest[] = [];
    const bridge = createBridge(loaded, {
      client,
      aws: {} as AwsClientSet,
      senders: {
        sqs: {
          async send(requests) {
            sent.push(...requests);
            return requests.map(() => ({ ok: true }));
          },
        },
      },
      registry: new Registry(),
    });
    await bridge.start();
    try {
      let letter: DeadLetter | undefined;
      await waitFor("the dead letter", async () => {
        const stored = await jsm.streams
          .getMessage(DLQ_STREAM, { last_by_subj: "junction.dlq.crashy" })
          .catch(() => null);
        if (stored) letter = readDeadLetter({ data: stored.data, headers: stored.header });
        return letter ? true : `no dead letter yet; ${sent.length} sent`;
      });
      if (letter === undefined) assert.fail("no dead letter");
      assert.equal(letter.error.code, "ERR_MAX_DELIVERIES");
      assert.equal(letter.reason, "exhausted");
      assert.equal(letter.attempts, 6);
      assert.equal(sent.length, 0, "it is not delivered again after the limit");
      const info = await jsm.consumers.info("CR", "crashy");
      assert.equal(info.config.max_deliver, -1, "the server never drops a message by itself");
      await waitFor("the ack", async () => {
        const pending = (await jsm.consumers.info("CR", "crashy")).num_ack_pending;
        return pending === 0 ? true : `${pending} unacknowledged`;
      });
    } finally {
      await bridge.stop();
    }
  });
});
