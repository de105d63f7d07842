// A message whose deliveries kept ending without an outcome (a bridge that crashed on it) must reach
// the DLQ, not be redelivered forever or dropped by the server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { DLQ_STREAM, readDeadLetter, type StoredDeadLetter } from "@junction/sdk/jetstream";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import type { TargetRequest } from "../targets/types.ts";
import { createBridge } from "./bridge.ts";

const loaded = loadConfig(
  `streams: [{ name: CR, subjects: ["cr.>", "um.>"], storage: memory }]
routes:
  - name: crashy
    from: { subject: "cr.{id}", stream: CR }
    retry: { maxDeliver: 2, backoffMs: [10] }
    to: [{ type: sqs, queue: q }]
  - name: unmappable
    from: { subject: "um.{id}", stream: CR }
    retry: { maxDeliver: 2, backoffMs: [10] }
    to: [{ type: sqs, queue: q, body: "{$json.name}" }]
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

  /** Stands in for earlier bridge processes that took the message and died: five deliveries, no outcome. */
  const deliveredFiveTimes = async (subject: string, data: unknown, route: string) => {
    await client.jetstream().ensureStream({ name: "CR", subjects: ["cr.>", "um.>"], storage: "memory" });
    await client.jetstream().publish(subject, data);
    const jsm = await jetstreamManager(client.nc);
    await jsm.consumers.add("CR", {
      durable_name: route,
      ack_policy: AckPolicy.Explicit,
      filter_subject: `${subject.split(".")[0]}.*`,
    });
    const consumer = await jetstream(client.nc).consumers.get("CR", route);
    for (let i = 0; i < 5; i++) (await consumer.next({ expires: 2000 }))?.nak(0);
    return jsm;
  };

  /** Runs a bridge until the route's dead letter is there; returns it and what was sent meanwhile. */
  const deadLetterOf = async (route: string) => {
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
      const jsm = await jetstreamManager(client.nc);
      let letter: StoredDeadLetter | undefined;
      await waitFor("the dead letter", async () => {
        const stored = await jsm.streams
          .getMessage(DLQ_STREAM, { last_by_subj: `junction.dlq.${route}` })
          .catch(() => null);
        if (stored) letter = readDeadLetter({ data: stored.data, headers: stored.header });
        return letter ? true : `no dead letter yet; ${sent.length} sent`;
      });
      if (letter === undefined) assert.fail("no dead letter");
      await waitFor("the ack", async () => {
        const pending = (await jsm.consumers.info("CR", route)).num_ack_pending;
        return pending === 0 ? true : `${pending} unacknowledged`;
      });
      return { letter, sent };
    } finally {
      await bridge.stop();
    }
  };

  it("are dead-lettered with ERR_MAX_DELIVERIES once their deliveries exceed the limit", async () => {
    const jsm = await deliveredFiveTimes("cr.1", { n: 1 }, "crashy");
    const { letter, sent } = await deadLetterOf("crashy");
    assert.equal(letter.error.code, "ERR_MAX_DELIVERIES");
    assert.equal(letter.reason, "exhausted");
    assert.equal(letter.attempts, 6);
    assert.equal(sent.length, 0, "it is not delivered again after the limit");
    const info = await jsm.consumers.info("CR", "crashy");
    assert.equal(info.config.max_deliver, -1, "the server never drops a message by itself");
  });

  it("keep their real reason when it is known: an unmappable one is dead-lettered as rejected", async () => {
    // As when its earlier dead-letter writes failed (the DLQ was unreachable) and it came back.
    await deliveredFiveTimes("um.1", new TextEncoder().encode("not json"), "unmappable");
    const { letter, sent } = await deadLetterOf("unmappable");
    assert.equal(letter.reason, "rejected");
    assert.notEqual(letter.error.code, "ERR_MAX_DELIVERIES");
    assert.match(letter.error.message, /json/i);
    assert.equal(sent.length, 0);
  });
});
