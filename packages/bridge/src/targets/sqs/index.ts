import { traceHeaderOf } from "../../aws/trace-context.ts";
import { defineTarget } from "../definition.ts";
import { SqsTargetSchema } from "./config.ts";
import { compileSqsTarget, MAX_ATTRIBUTES, MAX_MESSAGE_BYTES } from "./map.ts";
import { createSqsSender, MAX_CALL_BYTES, MAX_ENTRIES_PER_CALL } from "./send.ts";

export { ensureQueue, MAX_RECEIVE_COUNT, type QueuePlan, queuePlan } from "./queue.ts";

export const sqsTarget = defineTarget({
  type: "sqs",
  schema: SqsTargetSchema,
  capabilities: {
    batch: { maxCount: MAX_ENTRIES_PER_CALL, maxBytes: MAX_CALL_BYTES },
    maxRequestBytes: MAX_MESSAGE_BYTES,
    ordering: true,
    reply: false,
  },
  compile: compileSqsTarget,
  createSender: (clients, limit) => createSqsSender(clients.sqs, clients.batch, limit),
  resources: (config, declare) => declare.queue(config.queue, { createdOnUse: config.createQueue }),
  // The `traceparent` / `tracestate` message attributes, and X-Ray's `AWSTraceHeader` system attribute.
  carryTrace(input, carrier) {
    const attributes = { ...(input.MessageAttributes as Record<string, unknown> | undefined) };
    // SQS takes 10 attributes; the configured ones come first, X-Ray's header does not count.
    for (const [name, value] of Object.entries(carrier)) {
      if (Object.keys(attributes).length < MAX_ATTRIBUTES && attributes[name] === undefined) {
        attributes[name] = { DataType: "String", StringValue: value };
      }
    }
    const xray = traceHeaderOf(carrier);
    return {
      ...input,
      MessageAttributes: attributes,
      ...(xray === undefined
        ? {}
        : { MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: xray } } }),
    };
  },
});
