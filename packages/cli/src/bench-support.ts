// What the CLI lends `@junction/bench` (its `junction/bench-support` export): the benchmarks measure
// `junction run`'s own bridge, logger and metrics, and end like any command. The CLI never imports the
// bench package statically; `commands/bench.ts` loads it when a benchmark runs.
export { CliExit, ExitCode } from "./exit-codes.ts";
export { progressBar } from "./format/progress.ts";
export { createLogger } from "./logger.ts";
export { createProcessMetrics } from "./telemetry/registry.ts";
export { startTracing } from "./telemetry/tracing.ts";
export { startBridge } from "./up/bridge.ts";
export { quietAwsNodeNotice } from "./warnings.ts";
