export { errorType } from "./errors.ts";
export { type Logger, silentLogger } from "./logger.ts";
export { createMetrics, type JunctionMetrics, renderMetrics } from "./metrics.ts";
export { extractContext, headerGetter, headerSetter, injectContext } from "./propagation.ts";
export { getOrCreateMetric, type MetricSeries, metricSeries } from "./series.ts";
export { createTelemetry, type TelemetryOptions } from "./telemetry.ts";
export { noopTelemetry, type Observation, type ProcessInfo, type SendInfo, type Telemetry } from "./types.ts";
