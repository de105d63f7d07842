import { defineTarget } from "../definition.ts";
import { SqsTargetSchema } from "./config.ts";
import { compileSqsTarget, MAX_MESSAGE_BYTES } from "./map.ts";
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
});
