import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BARE_HTTP, benchPayments } from "./payments.ts";

describe("junction bench payments", { timeout: 120_000 }, () => {
  it("measures authorize through the gateway and straight over NATS at the asked rate", async () => {
    const results = await benchPayments({ rate: 200, seconds: 1, pairs: 1 });
    assert.deepEqual(
      results.map((r) => [r.metric, r.unit, r.rate, r.against]),
      [
        ["latency p50", "µs", 200, undefined],
        ["latency p99", "µs", 200, undefined],
        ["achieved rate", "req/s", 200, undefined],
        ["sender CPU per request", "µs CPU", 200, undefined],
        ["worker CPU per request", "µs CPU", 200, undefined],
        ["nats-server CPU per request", "µs CPU", 200, undefined],
        ["CPU per request, all processes", "µs CPU", 200, undefined],
        ["latency p99", "µs", 200, BARE_HTTP],
        ["sender CPU per request", "µs CPU", 200, BARE_HTTP],
      ],
    );
    const [p50, p99, rate, sender, worker, server, all, bareP99, bareSender] = results;
    // The bare server answered (a failed call fails the run) and its process did the sending.
    for (const r of [bareP99, bareSender]) {
      assert.ok((r?.junction ?? 0) > 0 && (r?.baseline ?? 0) > 0, `${r?.metric} vs the bare server measured`);
    }
    for (const side of ["junction", "baseline"] as const) {
      assert.ok((p50?.[side] ?? 0) > 0 && (p50?.[side] ?? 0) <= (p99?.[side] ?? 0), `${side}: 0 < p50 ≤ p99`);
      assert.ok((rate?.[side] ?? 0) > 150 && (rate?.[side] ?? 0) < 260, `${side}: about 200 req/s`);
      // Every process on the path did work, and the total holds each part (the gateway side adds the load).
      const parts = [sender, worker, server].map((r) => r?.[side] ?? 0);
      assert.ok(
        parts.every((cpu) => cpu > 0),
        `${side}: CPU measured in every process: ${parts}`,
      );
      const sum = parts.reduce((a, b) => a + b, 0);
      assert.ok((all?.[side] ?? 0) >= sum - 1, `${side}: total ${all?.[side]} ≥ ${sum}`);
    }
  });
});

describe("junction bench payments scenarios", { timeout: 120_000 }, () => {
  it("answers 10,000 durable operations in flight at once, and 50 workers share one operation's work", async () => {
    const results = await benchPayments({
      rate: 100,
      seconds: 1,
      pairs: 1,
      scenarios: { rate: 50, seconds: 1, inFlight: 10_000, workers: 50, sharedCommands: 500 },
    });
    const value = (metric: string) => results.find((r) => r.metric === metric);
    for (const op of ["capture", "sync", "refund"]) {
      const r = value(`${op} p99 @50/s (budget)`);
      assert.ok(r !== undefined && r.junction > 0, `${op}: a p99 measured`);
    }
    assert.equal(value("10000 in flight at once: answered")?.junction, 10_000);
    assert.equal(value("50 workers on one operation: answered")?.junction, 500);
    // Shared, not taken by a few: nearly every worker got commands, none more than 3× its fair share.
    assert.ok((value("50 workers on one operation: workers used")?.junction ?? 0) >= 40);
    assert.ok((value("50 workers on one operation: busiest ÷ fair share")?.junction ?? Infinity) <= 30);
  });
});
