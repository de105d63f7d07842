export { classifyError } from "./classify.ts";
export type { TargetCapabilities, TargetDefinition } from "./definition.ts";
export {
  DeliveryError,
  DeliveryErrorCode,
  type DeliveryOutcome,
  type TargetSender,
} from "./delivery.ts";
export { LambdaTargetSchema } from "./lambda/index.ts";
export {
  createMessageScope,
  jsonPath,
  ROUTE_BUILTINS,
  type RouteMessage,
  routeVocabulary,
} from "./message.ts";
export {
  type AwsService,
  compileTarget,
  createSender,
  type SenderOptions,
  TARGETS,
  type TargetConfig,
  TargetSchema,
  targetDefinition,
} from "./registry.ts";
export type { ResourceOutcome, TargetResources } from "./resources.ts";
export type { CompiledTarget, TargetCompileContext, TargetRequest } from "./types.ts";
