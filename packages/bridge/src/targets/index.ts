import type { AwsClientSet } from "../aws/clients.ts";
import type { TargetConfig } from "../config/schema.ts";
import { createLimiter, DEFAULT_CONCURRENCY } from "./batching.ts";
import type { TargetSender } from "./delivery.ts";
import { compileDynamoDbTarget } from "./dynamodb/map.ts";
import { createDynamoDbSender } from "./dynamodb/send.ts";
import { compileEventBridgeTarget } from "./eventbridge/map.ts";
import { createEventBridgeSender } from "./eventbridge/send.ts";
import { compileLambdaTarget } from "./lambda/map.ts";
import { createLambdaSender } from "./lambda/send.ts";
import { compileSqsTarget } from "./sqs/map.ts";
import { createSqsSender } from "./sqs/send.ts";
import type { AwsService, CompiledTarget, TargetCompileContext } from "./types.ts";

export { classifyError } from "./classify.ts";
export {
  DeliveryError,
  DeliveryErrorCode,
  type DeliveryOutcome,
  type TargetSender,
} from "./delivery.ts";
export type { AwsService, CompiledTarget, TargetCompileContext, TargetRequest } from "./types.ts";

export function compileTarget(config: TargetConfig, ctx: TargetCompileContext): CompiledTarget {
  switch (config.type) {
    case "eventbridge":
      return compileEventBridgeTarget(config, ctx);
    case "sqs":
      return compileSqsTarget(config, ctx);
    case "dynamodb":
      return compileDynamoDbTarget(config, ctx);
    case "lambda":
      return compileLambdaTarget(config, ctx);
  }
}

export interface SenderOptions {
  /** AWS calls this sender has in flight at once, across concurrent `send`s (default 16). */
  readonly concurrency?: number;
}

/**
 * The sender of one service's requests: batches them as AWS allows (PutEvents, SendMessageBatch,
 * BatchWriteItem), sends, and answers one outcome per request. Holds caches (queue URLs, key schemas)
 * and a concurrency bound: create one per service and process, share it between routes.
 */
export function createSender(
  service: AwsService,
  clients: AwsClientSet,
  options: SenderOptions = {},
): TargetSender {
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  switch (service) {
    case "eventbridge":
      return createEventBridgeSender(clients.batch, limit);
    case "sqs":
      return createSqsSender(clients.sqs, clients.batch, limit);
    case "dynamodb":
      return createDynamoDbSender(clients.dynamodb, clients.batch, limit);
    case "lambda":
      return createLambdaSender(clients.lambda, limit);
  }
}
