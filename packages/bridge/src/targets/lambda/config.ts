import { z } from "zod";
import { TemplateJson } from "../../templates/index.ts";

export const LambdaTargetSchema = z
  .strictObject({
    type: z.literal("lambda"),
    function: z.string().min(1).describe("Function name or ARN (template)."),
    qualifier: z.string().min(1).optional().describe("Version or alias."),
    payload: TemplateJson.default("{$json}").describe(
      "Invocation payload: JSON whose strings are templates.",
    ),
    timeoutMs: z
      .int()
      .positive()
      .default(5000)
      .describe("For `reply`: how long the requester is given before a 504 service error."),
  })
  .describe("Invoke a Lambda function: `Event` in `to`, `RequestResponse` as a route's `reply`.");

export type LambdaTargetConfig = z.output<typeof LambdaTargetSchema>;
