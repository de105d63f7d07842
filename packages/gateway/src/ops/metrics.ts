import { Counter, Gauge, Histogram, type Registry } from "prom-client";

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
}

// HTTP answers take from well under a millisecond to the route's timeout; streams up to minutes.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  // A second gateway on the same registry shares the series instead of throwing.
  const reuse = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M) ?? make();
  const registers = [registry];
  return {
    requests: reuse(
      "junction_gateway_requests_total",
      () =>
        new Counter({
          name: "junction_gateway_requests_total",
          help: "HTTP requests answered, by route pattern, method and status.",
          labelNames: ["route", "method", "status"],
          registers,
        }),
    ),
    duration: reuse(
      "junction_gateway_request_duration_seconds",
      () =>
        new Histogram({
          name: "junction_gateway_request_duration_seconds",
          help: "Time from receiving a request to the end of its answer (streams: to the end of the stream).",
          labelNames: ["route", "method"],
          buckets: BUCKETS,
          registers,
        }),
    ),
    inFlight: reuse(
      "junction_gateway_in_flight",
      () =>
        new Gauge({
          name: "junction_gateway_in_flight",
          help: "NATS requests, durable publishes and streams in progress, by route pattern.",
          labelNames: ["route"],
          registers,
        }),
    ),
    streams: reuse(
      "junction_gateway_streams",
      () => new Gauge({ name: "junction_gateway_streams", help: "Open SSE streams.", registers }),
    ),
    rejected: reuse(
      "junction_gateway_rejected_total",
      () =>
        new Counter({
          name: "junction_gateway_rejected_total",
          help: "Requests refused before reaching NATS, by route pattern and reason (overloaded, draining, unauthorized, forbidden).",
          labelNames: ["route", "reason"],
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
