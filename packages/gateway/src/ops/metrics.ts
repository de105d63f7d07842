import { getOrCreateMetric } from "@junction/sdk/telemetry";
import { Counter, Gauge, Histogram, type Metric, type Registry } from "prom-client";

/**
 * The gateway's Prometheus series. `route` is the configured path pattern (`/v1/agents/:agentId`), never
 * the request path, so labels stay bounded whatever callers send; unmatched requests are `unmatched`.
 */
export interface GatewayMetrics {
  readonly requests: Counter<"route" | "method" | "status">;
  readonly duration: Histogram<"route" | "method">;
  readonly inFlight: Gauge<"route">;
  readonly streams: Gauge;
  readonly rejected: Counter<"route" | "reason">;
  /** Shadowed calls by how the new handler's answer compared with the old one's. */
  readonly shadow: Counter<"route" | "result">;
  /** Canary routes' calls by the handler that got them (`old`, `new`). */
  readonly canary: Counter<"route" | "target">;
}

// HTTP answers take from well under a millisecond to the route's timeout; streams up to minutes.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  // A second gateway on the same registry shares the series instead of throwing.
  const series = <M extends Metric>(name: string, make: (name: string) => M): M =>
    getOrCreateMetric(registry, name, make);
  return {
    requests: series(
      "junction_gateway_requests_total",
      (name) =>
        new Counter({
          name,
          help: "HTTP requests answered, by route pattern, method and status.",
          labelNames: ["route", "method", "status"],
          registers,
        }),
    ),
    duration: series(
      "junction_gateway_request_duration_seconds",
      (name) =>
        new Histogram({
          name,
          help: "Time from receiving a request to the end of its answer (streams: to the end of the stream).",
          labelNames: ["route", "method"],
          buckets: BUCKETS,
          registers,
        }),
    ),
    inFlight: series(
      "junction_gateway_in_flight",
      (name) =>
        new Gauge({
          name,
          help: "NATS requests, durable publishes and streams in progress, by route pattern.",
          labelNames: ["route"],
          registers,
        }),
    ),
    streams: series(
      "junction_gateway_streams",
      (name) => new Gauge({ name, help: "Open SSE streams.", registers }),
    ),
    rejected: series(
      "junction_gateway_rejected_total",
      (name) =>
        new Counter({
          name,
          help: "Requests refused before reaching NATS, by route pattern and reason (overloaded, draining, unauthorized, forbidden).",
          labelNames: ["route", "reason"],
          registers,
        }),
    ),
    shadow: series(
      "junction_gateway_shadow_total",
      (name) =>
        new Counter({
          name,
          help: "Shadowed calls by result: match, mismatch (different answers), error (the new handler did not answer), skipped (the old one did not, or too many shadows in flight).",
          labelNames: ["route", "result"],
          registers,
        }),
    ),
    canary: series(
      "junction_gateway_canary_total",
      (name) =>
        new Counter({
          name,
          help: "Calls of canary routes by the handler that got them: old or new.",
          labelNames: ["route", "target"],
          registers,
        }),
    ),
  };
}

/**
 * Counts one answer and its duration. prom-client hashes a label object on every call; the children for
 * each (route, method, status) are looked up here once instead. The set is bounded: route patterns,
 * HTTP methods and status codes.
 */
export function createRequestObserver(metrics: GatewayMetrics) {
  const counters = new Map<string, { inc(): void }>();
  const histograms = new Map<string, { observe(v: number): void }>();
  return (route: string, method: string, status: number, seconds: number) => {
    const key = `${method} ${route}`;
    let histogram = histograms.get(key);
    if (histogram === undefined) {
      histogram = metrics.duration.labels({ route, method });
      histograms.set(key, histogram);
    }
    histogram.observe(seconds);
    const counterKey = `${status} ${key}`;
    let counter = counters.get(counterKey);
    if (counter === undefined) {
      counter = metrics.requests.labels({ route, method, status });
      counters.set(counterKey, counter);
    }
    counter.inc();
    if (status === 429 || status === 401 || status === 403) {
      const reason = status === 429 ? "overloaded" : status === 401 ? "unauthorized" : "forbidden";
      metrics.rejected.inc({ route, reason });
    }
  };
}
