import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import type { ServiceContext } from "../client/service-context.ts";
import { connect, type JunctionClient } from "../connect/client.ts";
import { newMessageId } from "../identity/index.ts";
import type { Job } from "../jetstream/job.ts";
import { DuplicateInProgressError } from "./errors.ts";
import { idempotent } from "./idempotent.ts";
import { createKvDedupStore } from "./kv-store.ts";
import { createMemoryDedupStore } from "./memory-store.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const identified = (id: string, idempotencyKey?: string) => ({
  identity: { id, correlationId: id },
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});

describe("dedup: idempotent handlers", { timeout: 60_000 }, () => {
  let nats: TestNats;
  let a: JunctionClient;
  let b: JunctionClient;

  before(async () => {
    nats = await startTestNats();
    a = await connect({ servers: nats.url, name: "dedup-a" });
    b = await connect({ servers: nats.url, name: "dedup-b" });
  });
  after(async () => {
    await a?.drain();
    await b?.drain();
    await nats?.dispose();
  });

  it("two instances receiving the same messages at once (each published twice) process each exactly once", async () => {
    const processed: string[] = [];
    const duplicates = { done: 0, busy: 0 };
    const instance = async (client: JunctionClient, name: string) => {
      const store = createKvDedupStore({ bucket: "DEDUP_FANOUT" }, { client });
      const handler = idempotent(
        async (ctx: ServiceContext<{ n: number }>) => {
          await sleep(100); // widen the window in which the other instance holds the same message
          processed.push(`${ctx.data.n}@${name}`);
        },
        { name: "fanout", store, whenBusy: "skip", onDuplicate: (_k, state) => duplicates[state]++ },
      );
      // No queue group: both instances get every message, as with a fan-out or a mis-deployed twin.
      return client.serve("dedup.fanout", handler, { queue: false });
    };
    await instance(a, "a");
    await instance(b, "b");
    const total = 30;
    for (let n = 0; n < total; n++) {
      const id = newMessageId();
      a.publish("dedup.fanout", { n }, { id });
      b.publish("dedup.fanout", { n }, { id }); // the same message again, from elsewhere
    }
    await waitFor("every copy handled", async () =>
      duplicates.done + duplicates.busy + processed.length === total * 4
        ? true
        : `${processed.length} processed, ${JSON.stringify(duplicates)}`,
    );
    const numbers = processed.map((p) => Number(p.split("@")[0]));
    assert.equal(processed.length, total, `processed: ${processed.join(" ")}`);
    assert.deepEqual(
      [...new Set(numbers)].sort((x, y) => x - y),
      [...Array(total).keys()],
    );
    assert.ok(processed.some((p) => p.endsWith("@a")) || processed.some((p) => p.endsWith("@b")));
    assert.ok(
      duplicates.busy > 0,
      `some copies arrived while the other instance ran the message: ${JSON.stringify(duplicates)}`,
    );
  });

  it("a JetStream redelivery while the first instance still runs is retried later, then skipped: processed once", async () => {
    const js = a.jetstream();
    await js.ensureStream({ name: "DEDUP_JOBS", subjects: ["dedup.jobs.>"] });
    let runs = 0;
    const states: string[] = [];
    const start = async (client: JunctionClient) => {
      const handler = idempotent(
        async (_job: Job) => {
          runs++;
          await sleep(1200); // longer than the ack wait: the server redelivers meanwhile
        },
        {
          name: "jobs",
          store: createKvDedupStore({ bucket: "DEDUP_JOBS_SEEN" }, { client }),
          onDuplicate: (_k, state) => states.push(state),
        },
      );
      return client.jetstream().worker("DEDUP_JOBS", "jobs", handler, {
        concurrency: 2,
        ackWaitMs: 400,
        maxExtendMs: 1, // stop extending the ack deadline so the server really redelivers
        backoff: [300],
        maxDeliver: 10,
      });
    };
    const workers = [await start(a), await start(b)];
    try {
      await js.publish("dedup.jobs.one", { hello: 1 });
      const jsm = await js.manager();
      await waitFor(
        "the job acked",
        async () => {
          const ci = await jsm.consumers.info("DEDUP_JOBS", "jobs");
          return ci.num_ack_pending === 0 && ci.num_pending === 0 && runs > 0
            ? true
            : `${ci.num_ack_pending}`;
        },
        { timeoutMs: 15_000 },
      );
      assert.equal(runs, 1);
      assert.ok(states.length >= 1, "the server delivered a copy while the first run was going");
      assert.ok(states.includes("busy") || states.includes("done"));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("a failed run releases its claim, so the retry runs; keys default to the idempotency key, else the message id", async () => {
    const store = createKvDedupStore({ bucket: "DEDUP_RETRY" }, { client: a });
    let calls = 0;
    const handler = idempotent(
      async (_input: { identity: { id: string; correlationId: string } }) => {
        calls++;
        if (calls === 1) throw new Error("transient");
        return calls;
      },
      { name: "retry", store },
    );
    await assert.rejects(handler(identified("m1")), /transient/);
    assert.equal(await handler(identified("m1")), 2);
    assert.equal(await handler(identified("m1")), undefined, "done: skipped");
    assert.equal(calls, 2);
    // Same idempotency key, different message ids: one run. Keys that are not KV-safe still work.
    assert.equal(await handler(identified("m2", "pay/ment 1")), 3);
    assert.equal(await handler(identified("m3", "pay/ment 1")), undefined);
    assert.equal(calls, 3);
  });

  it("a claim whose owner died is taken over after its lease; the old owner cannot overwrite the new one", async () => {
    let now = Date.now();
    const first = createKvDedupStore({ bucket: "DEDUP_LEASE", leaseMs: 1000 }, { client: a, now: () => now });
    const second = createKvDedupStore(
      { bucket: "DEDUP_LEASE", leaseMs: 1000 },
      { client: b, now: () => now },
    );
    const claim = await first.claim("lease.k1");
    assert.equal(claim.state, "claimed");
    assert.equal((await second.claim("lease.k1")).state, "busy");
    now += 1001;
    const takeover = await second.claim("lease.k1");
    assert.equal(takeover.state, "claimed");
    if (claim.state === "claimed") await claim.release(); // a late release from the dead owner: ignored
    assert.equal((await first.claim("lease.k1")).state, "busy", "still the new owner's");
    if (takeover.state === "claimed") await takeover.complete();
    assert.equal((await first.claim("lease.k1")).state, "done");
  });

  it("busy copies throw DuplicateInProgressError by default (retryable), or are skipped with whenBusy: skip", async () => {
    const store = createMemoryDedupStore();
    let release: () => void = () => {};
    const slow = idempotent(() => new Promise<string>((resolve) => (release = () => resolve("ran"))), {
      name: "slow",
      store,
    });
    const running = slow(identified("x"));
    await sleep(5);
    await assert.rejects(slow(identified("x")), (err: unknown) => {
      assert.ok(err instanceof DuplicateInProgressError);
      assert.equal(err.code, "ERR_DUPLICATE_IN_PROGRESS");
      return true;
    });
    const skipping = idempotent(() => "never", { name: "slow", store, whenBusy: "skip" });
    assert.equal(await skipping(identified("x")), undefined);
    release();
    assert.equal(await running, "ran");
  });

  it("the in-memory store forgets keys after the TTL and hands dead claims over after the lease", async () => {
    let now = 0;
    const store = createMemoryDedupStore({ ttlMs: 1000, leaseMs: 100 }, { clock: { now: () => now } });
    const c1 = await store.claim("k");
    assert.equal(c1.state, "claimed");
    assert.equal((await store.claim("k")).state, "busy");
    now = 150;
    const c2 = await store.claim("k");
    assert.equal(c2.state, "claimed", "lease over: taken over");
    if (c2.state === "claimed") await c2.complete();
    if (c1.state === "claimed") await c1.complete(); // the dead owner's late completion changes nothing
    now = 1100;
    assert.equal((await store.claim("k")).state, "done", "within the TTL of the completion");
    now = 1200;
    assert.equal((await store.claim("k")).state, "claimed", "TTL over: runs again");
    assert.throws(() => idempotent(() => 1, { name: "bad name", store }), /name "bad name"/);
  });
});
