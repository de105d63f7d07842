import { createTelemetry, type Telemetry } from "@junction/sdk/telemetry";
import { collectDefaultMetrics, Registry } from "prom-client";

/** What one `junction run` / `up` process measures: one registry, served once by the ops listener. */
export interface ProcessMetrics {
  /** The bridge, inbound, KV mirrors, gateway, SDK and the process itself all register here. */
  readonly registry: Registry;
  /** The SDK client's telemetry: its `junction_*` series on the same registry, spans on the global tracer. */
  readonly telemetry: Telemetry;
}

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  // The process's own memory, CPU and event-loop lag next to Junction's series: what an operator
  // watches when a target is down and messages pile up.
  collectDefaultMetrics({ register: registry });
  return { registry, telemetry: createTelemetry({ meterRegistry: registry }) };
}
