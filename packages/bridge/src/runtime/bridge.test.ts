// The runtime against a real nats-server, with scripted senders standing in for AWS: these tests are
// about consumption, lanes, retries, fan-out memory, the breaker and the DLQ, not the AWS calls.
// (With the real senders and the local edge endpoint: targets/*/send.test.ts, the CLI's run.test.ts and
// up.test.ts, and examples/mistersmith/e2e.test.ts.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, type JunctionClient } from "@junction/sdk";
import type { StoredDeadLetter } from "@junction/sdk/jetstream";
import { sleep } from "@junction/sdk/resilience";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import {
  DeliveryError,
  DeliveryErrorCode,
  type DeliveryOutcome,
  type TargetSender,
} from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";
import { createBridge } from "./bridge.ts";
import { listDeadLetters } from "./dlq/store.ts";

const loaded = loadConfig(
  `streams:
  - { name: EVT, subjects: ["evt.>"], storage: memory }
routes:
  - name: ordered
    from: { subject: "evt.ord.{k}.{n}", stream: EVT }
    key: "{k}"
    retry: { backoffMs: [10, 20], maxDeliver: 10 }
    batch: { lingerMs: 2 }
    to: [{ type: sqs, queue: ordered }]
  - name: fan
    from: { subject: "evt.fan.{id}", stream: EVT }
    retry: { backoffMs: [20] }
    to:
      - { type: sqs, queue: fan-a }
      - { type: eventbridge, bus: fan-b, source: t, detailType: T }
  - name: partial
    from: { subject: "evt.part.{n}", stream: EVT }
    retry: { backoffMs: [20] }
    batch: { lingerMs: 20 }
    to: [{ type: sqs, queue: partial }]
  - name: bad
    from: { subject: "evt.bad.{id}", stream: EVT }
    to: [{ type: sqs, queue: bad, body: "{$json.missing}" }]
  - name: brk
    from: { subject: "evt.brk.{id}", stream: EVT }
    retry: { backoffMs: [10], maxDeliver: 50 }
    to: [{ type: dynamodb, table: brk, key: { id: "{id}" }, set: { seen: "yes" } }]
  - name: api
    from: { subject: "api.{resource}.{action}" }
    reply: { type: lambda, function: "fn-{resource}", timeoutMs: 300 }
  - name: catchall
    from: { subject: "evt.>", stream: EVT }
    to: [{ type: sqs, queue: catchall }]
`,
  { env: {} },
);

/** A scripted sender: records every request it accepted, fails as `fail` says. */
function scripted(
  fail: (r: TargetRequest) => DeliveryError | undefined = () => undefined,
  delayMs = () => 0,
) {
  const accepted: TargetRequest[] = [];
  const sender: TargetSender = {
    async send(requests) {
      await sleep(delayMs());
      return requests.map((r): DeliveryOutcome => {
        const error = fail(r);
        if (error) return { ok: false, error };
        accepted.push(r);
        return { ok: true };
      });
    },
  };
  return { sender, accepted };
}
const unavailable = () => new DeliveryError(DeliveryErrorCode.Unavailable, "503 from the target");
const body = (r: TargetRequest) => String(r.input.MessageBody ?? r.input.Detail ?? "");

