import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter, Registry } from "prom-client";
import { getOrCreateMetric, metricSeries } from "./series.ts";

describe("metric series", () => {
  it("creates a metric once and hands the same one to a second caller on the registry", async () => {
    const registry = new Registry();
    const first = metricSeries(registry).counter("t_total", "help", ["route"]);
    const second = metricSeries(registry).counter("t_total", "help", ["route"]);
    assert.equal(second, first);
    first.inc({ route: "a" });
    second.inc({ route: "a" });
    const values = (await registry.getSingleMetric("t_total")?.get())?.values ?? [];
    assert.deepEqual(
      values.map((v) => v.value),
      [2],
    );
  });

  it("calls make only when the name is not registered yet, with the name", () => {
    const registry = new Registry();
    const names: string[] = [];
    const make = (name: string) => {
      names.push(name);
      return new Counter({ name, help: "h", registers: [registry] });
    };
    const a = getOrCreateMetric(registry, "u_total", make);
    const b = getOrCreateMetric(registry, "u_total", make);
    assert.equal(a, b);
    assert.deepEqual(names, ["u_total"]);
  });

  it("registers gauges and histograms with their labels and buckets", async () => {
    const registry = new Registry();
    const series = metricSeries(registry);
    series.gauge("g", "gauge", ["k"]).set({ k: "x" }, 3);
    series.histogram("h_seconds", "histogram", ["k"], [0.1, 1]).observe({ k: "x" }, 0.5);
    const text = await registry.metrics();
    assert.match(text, /^g\{k="x"\} 3$/m);
    assert.match(text, /^h_seconds_bucket\{le="0\.1",k="x"\} 0$/m);
    assert.match(text, /^h_seconds_bucket\{le="1",k="x"\} 1$/m);
  });
});
