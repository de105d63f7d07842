export { noopTelemetry, type Observation, type ProcessInfo, type SendInfo, type Telemetry } from "./types.ts";