describe("bridge runtime (real NATS, scripted senders)", { timeout: 60_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  const failFanB = new Map<string, number>(); // id → remaining failures of target #1
  let dynamoDown = false;
  const attempts = new Map<string, number>();
  const sqs = scripted(
    (r) => {
      if (r.resource === "partial") {
        // Odd messages fail the first time: a batch that partly fails.
        const n = (JSON.parse(body(r)) as { n: number }).n;
        const seen = attempts.get(`partial-${n}`) ?? 0;
        attempts.set(`partial-${n}`, seen + 1);
        return n % 2 === 1 && seen === 0 ? unavailable() : undefined;
      }
      // Ordered route: every key's messages fail at random a few times, to exercise in-lane retries.
      if (r.resource !== "ordered") return undefined;
      const n = (attempts.get(body(r)) ?? 0) + 1;
      attempts.set(body(r), n);
      return n < 3 && Math.random() < 0.3 ? unavailable() : undefined;
    },
    () => Math.random() * 5,
  );
  const eventbridge = scripted((r) => {
    const id = JSON.parse(String(r.input.Detail)).id as string;
    const left = failFanB.get(id) ?? 0;
    if (left <= 0) return undefined;
    failFanB.set(id, left - 1);
    return unavailable();
  });
  const dynamodb = scripted(() => (dynamoDown ? unavailable() : undefined));
  const lambda: TargetSender = {
    async send(requests) {
      const [r] = requests;
      if (r?.resource === "fn-slow") await sleep(1000);
      if (r?.resource === "fn-broken") {
        return [{ ok: false, error: new DeliveryError(DeliveryErrorCode.Rejected, "Unhandled: boom") }];
      }
      return requests.map((q) => ({ ok: true, reply: new TextEncoder().encode(`{"fn":"${q.resource}"}`) }));
    },
  };
  let bridge: ReturnType<typeof createBridge>;

  before(async () => {
    nats = await startTestNats();
    client = await connect(nats.url);
    await client.jetstream().ensureStream({ name: "EVT", subjects: ["evt.>"], storage: "memory" });
    bridge = createBridge(loaded, {
      client,
      aws: {} as AwsClientSet,
      senders: { sqs: sqs.sender, eventbridge: eventbridge.sender, dynamodb: dynamodb.sender, lambda },
      registry: new Registry(),
      breaker: { threshold: 3, resetMs: 300 },
      lagSampleMs: 100,
    });
    await bridge.start();
  });
  after(async () => {
    await bridge?.stop();
    await client?.drain();
    await nats?.dispose();
  });

  const js = () => client.jetstream();
  const deadLetters = (route: string): Promise<StoredDeadLetter[]> => listDeadLetters(client, { route });

  it("keeps per-key order under parallelism and retries", async () => {
    const keys = ["a", "b", "c", "d"];
    for (let n = 0; n < 40; n++) for (const k of keys) await js().publish(`evt.ord.${k}.${n}`, { k, n });
    await waitFor("all ordered delivered", async () => {
      const got = new Set(sqs.accepted.filter((r) => r.resource === "ordered").map(body));
      return got.size === 160 || `${got.size}/160`;
    });
    for (const k of keys) {
      const seen = sqs.accepted
        .filter((r) => r.resource === "ordered")
        .map((r) => JSON.parse(body(r)) as { k: string; n: number })
        .filter((m) => m.k === k)
        .map((m) => m.n);
      assert.deepEqual(
        seen,
        [...seen].sort((x, y) => x - y),
        `key ${k} out of order: ${seen.join(",")}`,
      );
      assert.equal(seen.length, 40, `key ${k}: no duplicates after in-lane retries`);
    }
  });

  it("fan-out: a failing target is retried alone; the other gets the message once", async () => {
    failFanB.set("f1", 2);
    await js().publish("evt.fan.f1", { id: "f1" });
    await waitFor(
      "fan-b delivered",
      async () =>
        eventbridge.accepted.some((r) => JSON.parse(String(r.input.Detail)).id === "f1") || "waiting",
    );
    await sleep(100);
    const toA = sqs.accepted.filter((r) => r.resource === "fan-a" && body(r).includes("f1"));
    assert.equal(toA.length, 1, "target #0 got it exactly once across redeliveries");
  });

  it("a partly failed batch: only the failed entries are sent again", async () => {
    for (let n = 0; n < 20; n++) await js().publish(`evt.part.${n}`, { n });
    await waitFor("all partial delivered", async () => {
      const got = sqs.accepted.filter((r) => r.resource === "partial").length;
      return got === 20 || `${got}/20`;
    });
    await sleep(100);
    for (let n = 0; n < 20; n++) {
      assert.equal(attempts.get(`partial-${n}`), n % 2 === 1 ? 2 : 1, `message ${n}`);
    }
    assert.equal(sqs.accepted.filter((r) => r.resource === "partial").length, 20, "each accepted once");
  });

  it("dead-letters an unmappable message with its reason; the catch-all route skips it", async () => {
    await js().publish("evt.bad.x1", { other: 1 });
    await waitFor("dead letter", async () => (await deadLetters("bad")).length === 1 || "none yet");
    const [letter] = await deadLetters("bad");
    assert.deepEqual(letter?.origin, { route: "bad", target: "sqs#0" });
    assert.equal(letter?.subject, "evt.bad.x1");
    assert.equal(letter?.reason, "rejected");
    assert.match(letter?.error.message ?? "", /missing/);
    assert.equal(letter?.attempts, 1);
    assert.ok(!sqs.accepted.some((r) => r.resource === "catchall" && body(r).includes("other")));
  });

  it("opens the breaker, pauses fetching, and delivers everything once the target is back", async () => {
    dynamoDown = true;
    for (let i = 0; i < 20; i++) await js().publish(`evt.brk.${i}`, { i });
    await waitFor(
      "breaker open",
      async () => bridge.stats().routes.find((r) => r.route === "brk")?.paused === true || "closed",
    );
    await sleep(500);
    assert.equal(dynamodb.accepted.length, 0);
    dynamoDown = false;
    await waitFor(
      "all delivered",
      async () => {
        const ids = new Set(dynamodb.accepted.map((r) => JSON.stringify(r.input.Key)));
        return ids.size === 20 || `${ids.size}/20`;
      },
      { timeoutMs: 20_000 },
    );
    assert.equal((await deadLetters("brk")).length, 0);
  });

  it("reply routes answer requests: result, 500 on a function error, 504 on a timeout", async () => {
    const ok = await client.request("api.status.get", { q: 1 }, { timeoutMs: 2000 });
    const data = ok.data instanceof Uint8Array ? JSON.parse(Buffer.from(ok.data).toString("utf8")) : ok.data;
    assert.deepEqual(data, { fn: "fn-status" });
    await assert.rejects(
      client.request("api.broken.get", {}, { timeoutMs: 2000, retry: false }),
      (e: unknown) => {
        return (e as { serviceCode?: number }).serviceCode === 500;
      },
    );
    await assert.rejects(
      client.request("api.slow.get", {}, { timeoutMs: 2000, retry: false }),
      (e: unknown) => {
        return (e as { serviceCode?: number }).serviceCode === 504;
      },
    );
  });

  it("stop() drains: nothing held, and undelivered messages stay in the stream", async () => {
    // The only process of the ordered route's group serves all of its partitions.
    const ordered = bridge.stats().routes.find((r) => r.route === "ordered");
    assert.deepEqual(ordered?.partitions, [0, 1, 2, 3, 4, 5, 6, 7]);
    await bridge.stop();
    assert.equal(bridge.ready(), false);
    assert.ok(bridge.stats().routes.every((r) => r.inflight === 0));
    // The ordered route runs as partitions, one consumer each (`ordered-p<n>`).
    const consumers = await (await js().manager()).consumers.list("EVT").next();
    const partitions = consumers.filter((c) => c.name.startsWith("ordered-p"));
    assert.equal(partitions.length, 8);
    for (const info of partitions) assert.equal(info.num_ack_pending, 0, info.name);
  });
});
