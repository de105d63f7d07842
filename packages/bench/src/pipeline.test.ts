import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benchBridge } from "./bridge.ts";
import { benchInbound } from "./inbound.ts";
import {
  PAYLOAD_BYTES,
  type PipelineBenchOptions,
  type PipelineResult,
  type PipelineRun,
} from "./pipeline.ts";

const benches: [string, (opts: PipelineBenchOptions) => Promise<PipelineResult[]>][] = [
  ["bridge (JetStream → SQS)", (opts) => benchBridge(opts)],
  ["inbound (SQS → JetStream)", (opts) => benchInbound({ ...opts, pollers: 2 })],
];

describe("pipeline benches", { timeout: 180_000 }, () => {
  for (const [name, bench] of benches) {
    it(`${name}: both sides run to completion in their own processes; throughput and CPU ratios`, async () => {
      const runs: PipelineRun[] = [];
      const results = await bench({ messages: 1_000, pairs: 1, onRun: (r) => runs.push(r) });
      assert.deepEqual(runs.map((r) => r.side).sort(), ["junction", "naive"]);
      for (const r of runs) {
        assert.ok(r.msgsPerSecond > 0 && Number.isFinite(r.msgsPerSecond), `${r.side} rate`);
        assert.ok(r.cpuMicrosPerMessage > 0, `${r.side}: a worker's CPU time is its own, never zero`);
      }
      assert.deepEqual(
        results.map((r) => [r.metric, r.unit, r.messages, r.payloadBytes]),
        [
          ["throughput", "msgs/s", 1_000, PAYLOAD_BYTES],
          ["cpu per message", "µs/msg", 1_000, PAYLOAD_BYTES],
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
  }
});
