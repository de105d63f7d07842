import { z } from "zod";
import {
  CanarySchema,
  RouteAuthSchema,
  RouteScopesSchema,
  RouteTenantSchema,
  ShadowSchema,
} from "./schema.ts";

// `operations:` — an operation catalogue (docs/payments.md): named request/reply operations on NATS
// subjects, each either `durable` (JetStream + durable request/reply: runs once per idempotency key,
// outcome kept) or `query` (plain request/reply). The gateway serves each as an HTTP route.

const StreamName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '-' or '_'");
export const OperationSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/,
      "use <group>.<operation>: lower-case letters, digits and _, e.g. payments.authorize",
    )
    .describe(
      "`<group>.<operation>`. Names the HTTP route (`POST /v1/<group>/:<captures>/<operation>`) and, for durable operations, the consumer workers share (`<group>-<operation>`).",
    ),
  subject: z
    .string()
    .min(1)
    .describe(
      "Subject template; `{name}` tokens are captures (and path parameters), e.g. `hyperswitch.payments.{merchantId}.authorize`.",
    ),
  kind: z
    .enum(["durable", "query"])
    .describe(
      "`durable`: stored in `stream`, runs once per `Idempotency-Key` (required), a caller that timed out reads the outcome later. `query`: plain request/reply, no stream may capture the subject.",
    ),
  stream: StreamName.optional().describe(
    "Durable operations: the stream (under `streams:`) that captures the subject; its `maxAge` is the operation's retention.",
  ),
  timeoutMs: z
    .int()
    .positive()
    .describe("How long a caller waits for the outcome; a durable operation keeps running after it."),
  maxInFlight: z
    .int()
    .min(1)
    .optional()
    .describe("Calls of this operation in flight through the gateway (default: the gateway's limit)."),
  schema: z
    .strictObject({ body: z.record(z.string(), z.json()) })
    .optional()
    .describe("JSON Schema of the request body; the gateway answers 400 listing every error."),
  http: z
    .union([
      z.literal(false),
      z.strictObject({
        method: z.enum(["POST", "PUT", "PATCH", "DELETE"]).optional().describe("Default POST."),
        path: z
          .string()
          .regex(/^\/[^\s?#]*$/, "must start with / and hold no spaces, ? or #")
          .optional()
          .describe("Default `/v1/<group>/:<capture>/…/<operation>`, parameters in subject order."),
        auth: RouteAuthSchema,
        scopes: RouteScopesSchema,
        tenant: RouteTenantSchema.describe(
          "The capture naming the tenant the call acts for (default `merchantId` when the subject has it and the route has auth); a caller whose credential does not list it gets 403.",
        ),
      }),
    ])
    .optional()
    .describe("How the gateway serves the operation; `false`: not over HTTP."),
  shadow: ShadowSchema.optional(),
  canary: CanarySchema.optional(),
});

export type OperationConfig = z.output<typeof OperationSchema>;
