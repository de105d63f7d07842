import { metricSeries } from "@junction/sdk/telemetry";
import { type Counter, type Gauge, type Histogram, Registry } from "prom-client";

export interface BridgeMetrics {
  readonly messagesIn: Counter<"route">;
  /** Acked without delivery: another route is more specific for the subject. */
  readonly skipped: Counter<"route">;
  readonly delivered: Counter<"route" | "target">;
  readonly failed: Counter<"route" | "target" | "code">;
  readonly deadLettered: Counter<"route" | "target">;
  /** Not sent back to the bus a subscription brought them from. */
  readonly echoes: Counter<"route" | "target">;
  /** DynamoDB condition failures acked under `onConditionFailed: drop`. */
  readonly dropped: Counter<"route" | "target">;
  readonly batchSize: Histogram<"route" | "target">;
  readonly latency: Histogram<"route" | "target">;
  /** 0 closed, 1 half-open, 2 open. */
  readonly breakerState: Gauge<"route" | "target">;
  /** `num_pending` of the route's consumer, sampled. */
  readonly consumerPending: Gauge<"route">;
  readonly inflight: Gauge<"route">;
  /** 1 for each partition (or singleton) this process owns now, 0 once it let go. */
  readonly owned: Gauge<"route" | "partition" | "member">;
  /** Partitions taken over: `clean` after a release, `takeover` from a dead or fenced owner. */
  readonly handovers: Counter<"route" | "kind">;
  /** NATS connection changes: `disconnect`, `reconnect`. */
  readonly connection: Counter<"event">;
}

/**
 * The bridge's Prometheus metrics on `registry` (a private one when none is given). Reuses metrics
 * already registered under the same name, so two bridges may share a registry.
 */
export function createBridgeMetrics(registry: Registry = new Registry()): BridgeMetrics {
  const { counter, gauge, histogram } = metricSeries(registry);
  return {
    messagesIn: counter("junction_bridge_messages_in_total", "Messages received per route", ["route"]),
    skipped: counter("junction_bridge_messages_skipped_total", "Messages left to a more specific route", [
      "route",
    ]),
    delivered: counter("junction_bridge_delivered_total", "Messages delivered per target", [
      "route",
      "target",
    ]),
    failed: counter("junction_bridge_failed_total", "Failed delivery attempts per target", [
      "route",
      "target",
      "code",
    ]),
    deadLettered: counter("junction_bridge_dead_lettered_total", "Messages dead-lettered per target", [
      "route",
      "target",
    ]),
    echoes: counter(
      "junction_bridge_echoes_skipped_total",
      "Messages not sent back to the bus they came from",
      ["route", "target"],
    ),
    dropped: counter("junction_bridge_condition_dropped_total", "Failed DynamoDB conditions dropped", [
      "route",
      "target",
    ]),
    batchSize: histogram(
      "junction_bridge_batch_size",
      "Requests per target call",
      ["route", "target"],
      [1, 2, 5, 10, 25, 50, 100],
    ),
    latency: histogram(
      "junction_bridge_target_latency_seconds",
      "Duration of target calls",
      ["route", "target"],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    breakerState: gauge("junction_bridge_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open", [
      "route",
      "target",
    ]),
    consumerPending: gauge("junction_bridge_consumer_pending", "Messages not yet delivered to the consumer", [
      "route",
    ]),
    inflight: gauge("junction_bridge_inflight", "Messages in flight per route", ["route"]),
    owned: gauge("junction_bridge_owned", "Partitions and singletons this process owns (1) or let go (0)", [
      "route",
      "partition",
      "member",
    ]),
    handovers: counter("junction_bridge_handovers_total", "Partitions this process took over", [
      "route",
      "kind",
    ]),
    connection: counter("junction_bridge_nats_connection_events_total", "NATS disconnects and reconnects", [
      "event",
    ]),
  };
}
