// Two bridges on one config and one nats-server share the work: the stream route's durable consumer
// and the core route's queue group hand each message to one of them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import { sleep } from "@junction/sdk/resilience";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import type { TargetSender } from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";
import { type Bridge, createBridge } from "./bridge.ts";

const loaded = loadConfig(
  `streams:
  - { name: SHARE, subjects: ["share.>"], storage: memory }
routes:
  - name: durable
    from: { subject: "share.{n}", stream: SHARE }
    to: [{ type: sqs, queue: durable }]
  - name: core
    from: { subject: "tele.{n}" }
    to: [{ type: sqs, queue: core }]
`,
  { env: {} },
);

describe("two bridges on one config", { timeout: 60_000 }, () => {
  let nats: TestNats;
  const clients: JunctionClient[] = [];
  const bridges: Bridge[] = [];
  const received: TargetRequest[][] = [[], []];

  before(async () => {
    nats = await startTestNats();
    for (const [i, got] of received.entries()) {
      const client = await connect(nats.url);
      clients.push(client);
      if (i === 0)
        await client.jetstream().ensureStream({ name: "SHARE", subjects: ["share.>"], storage: "memory" });
      // A little latency, so that neither bridge can take everything before the other asks.
      const sqs: TargetSender = {
        async send(requests) {
          await sleep(2);
          got.push(...requests);
          return requests.map(() => ({ ok: true }));
        },
      };
      const bridge = createBridge(loaded, {
        client,
        aws: {} as AwsClientSet,
        senders: { sqs },
        registry: new Registry(),
      });
      await bridge.start();
      bridges.push(bridge);
    }
  });
  after(async () => {
    for (const b of bridges) await b.stop();
    for (const c of clients) await c.drain();
    await nats?.dispose();
  });

  it("each message is delivered by one of them, and both take a share", async () => {
    const publisher = clients[0] as JunctionClient;
    for (let n = 0; n < 400; n++) await publisher.jetstream().publish(`share.${n}`, { n });
    for (let n = 0; n < 400; n++) publisher.publish(`tele.${n}`, { n });
    const bodies = (queue: string) =>
      received.flatMap((got) =>
        got.filter((r) => r.resource === queue).map((r) => String(r.input.MessageBody)),
      );
    await waitFor("all delivered", async () => {
      const [d, c] = [bodies("durable").length, bodies("core").length];
      return (d >= 400 && c >= 400) || `durable ${d}, core ${c}`;
    });
    await sleep(200);
    for (const queue of ["durable", "core"]) {
      const all = bodies(queue);
      assert.equal(all.length, 400, `${queue}: each message once`);
      assert.equal(new Set(all).size, 400);
      for (const [i, got] of received.entries()) {
        const share = got.filter((r) => r.resource === queue).length;
        assert.ok(share > 0, `${queue}: bridge ${i} took none of the work`);
      }
    }
  });
});
