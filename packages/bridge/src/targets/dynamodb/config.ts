import { z } from "zod";
import { TemplateJson } from "../../templates/index.ts";

const ConditionSchema = z.union([
  z.string().min(1),
  z.strictObject({
    expression: z.string().min(1).describe("DynamoDB ConditionExpression."),
    names: z
      .record(z.string().regex(/^#\w+$/), z.string())
      .optional()
      .describe("ExpressionAttributeNames."),
    values: z
      .record(z.string().regex(/^:\w+$/), TemplateJson)
      .optional()
      .describe("Values (templates)."),
  }),
]);

export const DynamoDbTargetSchema = z
  .strictObject({
    type: z.literal("dynamodb"),
    table: z.string().min(1).describe("Table name (template)."),
    key: z
      .record(z.string(), TemplateJson)
      .optional()
      .describe("Primary key attributes (values are templates). Required with set / add / remove."),
    set: z
      .record(z.string(), TemplateJson)
      .optional()
      .describe("UpdateItem SET attribute = value (templates)."),
    add: z
      .record(z.string(), TemplateJson)
      .optional()
      .describe("UpdateItem ADD attribute value (numbers or sets)."),
    remove: z.array(z.string().min(1)).optional().describe("UpdateItem REMOVE these attributes."),
    item: z
      .record(z.string(), TemplateJson)
      .optional()
      .describe("PutItem: the whole item (templates); `key` attributes are merged in."),
    condition: ConditionSchema.optional().describe(
      "ConditionExpression, as a string or `{ expression, names, values }`.",
    ),
    onConditionFailed: z
      .enum(["drop", "dlq"])
      .default("dlq")
      .describe("What a failed condition means: `drop` (ack and count it) or `dlq` (dead-letter it)."),
  })
  .describe("UpdateItem (set / add / remove) or PutItem (item) on a DynamoDB table.");

export type DynamoDbTargetConfig = z.output<typeof DynamoDbTargetSchema>;
