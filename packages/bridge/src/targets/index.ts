import type { TargetConfig } from "../config/schema.ts";
import { compileDynamoDbTarget } from "./dynamodb/map.ts";
import { compileEventBridgeTarget } from "./eventbridge/map.ts";
import { compileLambdaTarget } from "./lambda/map.ts";
import { compileSqsTarget } from "./sqs/map.ts";
import type { CompiledTarget, TargetCompileContext } from "./types.ts";

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
