import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BridgeRun } from "./bridge.ts";
import { benchInbound, INBOUND_PAYLOAD_BYTES } from "./inbound.ts";

describe("inbound bench", { timeout: 120_000 }, () => {
  it("runs both loops to completion in their own processes and reports throughput and CPU ratios", async () => {
    const runs: BridgeRun[] = [];
    const results = await benchInbound({ messages: 500, pairs: 1, pollers: 2, onRun: (r) => runs.push(r) });
    assert.deepEqual(runs.map((r) => r.side).sort(), ["junction", "naive"]);
    for (const r of runs) {
      assert.ok(r.msgsPerSecond > 0 && Number.isFinite(r.msgsPerSecond), `${r.side} rate`);
      assert.ok(r.cpuMicrosPerMessage > 0, `${r.side}: a worker's CPU time is its own, never zero`);
    }
    assert.deepEqual(
      results.map((r) => [r.metric, r.unit, r.messages, r.payloadBytes]),
      [
        ["throughput", "msgs/s", 500, INBOUND_PAYLOAD_BYTES],
        ["cpu per message", "µs/msg", 500, INBOUND_PAYLOAD_BYTES],
      ],
    );
    const [throughput, cpu] = results;
    assert.equal(throughput?.ratio, (throughput?.junction ?? 0) / (throughput?.baseline ?? 1));
    assert.equal(cpu?.ratio, (cpu?.baseline ?? 0) / (cpu?.junction ?? 1));
  });
});
