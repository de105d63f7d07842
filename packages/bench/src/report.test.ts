import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { labelOf, writeReport } from "./report.ts";

describe("bench report", () => {
  it("labels a result by its metric and parameters, not by its measures", () => {
    assert.equal(
      labelOf({ metric: "throughput", messages: 5000, junction: 2, baseline: 1, ratio: 2, unit: "msgs/s" }),
      "throughput, messages 5000",
    );
    assert.equal(
      labelOf({ routes: 100, junction: 5, baseline: 1, ratio: 5, unit: "lookups/s" }),
      "routes 100",
    );
  });

  it("writes performance.md with a row per result and an SVG chart per benchmark", () => {
    const dir = mkdtempSync(join(tmpdir(), "junction-report-"));
    try {
      const file = writeReport(
        dir,
        [
          {
            name: "bridge",
            results: [
              { metric: "throughput", junction: 1500, baseline: 1000, ratio: 1.5, unit: "msgs/s" },
              { metric: "cpu per message", junction: 60, baseline: 90, ratio: 1.5, unit: "µs/msg" },
            ],
          },
          {
            name: "sdk",
            results: [{ metric: "request", junction: 9, baseline: 10, ratio: 0.9, unit: "req/s" }],
          },
        ],
        { when: new Date("2026-12-03T10:00:00Z") },
      );
      const md = readFileSync(file, "utf8");
      assert.match(md, /Measured 2026-12-03 10:00 UTC on .+ × \d+/);
      assert.match(md, /\| throughput \| 1,500 \| 1,000 \| msgs\/s \| 1\.50× \|/);
      assert.match(md, /\| cpu per message \| 60\.00 \| 90\.00 \| µs\/msg \| 1\.50× \|/);
      assert.match(md, /!\[sdk ratios\]\(performance\/sdk\.svg\)/);
      const svg = readFileSync(join(dir, "performance", "bridge.svg"), "utf8");
      assert.equal((svg.match(/<rect x=/g) ?? []).length, 2, "one bar per result");
      assert.match(svg, /1\.50×/);
      // Below the baseline is drawn in another colour than above it.
      const sdk = readFileSync(join(dir, "performance", "sdk.svg"), "utf8");
      assert.match(sdk, /fill="#c92a2a"/);
      assert.doesNotMatch(sdk, /fill="#2b8a3e"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
