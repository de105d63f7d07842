// `junction bench gateway --quick --json` as a user runs it: the real CLI, two server processes,
// autocannon over loopback; checks the JSON line's shape, not the speed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const main = join(dirname(fileURLToPath(import.meta.resolve("junction/package.json"))), "src", "main.ts");

describe("bench gateway", { timeout: 180_000 }, () => {
  it("--quick --json ends with results for both sides and positive ratios", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=source", "--import", "tsx", main, "bench", "gateway", "--quick", "--json"],
      { timeout: 170_000, maxBuffer: 10 * 1024 * 1024 },
    );
    assert.match(stdout, /throughput .*% of the bare server/);
    const last = stdout.trim().split("\n").at(-1) ?? "";
    const report = JSON.parse(last) as { name: string; results: Record<string, unknown>[] };
    assert.equal(report.name, "gateway");
    assert.deepEqual(
      report.results.map((r) => [r.metric, r.unit]),
      [
        ["throughput", "req/s"],
        ["cpu per request", "µs"],
        ["latency p50", "µs"],
        ["latency p99", "µs"],
      ],
    );
    for (const r of report.results) {
      for (const field of ["junction", "baseline", "ratio"]) {
        const value = r[field];
        assert.ok(
          typeof value === "number" && Number.isFinite(value) && value > 0,
          `${r.metric} ${field}: ${value}`,
        );
      }
      const { junction, baseline, ratio } = r as { junction: number; baseline: number; ratio: number };
      // Higher is better: throughput is junction/baseline, CPU and latency baseline/junction.
      const expected = r.unit === "req/s" ? junction / baseline : baseline / junction;
      assert.ok(Math.abs(ratio - expected) < 1e-9, `${r.metric} ratio`);
    }
    const p99 = report.results.find((r) => r.metric === "latency p99") as { rate: number; added: number };
    assert.ok(p99.rate >= 100 && typeof p99.added === "number");
  });
});
