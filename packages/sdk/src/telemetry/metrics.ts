import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * Prometheus series, registered on the caller's registry (never prom-client's global one). Labels are
 * chosen to stay bounded whatever the traffic: sends are labelled by operation, never by subject
 * (subjects carry ids); processing by the served pattern or durable name, which the code fixes;
 * outcomes and errors by stable error codes. Only breakers use a subject: there is one per subject
 * called, a set the application bounds.
 */
export interface JunctionMetrics {
  readonly sent: Counter<"operation">;
  readonly requests: Counter<"operation" | "outcome">;
  readonly errors: Counter<"code">;
  readonly requestDuration: Histogram<"operation" | "outcome">;
  readonly processDuration: Histogram<"operation" | "destination" | "outcome">;
  readonly inFlight: Gauge<"operation" | "direction">;
  readonly breakerState: Gauge<"subject">;
  readonly redeliveries: Counter<"stream" | "consumer">;
}

// Streams and workers can run for minutes; requests for milliseconds. One bucket set covers both.
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createMetrics(registry: Registry): JunctionMetrics {
  // A second telemetry on the same registry (a second client) shares the series instead of throwing.
  const reuse = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M) ?? make();
  const registers = [registry];
  return {
    sent: reuse(
      "junction_messages_sent_total",
      () =>
        new Counter({
          name: "junction_messages_sent_total",
          help: "Messages sent, by operation (publish, request, stream, jetstream.publish).",
          labelNames: ["operation"],
          registers,
        }),
    ),
    requests: reuse(
      "junction_requests_total",
      () =>
        new Counter({
          name: "junction_requests_total",
          help: "Requests and streamed requests made, by operation and outcome (ok or an error code).",
          labelNames: ["operation", "outcome"],
          registers,
        }),
    ),
    errors: reuse(
      "junction_errors_total",
      () =>
        new Counter({
          name: "junction_errors_total",
          help: "Failed sends and processing, by error code.",
          labelNames: ["code"],
          registers,
        }),
    ),
    requestDuration: reuse(
      "junction_request_duration_seconds",
      () =>
        new Histogram({
          name: "junction_request_duration_seconds",
          help: "Time from sending a request to its reply (or the end of its stream).",
          labelNames: ["operation", "outcome"],
          buckets: BUCKETS,
          registers,
        }),
    ),
    processDuration: reuse(
      "junction_process_duration_seconds",
      () =>
        new Histogram({
          name: "junction_process_duration_seconds",
          help: "Time handling a received message, by operation, served pattern or durable, and outcome.",
          labelNames: ["operation", "destination", "outcome"],
          buckets: BUCKETS,
          registers,
        }),
    ),
    inFlight: reuse(
      "junction_in_flight",
      () =>
        new Gauge({
          name: "junction_in_flight",
          help: "Operations in progress: direction send (publish, request, stream) or process (serve, worker, stream).",
          labelNames: ["operation", "direction"],
          registers,
        }),
    ),
    breakerState: reuse(
      "junction_breaker_state",
      () =>
        new Gauge({
          name: "junction_breaker_state",
          help: "Circuit breaker state per subject: 0 closed, 1 half-open, 2 open.",
          labelNames: ["subject"],
          registers,
        }),
    ),
    redeliveries: reuse(
      "junction_redeliveries_total",
      () =>
        new Counter({
          name: "junction_redeliveries_total",
          help: "JetStream messages delivered again, by stream and consumer.",
          labelNames: ["stream", "consumer"],
          registers,
        }),
    ),
  };
}

/** The text exposition of `registry` for an HTTP `/metrics` endpoint: set `contentType`, send `body`. */
export async function renderMetrics(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
