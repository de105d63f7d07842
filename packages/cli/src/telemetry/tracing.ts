import type { TelemetryConfig } from "@junction/bridge";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-node";

export interface Tracing {
  /** Sends the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process when the config has `telemetry:`: the global tracer
 * provider the gateway, the bridge and the SDK client make their spans with, W3C propagation, async
 * context, and batched OTLP/HTTP export. Without `telemetry:` nothing is registered and every span is a
 * no-op.
 */
export function startTracing(config: TelemetryConfig | undefined): Tracing | undefined {
  if (config === undefined) return undefined;
  const url = config.endpoint.replace(/\/+$/, "");
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    // A trace begun upstream keeps its caller's decision, so a request is recorded whole or not at all.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampling) }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: url.endsWith("/v1/traces") ? url : `${url}/v1/traces` }),
      ),
    ],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
