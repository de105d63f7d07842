// Backpressure: ten times the in-flight limit at once. The excess is refused with 429 before anything
// in flight finishes (so there is no queue), the rest succeed, and repeated rounds keep memory flat.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Harness, type Problem, post, startHarness, until } from "./testdata/harness.ts";

const LIMIT = 20;
const BURST = LIMIT * 10;

describe("gateway under overload", () => {
  let h: Harness;
  let held: (() => void)[] = [];
  let served = 0;
  before(async () => {
    h = await startHarness({
      limits: { maxInFlight: LIMIT },
      routes: [{ method: "POST", path: "/work/:id", request: "work.{id}", timeoutMs: 30_000 }],
    });
    // Each request is held until the test lets it go, so all of a burst is in flight at once.
    await h.service.serve(
      "work.{id}",
      (ctx) =>
        new Promise((resolve) => {
          held.push(() => {
            served++;
            resolve({ id: ctx.captures.id });
          });
        }),
      { concurrency: BURST },
    );
  });
  after(() => h?.dispose());

  const burst = async () => {
    held = [];
    const answers: { status: number; body: string; retryAfter: string | null }[] = [];
    const calls = Array.from({ length: BURST }, (_, i) =>
      post(`${h.url}/work/${i}`, { i }).then((res) => {
        answers.push({ status: res.status, body: res.text, retryAfter: res.headers.get("retry-after") });
        return res;
      }),
    );
    // Every refusal arrives while the admitted requests are still held: nothing waited in a queue.
    await until("the excess to be refused", () => answers.length === BURST - LIMIT, 30_000);
    // The admitted ones may still be on their way to the service (NATS writes go out once per event-loop
    // turn, refusals at once): they arrive there, and none is answered before it is let go.
    await until("the admitted requests to reach the service", () => held.length === LIMIT);
    assert.equal(answers.length, BURST - LIMIT);
    assert.equal(h.gateway.inFlight.requests, LIMIT);
    for (const a of answers) {
      assert.equal(a.status, 429);
      assert.equal(a.retryAfter, "1");
      assert.equal((JSON.parse(a.body) as Problem).code, "ERR_GATEWAY_OVERLOADED");
    }
    for (const release of held) release();
    const results = await Promise.all(calls);
    assert.equal(results.filter((r) => r.status === 200).length, LIMIT);
    assert.equal(results.filter((r) => r.status === 429).length, BURST - LIMIT);
    await until("nothing in flight", () => h.gateway.inFlight.requests === 0);
  };

  it("refuses the excess with 429 at once and serves the rest", async () => {
    await burst();
    assert.equal(served, LIMIT);
  });

  it("keeps memory bounded over repeated bursts", async () => {
    await burst(); // warm-up: JIT, connection pools
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < 5; round++) await burst();
    const grown = process.memoryUsage().heapUsed - before;
    // 1,000 refused requests leave nothing behind; 64 MiB is far above GC noise and far below a leak
    // that kept each request (or an unbounded queue of them).
    assert.ok(grown < 64 * 1024 * 1024, `heap grew ${Math.round(grown / 1024 / 1024)} MiB`);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    assert.match(metrics, /junction_gateway_in_flight\{route="\/work\/:id"\} 0/);
    assert.match(
      metrics,
      new RegExp(
        `junction_gateway_rejected_total\\{route="/work/:id",reason="overloaded"\\} ${7 * (BURST - LIMIT)}`,
      ),
    );
  });
});
