import { z } from "zod";
import { Name } from "../name.ts";
import { LambdaTargetSchema, TargetSchema } from "../targets/index.ts";

export const RouteBatchSchema = z
  .strictObject({
    count: z.int().min(1).max(100).default(10).describe("Most messages per target call."),
    bytes: z
      .int()
      .positive()
      .default(1024 * 1024)
      .describe("Most payload bytes per target call (1 MiB)."),
    lingerMs: z.int().nonnegative().default(5).describe("How long a partial batch waits for more messages."),
  })
  .describe("Batching per target; the target's sender also splits at AWS's own limits.");

export const RouteRetrySchema = z
  .strictObject({
    maxDeliver: z.int().min(1).default(5).describe("Deliveries before a message goes to the DLQ."),
    backoffMs: z
      .array(z.int().nonnegative())
      .min(1)
      .default([1000, 2000, 4000, 8000, 16_000])
      .describe("Delay before each retry, by attempt; the last repeats; ±50% jitter."),
    ackWaitMs: z.int().positive().default(30_000).describe("JetStream ack wait of the consumer."),
  })
  .describe("Retries of failed deliveries (stream routes).");

export const RouteSchema = z.strictObject({
  name: Name.describe("Route name; also the durable consumer's name."),
  from: z.strictObject({
    subject: z.string().min(1).describe("Subject pattern with captures, e.g. `agent.{agentId}.heartbeat`."),
    stream: Name.optional().describe(
      "Consume durably from this stream (at-least-once). Omit for a core subscription.",
    ),
  }),
  to: z.array(TargetSchema).min(1).optional().describe("Targets every message is delivered to."),
  reply: LambdaTargetSchema.optional().describe("Answer NATS requests with this Lambda function's result."),
  key: z.string().min(1).optional().describe("Ordering key (template). Default: the SQS FIFO group id."),
  partitions: z
    .int()
    .min(1)
    .max(4096)
    .optional()
    .describe(
      "Partitions of an ordered stream route (one with a `key`, or an SQS FIFO target): each is served by one bridge process at a time, so a key keeps its order across processes, crashes and NATS node failures (docs/scaling.md). Default 8, good for up to 4 processes.",
    ),
  batch: RouteBatchSchema.prefault({}),
  retry: RouteRetrySchema.prefault({}),
  concurrency: z
    .int()
    .min(1)
    .max(100_000)
    .default(512)
    .describe("Most messages of this route in flight at once."),
});

export type RouteConfig = z.output<typeof RouteSchema>;
