import { z } from "zod";
import type { AwsClientSet } from "../aws/clients.ts";
import { createLimiter, DEFAULT_CONCURRENCY } from "./batching.ts";
import type { TargetDefinition } from "./definition.ts";
import type { TargetSender } from "./delivery.ts";
import { dynamodbTarget } from "./dynamodb/index.ts";
import { eventbridgeTarget } from "./eventbridge/index.ts";
import { lambdaTarget } from "./lambda/index.ts";
import { sqsTarget } from "./sqs/index.ts";
import type { CompiledTarget, TargetCompileContext } from "./types.ts";

/** Every target there is. Adding one: its folder, and one line here (docs/architecture.md). */
export const TARGETS = [eventbridgeTarget, sqsTarget, dynamodbTarget, lambdaTarget] as const;

type SchemaOf<T> = T extends { readonly schema: infer Schema } ? Schema : never;
type SchemasOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: SchemaOf<T[K]> };
type Schemas = SchemasOf<typeof TARGETS>;

/** A route's `to:` entry: one of the registered targets, told apart by `type`. */
export const TargetSchema = z.discriminatedUnion("type", TARGETS.map((t) => t.schema) as unknown as Schemas);
export type TargetConfig = z.output<typeof TargetSchema>;
/** The type name of a registered target (`eventbridge`, `sqs`, `dynamodb`, `lambda`). */
export type AwsService = TargetConfig["type"];

const byType = new Map<string, TargetDefinition>(TARGETS.map((t) => [t.type, t]));

export function targetDefinition(type: string): TargetDefinition {
  const definition = byType.get(type);
  if (definition === undefined) throw new RangeError(`no target of type "${type}"`);
  return definition;
}

export function compileTarget(config: TargetConfig, ctx: TargetCompileContext): CompiledTarget {
  return targetDefinition(config.type).compile(config, ctx);
}

export interface SenderOptions {
  /** AWS calls this sender has in flight at once, across concurrent `send`s (default 16). */
  readonly concurrency?: number;
}

/**
 * The sender of one target type's requests: batches them as AWS allows (PutEvents, SendMessageBatch,
 * BatchWriteItem), sends, and answers one outcome per request. Holds caches (queue URLs, key schemas)
 * and a concurrency bound: create one per type and process, share it between routes.
 */
export function createSender(
  service: AwsService,
  clients: AwsClientSet,
  options: SenderOptions = {},
): TargetSender {
  return targetDefinition(service).createSender(
    clients,
    createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY),
  );
}
