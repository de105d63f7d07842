import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { connect, type JunctionClient } from "../client/client.ts";
import { ServiceError } from "../client/errors.ts";
import { Headers } from "../identity/index.ts";
import { DurableRequestTimeoutError } from "./durable.ts";
import type { JunctionJetStream } from "./jetstream.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Charge {
  readonly amount: number;
}

describe("jetstream: durable request/reply", () => {
  let nats: TestNats;
  let caller: JunctionClient;
  let server: JunctionClient;
  let js: JunctionJetStream;
  const runs = new Map<string, number>();
  const errors: Error[] = [];

  before(async () => {
    nats = await startTestNats();
    caller = await connect({ servers: nats.url, name: "durable-caller" });
    server = await connect({ servers: nats.url, name: "durable-worker" });
    js = caller.jetstream();
    await js.ensureStream({ name: "PAYMENTS", subjects: ["payments.>"] });
    await server.jetstream().durableResponder<Charge, { charged: number; key: string | undefined }>(
      "PAYMENTS",
      "authorize",
      async (job) => {
        const key = job.idempotencyKey ?? "";
        runs.set(key, (runs.get(key) ?? 0) + 1);
        if (job.data.amount < 0) throw new ServiceError(422, "negative amount");
        if (job.data.amount === 13) throw new Error("flaky downstream");
        if (job.data.amount >= 1000) await sleep(800); // slower than the caller waits
        return { charged: job.data.amount, key: job.header(Headers.IdempotencyKey) };
      },
      { maxDeliver: 2, backoff: [50], onError: (e) => errors.push(e) },
    );
  });
  after(async () => {
    await caller?.drain();
    await server?.drain();
    await nats?.dispose();
  });

  it("returns the handler's value and stores it as the outcome", async () => {
    const r = await js.durableRequest("payments.authorize", { amount: 5 }, { idempotencyKey: "pay-1" });
    assert.deepEqual(r, { charged: 5, key: "pay-1" });
    assert.deepEqual(await js.outcome("pay-1"), { ok: true, value: { charged: 5, key: "pay-1" } });
    assert.equal(await js.outcome("never-sent"), undefined);
  });

  it("survives the caller timing out: the outcome is stored and a retry does not run it again", async () => {
    await assert.rejects(
      js.durableRequest(
        "payments.authorize",
        { amount: 1000 },
        { idempotencyKey: "pay-slow", timeoutMs: 200 },
      ),
      (e: unknown) => {
        assert.ok(e instanceof DurableRequestTimeoutError);
        assert.equal(e.code, "ERR_TIMEOUT");
        assert.equal(e.idempotencyKey, "pay-slow");
        return true;
      },
    );
    await waitFor("the stored outcome", async () => ((await js.outcome("pay-slow")) ? true : "none"));
    assert.deepEqual(await js.outcome("pay-slow"), { ok: true, value: { charged: 1000, key: "pay-slow" } });
    const again = await js.durableRequest(
      "payments.authorize",
      { amount: 1000 },
      { idempotencyKey: "pay-slow" },
    );
    assert.deepEqual(again, { charged: 1000, key: "pay-slow" });
    assert.equal(runs.get("pay-slow"), 1);
  });

  it("a retry while the first is still running waits for the same outcome (dedup + watch)", async () => {
    const first = js
      .durableRequest("payments.authorize", { amount: 1001 }, { idempotencyKey: "pay-dup", timeoutMs: 100 })
      .catch((e: unknown) => e);
    await sleep(150);
    const second = await js.durableRequest(
      "payments.authorize",
      { amount: 1001 },
      { idempotencyKey: "pay-dup", timeoutMs: 5000 },
    );
    assert.ok((await first) instanceof DurableRequestTimeoutError);
    assert.deepEqual(second, { charged: 1001, key: "pay-dup" });
    assert.equal(runs.get("pay-dup"), 1);
    // The retried command was deduplicated by the stream: one copy with its message id.
    const jsm = await js.manager();
    const { state } = await jsm.streams.info("PAYMENTS");
    const ids: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      ids.push((await jsm.streams.getMessage("PAYMENTS", { seq }))?.header.get(Headers.MsgId) ?? "");
    }
    assert.equal(ids.filter((id) => id === "dr:pay-dup").length, 1);
  });

  it("stores a ServiceError as a definite outcome (not retried) and rethrows it to every caller", async () => {
    const isRefusal = (e: unknown) =>
      e instanceof ServiceError && e.serviceCode === 422 && e.serviceMessage === "negative amount";
    await assert.rejects(
      js.durableRequest("payments.authorize", { amount: -1 }, { idempotencyKey: "pay-neg" }),
      isRefusal,
    );
    await assert.rejects(
      js.durableRequest("payments.authorize", { amount: -1 }, { idempotencyKey: "pay-neg" }),
      isRefusal,
    );
    const outcome = await js.outcome("pay-neg");
    assert.ok(outcome && !outcome.ok && isRefusal(outcome.error));
    assert.equal(runs.get("pay-neg"), 1);
  });

  it("answers a command that keeps failing with a 500 once it is dead-lettered", async () => {
    await assert.rejects(
      js.durableRequest("payments.authorize", { amount: 13 }, { idempotencyKey: "pay/flaky 13" }),
      (e: unknown) => e instanceof ServiceError && e.serviceCode === 500 && /flaky/.test(e.serviceMessage),
    );
    assert.equal(runs.get("pay/flaky 13"), 2);
    assert.deepEqual(errors, []);
  });
});
