import type { z } from "zod";
import type { AwsClientSet } from "../aws/clients.ts";
import type { Limiter } from "./batching.ts";
import type { TargetSender } from "./delivery.ts";
import type { TargetResources } from "./resources.ts";
import type { CompiledTarget, TargetCompileContext } from "./types.ts";

/** What the runtime, provisioning and the conformance suite may rely on about a target. */
export interface TargetCapabilities {
  /** One AWS call takes at most this many requests and bytes; the sender splits at these limits. */
  readonly batch: { readonly maxCount: number; readonly maxBytes: number };
  /** One request's largest size; a bigger message is refused before it is sent. */
  readonly maxRequestBytes: number;
  /** The target implies an ordering key (an SQS FIFO group id). */
  readonly ordering: boolean;
  /** It can answer a NATS request as a route's `reply`. */
  readonly reply: boolean;
}

/**
 * One target, whole: everything the config schema, `translate`, the runtime and `junction provision`
 * need to know about it. Each `targets/<name>/index.ts` exports one; `registry.ts` lists them.
 */
export interface TargetDefinition<Schema extends z.ZodObject = z.ZodObject> {
  /** The `type:` of the config entry (and the service in `translate`'s output). */
  readonly type: z.output<Schema>["type"];
  /** The config entry, with its defaults (`.default()`), as the reference documents it. */
  readonly schema: Schema;
  readonly capabilities: TargetCapabilities;
  /** Compiles the entry's templates, reporting every problem through `ctx.report`. */
  compile(config: z.output<Schema>, ctx: TargetCompileContext): CompiledTarget;
  /** One sender per process and target type, shared by every route (it holds caches). */
  createSender(clients: AwsClientSet, limit: Limiter): TargetSender;
  /** Declares the AWS resources `junction provision` creates for this entry. */
  resources(config: z.output<Schema>, declare: TargetResources): void;
  /**
   * A copy of a request's `input` that carries the W3C trace context in `carrier` (`traceparent`,
   * `tracestate`) where the receiving side reads it; absent when the service has no such place.
   */
  carryTrace?(
    input: Record<string, unknown>,
    carrier: Readonly<Record<string, string>>,
  ): Record<string, unknown>;
}

/** Keeps a definition's schema type, so the registry's union knows every entry's fields. */
export function defineTarget<Schema extends z.ZodObject>(
  definition: TargetDefinition<Schema>,
): TargetDefinition<Schema> {
  return definition;
}
