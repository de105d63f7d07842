import { metricSeries } from "@junction/sdk/telemetry";
import type { Counter, Registry } from "prom-client";

/** AWS → NATS counters, by inbound (or subscription) name. */
export interface InboundMetrics {
  readonly received: Counter<"inbound">;
  readonly published: Counter<"inbound">;
  /** Received again and dropped by JetStream's dedup: SQS delivered it twice, nothing was stored twice. */
  readonly duplicates: Counter<"inbound">;
  /** Deleted without publishing: echoes of the bridge's own events, events for other subjects. */
  readonly dropped: Counter<"inbound">;
  /** Left in the queue for another try (unmappable, or JetStream did not take it). */
  readonly failed: Counter<"inbound">;
}

export function createInboundMetrics(registry: Registry): InboundMetrics {
  const series = metricSeries(registry);
  const counter = (name: string, help: string) => series.counter(name, help, ["inbound"]);
  return {
    received: counter("junction_inbound_received_total", "SQS messages received"),
    published: counter("junction_inbound_published_total", "Messages stored in JetStream"),
    duplicates: counter("junction_inbound_duplicates_total", "Messages JetStream already had (deduplicated)"),
    dropped: counter(
      "junction_inbound_dropped_total",
      "Messages deleted without publishing (echoes, other subjects)",
    ),
    failed: counter("junction_inbound_failed_total", "Messages left in the queue for another try"),
  };
}
