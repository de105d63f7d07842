import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { connect, type JunctionClient } from "../connect/client.ts";
import { JunctionError } from "../errors/index.ts";
import { Headers } from "../identity/index.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("jetstream: server restart mid-traffic", () => {
  let nats: TestNats;
  let client: JunctionClient;
  before(async () => {
    nats = await startTestNats();
    client = await connect({
      servers: nats.url,
      name: "restart-test",
      reconnect: { baseDelayMs: 50, maxDelayMs: 300 },
    });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("loses no acknowledged message and stores none twice (retries reuse the id)", async () => {
    const js = client.jetstream({ timeoutMs: 1000 });
    await js.ensureStream({ name: "DURA", subjects: ["dura.>"] });
    const handled = new Set<string>();
    const worker = await js.worker("DURA", "consumer", (job) => void handled.add(job.identity.id), {
      concurrency: 4,
      expiresMs: 2000,
      // A batch the server sent as the connection died is redelivered only after the ack wait;
      // keep it short so "every message reaches the worker" is checked, not the 30 s default.
      ackWaitMs: 2000,
    });

    const total = 300;
    const acked = new Set<string>();
    const failures: unknown[] = [];
    let duplicates = 0;
    let next = 0;
    let restart: Promise<void> | undefined;
    const deadline = Date.now() + 12_000;
    const producer = async () => {
      for (let i = next++; i < total; i = next++) {
        if (i === 100) restart = nats.restart();
        const id = `m-${i}`;
        for (;;) {
          try {
            const ack = await js.publish("dura.x", { i }, { id });
            if (ack.duplicate) duplicates++;
            acked.add(id);
            break;
          } catch (err) {
            failures.push(err);
            if (Date.now() > deadline) throw err;
            await sleep(50);
          }
        }
        await sleep(2); // keep traffic flowing across the restart
      }
    };
    await Promise.all(Array.from({ length: 8 }, producer));
    await restart;
    assert.equal(acked.size, total);
    assert.ok(failures.length > 0, "the restart should have failed some publishes");
    assert.ok(
      failures.every((e) => e instanceof JunctionError),
      "every failure is typed",
    );

    const jsm = await js.manager();
    const info = await jsm.streams.info("DURA");
    assert.equal(info.state.messages, total, `stored ${info.state.messages}, duplicates acked ${duplicates}`);
    const stored: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage("DURA", { seq });
      if (m) stored.push(m.header.get(Headers.MsgId));
    }
    assert.deepEqual(stored.sort(), [...acked].sort());

    await waitFor("the worker to see every message", async () =>
      handled.size === total ? true : `${handled.size}/${total}`,
    );
    await worker.stop();
  });
});
