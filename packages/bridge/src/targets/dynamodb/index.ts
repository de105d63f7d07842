import { defineTarget } from "../definition.ts";
import { MAX_CALL_BYTES, MAX_ITEMS_PER_CALL } from "./batch-write.ts";
import { DynamoDbTargetSchema } from "./config.ts";
import { compileDynamoDbTarget } from "./map.ts";
import { createDynamoDbSender } from "./send.ts";

/** DynamoDB's item size limit; AWS itself refuses a bigger item (a permanent failure). */
const MAX_ITEM_BYTES = 400 * 1024;

export const dynamodbTarget = defineTarget({
  type: "dynamodb",
  schema: DynamoDbTargetSchema,
  capabilities: {
    batch: { maxCount: MAX_ITEMS_PER_CALL, maxBytes: MAX_CALL_BYTES },
    maxRequestBytes: MAX_ITEM_BYTES,
    ordering: false,
    reply: false,
  },
  compile: compileDynamoDbTarget,
  createSender: (clients, limit) => createDynamoDbSender(clients.dynamodb, clients.batch, limit),
  resources: (config, declare) => declare.table(config.table, config.key),
});
