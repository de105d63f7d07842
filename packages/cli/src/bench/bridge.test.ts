import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BridgeRun, benchBridge, PAYLOAD_BYTES } from "./bridge.ts";

describe("bridge bench", { timeout: 120_000 }, () => {
  it("runs both pipelines to completion in their own processes and reports throughput and CPU ratios", async () => {
    const runs: BridgeRun[] = [];
    const results = await benchBridge({ messages: 2_000, pairs: 1, onRun: (r) => runs.push(r) });
    assert.deepEqual(runs.map((r) => r.side).sort(), ["junction", "naive"]);
    for (const r of runs) {
      assert.ok(r.msgsPerSecond > 0 && Number.isFinite(r.msgsPerSecond), `${r.side} rate`);
      assert.ok(r.cpuMicrosPerMessage > 0, `${r.side}: a worker's CPU time is its own, never zero`);
    }
    assert.deepEqual(
      results.map((r) => [r.metric, r.unit, r.messages, r.payloadBytes]),
      [
        ["throughput", "msgs/s", 2_000, PAYLOAD_BYTES],
        ["cpu per message", "µs/msg", 2_000, PAYLOAD_BYTES],
      ],
    );
    const [throughput, cpu] = results;
    assert.equal(throughput?.ratio, (throughput?.junction ?? 0) / (throughput?.baseline ?? 1));
    assert.equal(
      cpu?.ratio,
      (cpu?.baseline ?? 0) / (cpu?.junction ?? 1),
      "lower CPU is better: baseline/junction",
    );
  });
});
