export { type AwsClientSet, type AwsEndpoint, awsEndpoint, createAwsClients } from "./aws/clients.ts";
export { checkConfig, INBOUND_VOCABULARY } from "./config/check.ts";
export type { InboundConfig, SubscriptionConfig } from "./config/inbound-schema.ts";
export { type LoadedConfig, type LoadOptions, loadConfig, loadConfigFile } from "./config/load.ts";
export { configJsonSchema, renderConfigReference } from "./config/reference.ts";
export { ConfigSchema, type JunctionConfig, type StreamConfig } from "./config/schema.ts";
export type { TelemetryConfig } from "./config/telemetry-schema.ts";
export { ConfigError, type ConfigProblem, EchoSkippedError, formatProblem, MappingError } from "./errors.ts";
export * from "./inbound/index.ts";
export * from "./kv-mirror/index.ts";
export { createOpsAuth, type OpsAuth, type OpsAuthResult } from "./ops/auth.ts";
export { type ConsoleDeps, type ConsoleHandler, createConsole } from "./ops/console/index.ts";
export { type OpsServer, type OpsServerOptions, startOpsServer } from "./ops/server.ts";
export {
  type BreakerState,
  createStatusReader,
  type GatewayStatus,
  type KvStatus,
  type QueueStatus,
  type RouteStatus,
  type StackStatus,
  type StatusReader,
} from "./ops/status.ts";
export { createUnroutedWatch, type UnroutedWatch } from "./ops/unrouted.ts";
export * from "./permissions/index.ts";
export * from "./provision/index.ts";
export type { CompiledRoute, CompiledRoutes } from "./routes/compile.ts";
export type { RouteConfig } from "./routes/schema.ts";
export {
  type Bridge,
  type BridgeDeps,
  type BridgeStats,
  createBridge,
  type RouteStats,
} from "./runtime/bridge.ts";
export { ensureDlqStream } from "./runtime/dlq/format.ts";
export {
  getDeadLetter,
  listDeadLetters,
  type RedriveResult,
  redriveDeadLetters,
} from "./runtime/dlq/store.ts";
export { type BridgeMetrics, createBridgeMetrics } from "./runtime/metrics.ts";
export type {
  AwsService,
  CompiledTarget,
  TargetCapabilities,
  TargetConfig,
  TargetDefinition,
  TargetRequest,
} from "./targets/index.ts";
export { createSender, TARGETS } from "./targets/index.ts";
export { createMessageScope, ROUTE_BUILTINS, type RouteMessage } from "./targets/message.ts";
export { TemplateError } from "./templates/index.ts";
export {
  formatTranslation,
  NoRouteError,
  type TranslateInput,
  type Translation,
  translate,
} from "./translate.ts";
