// The gateway half of `junction bench tracing` with tiny runs: a traced and an untraced gateway, each in
// its own process, spans exported to the sink; checks the results' shape, not the speed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchGatewayTracing } from "./tracing.ts";

describe("bench tracing (gateway)", { timeout: 180_000 }, () => {
  it("measures the traced gateway against the untraced one at each sampling", async () => {
    const results = await benchGatewayTracing({
      requests: 1_000,
      latencyRequests: 300,
      pairs: 1,
      samplings: [1, 0.01],
    });
    assert.deepEqual(
      results.map((r) => [r.sampling, r.metric]),
      [1, 0.01].flatMap((s) =>
        ["throughput", "cpu per request", "latency p50", "latency p99"].map((m) => [s, m]),
      ),
    );
    for (const r of results) {
      for (const value of [r.junction, r.baseline, r.ratio]) {
        assert.ok(Number.isFinite(value) && value > 0, `${r.metric} at ${r.sampling}: ${value}`);
      }
    }
  });
});
