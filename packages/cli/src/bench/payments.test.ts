import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchPayments } from "./payments.ts";

describe("junction bench payments", { timeout: 120_000 }, () => {
  it("measures authorize through the gateway and straight over NATS at the asked rate", async () => {
    const results = await benchPayments({ rate: 200, seconds: 1, pairs: 1 });
    assert.deepEqual(
      results.map((r) => [r.metric, r.unit, r.rate]),
      [
        ["latency p50", "µs", 200],
        ["latency p99", "µs", 200],
        ["achieved rate", "req/s", 200],
        ["sender CPU per request", "µs CPU", 200],
      ],
    );
    const [p50, p99, rate] = results;
    for (const side of ["junction", "baseline"] as const) {
      assert.ok((p50?.[side] ?? 0) > 0 && (p50?.[side] ?? 0) <= (p99?.[side] ?? 0), `${side}: 0 < p50 ≤ p99`);
      assert.ok((rate?.[side] ?? 0) > 150 && (rate?.[side] ?? 0) < 260, `${side}: about 200 req/s`);
    }
  });
});
