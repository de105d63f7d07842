import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { metricSeries } from "./series.ts";

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
  const { counter, gauge, histogram } = metricSeries(registry);
  return {
    sent: counter(
      "junction_messages_sent_total",
      "Messages sent, by operation (publish, request, stream, jetstream.publish).",
      ["operation"],
    ),
    requests: counter(
      "junction_requests_total",
      "Requests and streamed requests made, by operation and outcome (ok or an error code).",
      ["operation", "outcome"],
    ),
    errors: counter("junction_errors_total", "Failed sends and processing, by error code.", ["code"]),
    requestDuration: histogram(
      "junction_request_duration_seconds",
      "Time from sending a request to its reply (or the end of its stream).",
      ["operation", "outcome"],
      BUCKETS,
    ),
    processDuration: histogram(
      "junction_process_duration_seconds",
      "Time handling a received message, by operation, served pattern or durable, and outcome.",
      ["operation", "destination", "outcome"],
      BUCKETS,
    ),
    inFlight: gauge(
      "junction_in_flight",
      "Operations in progress: direction send (publish, request, stream) or process (serve, worker, stream).",
      ["operation", "direction"],
    ),
    breakerState: gauge(
      "junction_breaker_state",
      "Circuit breaker state per subject: 0 closed, 1 half-open, 2 open.",
      ["subject"],
    ),
    redeliveries: counter(
      "junction_redeliveries_total",
      "JetStream messages delivered again, by stream and consumer.",
      ["stream", "consumer"],
    ),
  };
}

/** The text exposition of `registry` for an HTTP `/metrics` endpoint: set `contentType`, send `body`. */
export async function renderMetrics(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
