import { Counter, Gauge, Histogram, type Metric, type Registry } from "prom-client";

/**
 * The metric named `name` on `registry`, made by `make` the first time: a second component (a second
 * client, bridge or gateway) on one registry shares the series instead of prom-client throwing on the
 * duplicate name.
 */
export function getOrCreateMetric<M extends Metric>(
  registry: Registry,
  name: string,
  make: (name: string) => M,
): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make(name);
}

/** Counters, gauges and histograms on one registry, each got or created (`getOrCreateMetric`). */
export interface MetricSeries {
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[],
  ): Histogram<L>;
}

export function metricSeries(registry: Registry): MetricSeries {
  const registers = [registry];
  return {
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      getOrCreateMetric(registry, name, () => new Counter<L>({ name, help, labelNames, registers })),
    gauge: <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      getOrCreateMetric(registry, name, () => new Gauge<L>({ name, help, labelNames, registers })),
    histogram: <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      buckets: readonly number[],
    ) =>
      getOrCreateMetric(
        registry,
        name,
        () => new Histogram<L>({ name, help, labelNames, buckets: [...buckets], registers }),
      ),
  };
}
