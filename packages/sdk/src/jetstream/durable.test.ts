import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { nanos } from "@nats-io/nats-core";
import { connect, type JunctionClient } from "../connect/client.ts";
import { IdempotencyKeyReusedError, ServiceError } from "../errors/index.ts";
import { Headers } from "../identity/index.ts";
import { DurableRequestTimeoutError } from "./durable.ts";
import type { JunctionJetStream } from "./jetstream.ts";
import type { Job } from "./job.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// docs/protocol.md §14, written out here rather than taken from the code under test.
const scoped = (subject: string, key: string) =>
  createHash("sha256").update(`${subject}\n${key}`).digest("hex");
const AUTHORIZE = "payments.authorize";

interface Charge {
  readonly amount: number;
}

describe("jetstream: durable request/reply", () => {
  let nats: TestNats;
  let caller: JunctionClient;
  let server: JunctionClient;
  let js: JunctionJetStream;
  const runs = new Map<string, number>();
  const ran = (key: string, subject = AUTHORIZE) => runs.get(`${subject} ${key}`) ?? 0;
  const errors: Error[] = [];

  before(async () => {
    nats = await startTestNats();
    caller = await connect({ servers: nats.url, name: "durable-caller" });
    server = await connect({ servers: nats.url, name: "durable-worker" });
    js = caller.jetstream();
    await js.ensureStream({ name: "PAYMENTS", subjects: ["payments.>"] });
    // Copies of a command past the duplicate window reach the worker, which answers from the store.
    await js.ensureStream({ name: "REFUNDS", subjects: ["refunds.>"], duplicate_window: nanos(200) });
    const handler = async (job: Job<Charge>) => {
      const key = `${job.subject} ${job.idempotencyKey}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
      if (job.data.amount < 0) throw new ServiceError(422, "negative amount");
      if (job.data.amount === 13) throw new Error("flaky downstream");
      if (job.data.amount >= 1000) await sleep(800); // slower than the caller waits
      return { charged: job.data.amount, key: job.header(Headers.IdempotencyKey), subject: job.subject };
    };
    const options = { maxDeliver: 2, backoff: [50], onError: (e: Error) => errors.push(e) };
    await server.jetstream().durableResponder("PAYMENTS", "authorize", handler, options);
    await server.jetstream().durableResponder("REFUNDS", "refund", handler, options);
  });
  after(async () => {
    await caller?.drain();
    await server?.drain();
    await nats?.dispose();
  });

  it("returns the handler's value and stores it as the outcome", async () => {
    const r = await js.durableRequest(AUTHORIZE, { amount: 5 }, { idempotencyKey: "pay-1" });
    assert.deepEqual(r, { charged: 5, key: "pay-1", subject: AUTHORIZE });
    assert.deepEqual(await js.outcome(AUTHORIZE, "pay-1"), {
      ok: true,
      value: { charged: 5, key: "pay-1", subject: AUTHORIZE },
    });
    assert.equal(await js.outcome(AUTHORIZE, "never-sent"), undefined);
  });

  it("survives the caller timing out: the outcome is stored and a retry does not run it again", async () => {
    await assert.rejects(
      js.durableRequest(AUTHORIZE, { amount: 1000 }, { idempotencyKey: "pay-slow", timeoutMs: 200 }),
      (e: unknown) => {
        assert.ok(e instanceof DurableRequestTimeoutError);
        assert.equal(e.code, "ERR_TIMEOUT");
        assert.equal(e.idempotencyKey, "pay-slow");
        return true;
      },
    );
    await waitFor("the stored outcome", async () =>
      (await js.outcome(AUTHORIZE, "pay-slow")) ? true : "none",
    );
    assert.deepEqual(await js.outcome(AUTHORIZE, "pay-slow"), {
      ok: true,
      value: { charged: 1000, key: "pay-slow", subject: AUTHORIZE },
    });
    const again = await js.durableRequest(AUTHORIZE, { amount: 1000 }, { idempotencyKey: "pay-slow" });
    assert.deepEqual(again, { charged: 1000, key: "pay-slow", subject: AUTHORIZE });
    assert.equal(ran("pay-slow"), 1);
  });

  it("a retry while the first is still running waits for the same outcome (dedup + watch)", async () => {
    const first = js
      .durableRequest(AUTHORIZE, { amount: 1001 }, { idempotencyKey: "pay-dup", timeoutMs: 100 })
      .catch((e: unknown) => e);
    await sleep(150);
    const second = await js.durableRequest(
      AUTHORIZE,
      { amount: 1001 },
      { idempotencyKey: "pay-dup", timeoutMs: 5000 },
    );
    assert.ok((await first) instanceof DurableRequestTimeoutError);
    assert.deepEqual(second, { charged: 1001, key: "pay-dup", subject: AUTHORIZE });
    assert.equal(ran("pay-dup"), 1);
    // The retried command was deduplicated by the stream: one copy with its message id.
    const jsm = await js.manager();
    const { state } = await jsm.streams.info("PAYMENTS");
    const ids: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      ids.push((await jsm.streams.getMessage("PAYMENTS", { seq }))?.header.get(Headers.MsgId) ?? "");
    }
    assert.equal(ids.filter((id) => id === `dr:${scoped(AUTHORIZE, "pay-dup")}`).length, 1);
  });

  it("stores a ServiceError as a definite outcome (not retried) and rethrows it to every caller", async () => {
    const isRefusal = (e: unknown) =>
      e instanceof ServiceError && e.serviceCode === 422 && e.serviceMessage === "negative amount";
    await assert.rejects(
      js.durableRequest(AUTHORIZE, { amount: -1 }, { idempotencyKey: "pay-neg" }),
      isRefusal,
    );
    await assert.rejects(
      js.durableRequest(AUTHORIZE, { amount: -1 }, { idempotencyKey: "pay-neg" }),
      isRefusal,
    );
    const outcome = await js.outcome(AUTHORIZE, "pay-neg");
    assert.ok(outcome && !outcome.ok && isRefusal(outcome.error));
    assert.equal(ran("pay-neg"), 1);
  });

  it("answers a command that keeps failing with a 500 once it is dead-lettered", async () => {
    await assert.rejects(
      js.durableRequest(AUTHORIZE, { amount: 13 }, { idempotencyKey: "pay/flaky 13" }),
      (e: unknown) => e instanceof ServiceError && e.serviceCode === 500 && /flaky/.test(e.serviceMessage),
    );
    assert.equal(ran("pay/flaky 13"), 2);
    assert.deepEqual(errors, []);
  });

  it("one key for two tenants: two commands, two outcomes", async () => {
    const [a, b] = await Promise.all(
      ["payments.m1.authorize", "payments.m2.authorize"].map((subject, i) =>
        js.durableRequest<{ charged: number; subject: string }>(
          subject,
          { amount: 10 + i },
          {
            idempotencyKey: "shared-key",
          },
        ),
      ),
    );
    assert.deepEqual(
      [a?.subject, a?.charged, b?.subject, b?.charged],
      ["payments.m1.authorize", 10, "payments.m2.authorize", 11],
    );
    assert.equal(ran("shared-key", "payments.m1.authorize"), 1);
    assert.equal(ran("shared-key", "payments.m2.authorize"), 1);
    const stored = await js.outcome<{ subject: string }>("payments.m2.authorize", "shared-key");
    assert.equal(stored?.ok && stored.value.subject, "payments.m2.authorize");
  });

  it("one key on authorize, then on capture: both run", async () => {
    await js.durableRequest("payments.m3.authorize", { amount: 7 }, { idempotencyKey: "order-7" });
    const capture = await js.durableRequest<{ subject: string }>(
      "payments.m3.capture",
      { amount: 7 },
      { idempotencyKey: "order-7" },
    );
    assert.equal(capture.subject, "payments.m3.capture");
    assert.equal(ran("order-7", "payments.m3.authorize"), 1);
    assert.equal(ran("order-7", "payments.m3.capture"), 1);
  });

  it("one key, another body: refused with ERR_IDEMPOTENCY_KEY_REUSED, the first outcome kept", async () => {
    const isReused = (e: unknown) =>
      e instanceof IdempotencyKeyReusedError &&
      e.code === "ERR_IDEMPOTENCY_KEY_REUSED" &&
      e.idempotencyKey === "pay-twice" &&
      e.subject === AUTHORIZE;
    await js.durableRequest(AUTHORIZE, { amount: 20 }, { idempotencyKey: "pay-twice" });
    // Within the duplicate window: the stream drops the copy, the caller compares the stored outcome.
    await assert.rejects(
      js.durableRequest(AUTHORIZE, { amount: 21 }, { idempotencyKey: "pay-twice" }),
      isReused,
    );
    // Past it: the worker answers from the store, the caller compares the reply's fingerprint.
    const REFUND = "refunds.m1.execute";
    await js.durableRequest(REFUND, { amount: 30 }, { idempotencyKey: "refund-twice" });
    await sleep(300);
    await assert.rejects(
      js.durableRequest(REFUND, { amount: 31 }, { idempotencyKey: "refund-twice" }),
      (e: unknown) => e instanceof IdempotencyKeyReusedError && e.subject === REFUND,
    );
    assert.equal(ran("refund-twice", REFUND), 1);
    assert.equal(ran("pay-twice"), 1);
    assert.deepEqual(await js.outcome(AUTHORIZE, "pay-twice"), {
      ok: true,
      value: { charged: 20, key: "pay-twice", subject: AUTHORIZE },
    });
    // The same body again is still a replay.
    assert.deepEqual(await js.durableRequest(AUTHORIZE, { amount: 20 }, { idempotencyKey: "pay-twice" }), {
      charged: 20,
      key: "pay-twice",
      subject: AUTHORIZE,
    });
  });

  it("one key, one body, 20 callers at once: the command runs once and all get its outcome", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        js.durableRequest<{ charged: number }>(AUTHORIZE, { amount: 1002 }, { idempotencyKey: "pay-20" }),
      ),
    );
    assert.deepEqual(new Set(answers.map((a) => a.charged)), new Set([1002]));
    assert.equal(ran("pay-20"), 1);
  });
});
