import { z } from "zod";

export const AwsSchema = z
  .strictObject({
    region: z.string().min(1).default("us-east-1"),
    endpoint: z
      .union([z.literal("local"), z.url()])
      .optional()
      .describe("`local` (the embedded AWS edge endpoint), a URL, or omitted for real AWS."),
    batchCalls: z
      .enum(["lean", "sdk"])
      .default("lean")
      .describe(
        "How the bridge sends SendMessageBatch, PutEvents and BatchWriteItem: `lean` signs each call with the AWS SDK's SigV4 signer and posts it over pooled keep-alive connections (same credentials, region and endpoint as the SDK clients, a fraction of the CPU); `sdk` sends through the AWS SDK clients.",
      ),
  })
  .describe("How to reach AWS. Credentials come from the usual AWS chain.");

export type AwsConfig = z.output<typeof AwsSchema>;
