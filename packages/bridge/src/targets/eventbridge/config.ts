import { z } from "zod";

export const EventBridgeTargetSchema = z
  .strictObject({
    type: z.literal("eventbridge"),
    bus: z.string().min(1).default("default").describe("Event bus name or ARN (template)."),
    source: z.string().min(1).describe("Event `source` (template), e.g. `mistersmith.agent`."),
    detailType: z.string().min(1).describe("Event `detail-type` (template), e.g. `Agent {action|title}`."),
    detail: z
      .json()
      .default("{$json}")
      .describe(
        "Event `detail`: any JSON whose strings are templates; sent as a JSON string. Default: the payload.",
      ),
    resources: z.array(z.string().min(1)).optional().describe("Event `resources` (templates, usually ARNs)."),
  })
  .describe("PutEvents on an EventBridge bus.");

export type EventBridgeTargetConfig = z.output<typeof EventBridgeTargetSchema>;
