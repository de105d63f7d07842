import { z } from "zod";

const AttributeSchema = z.union([
  z.string(),
  z.strictObject({
    type: z.enum(["String", "Number"]).describe("SQS attribute data type."),
    value: z.string().describe("Attribute value (template)."),
  }),
]);

export const SqsTargetSchema = z
  .strictObject({
    type: z.literal("sqs"),
    queue: z
      .string()
      .min(1)
      .describe("Queue name or queue URL (template). A name ending in `.fifo` is a FIFO queue."),
    body: z.string().default("{$data}").describe("Message body (template). Default: the payload as text."),
    groupId: z
      .string()
      .min(1)
      .optional()
      .describe("FIFO message group id (template); required for FIFO queues. Also the default ordering key."),
    dedupId: z
      .string()
      .min(1)
      .optional()
      .describe(
        "FIFO deduplication id (template). Default for FIFO queues: `{$id}`, so redelivery is exactly-once.",
      ),
    createQueue: z
      .boolean()
      .default(false)
      .describe(
        "Create the queue (and its DLQ with a redrive policy, as `junction provision` does) the first time a message needs it. For queue names that depend on the message (`work-{domain}.fifo`), which provisioning cannot know in advance. Needs sqs:CreateQueue, GetQueueAttributes and SetQueueAttributes.",
      ),
    delaySeconds: z.int().min(0).max(900).optional().describe("Per-message delay (standard queues only)."),
    attributes: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/), AttributeSchema)
      .optional()
      .describe("Message attributes: name → template (String) or `{ type, value }`. At most 10 (AWS limit)."),
  })
  .describe("SendMessage to an SQS queue (standard or FIFO).");

export type SqsTargetConfig = z.output<typeof SqsTargetSchema>;
