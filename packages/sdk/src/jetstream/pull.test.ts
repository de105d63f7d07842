import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { type JetStreamManager, jetstream } from "@nats-io/jetstream";
import { connect, type JunctionClient } from "../connect/client.ts";
import { pullMessages } from "./pull.ts";
import { ensureConsumer } from "./streams.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("jetstream: the pull loop", () => {
  let nats: TestNats;
  let client: JunctionClient;
  let jsm: JetStreamManager;

  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "pull-test" });
    jsm = await client.jetstream().manager();
    await client.jetstream().ensureStream({ name: "PULL", subjects: ["pull.>"] });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  // What an unconfirmed partition owner (no extensions) or a stalled event loop leads to: the server
  // redelivers a message this process still holds. The copy must not run the handler a second time.
  it("does not run the server's copy of a message it still holds", async () => {
    const ackWaitMs = 500;
    await ensureConsumer(jsm, { stream: "PULL", durable: "held", ackWaitMs, maxDeliver: 10 });
    const runs: number[] = [];
    const stop = new AbortController();
    const loop = pullMessages({
      js: jetstream(client.nc),
      stream: "PULL",
      consumer: "held",
      concurrency: 4,
      fetchBatch: 4,
      ackWaitMs,
      expiresMs: 1000,
      signal: stop.signal,
      ordered: true,
      extending: () => false,
      dispatch: async (m) => {
        runs.push(m.info.streamSequence);
        await sleep(4 * ackWaitMs); // held past the ack wait, unextended: the server redelivers
        m.ack();
      },
    });
    const { seq } = await client.jetstream().publish("pull.one", { n: 1 });
    await waitFor("the held message redelivered by the server", async () => {
      const ci = await jsm.consumers.info("PULL", "held");
      return ci.num_redelivered > 0 ? true : "not yet";
    });
    await waitFor("the message acked", async () => {
      const ci = await jsm.consumers.info("PULL", "held");
      return ci.num_ack_pending === 0 ? true : `${ci.num_ack_pending} pending`;
    });
    await sleep(2 * ackWaitMs); // the original's ack settled the copy too: nothing comes back
    stop.abort();
    await loop.done;
    assert.deepEqual(runs, [seq]);
    assert.equal((await jsm.consumers.info("PULL", "held")).num_ack_pending, 0);
  });
});
