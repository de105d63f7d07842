import { CredentialsSchema, GatewaySchema, OperationSchema } from "@junction/gateway/config";
import { z } from "zod";
import { AwsSchema } from "../aws/schema.ts";
import { Name } from "../name.ts";
import { RouteSchema } from "../routes/schema.ts";
import { InboundSchema, SubscriptionSchema } from "./inbound-schema.ts";
import { TelemetrySchema } from "./telemetry-schema.ts";

// One schema is the single source of the config's types, defaults, JSON Schema and reference docs.
// No transforms, so it stays representable as JSON Schema; meaning is checked in compile.ts.

const Duration = z
  .union([
    z.int().nonnegative(),
    z.string().regex(/^\d+(ms|s|m|h|d)$/, "use a number of ms or e.g. 500ms, 30s, 5m, 12h, 7d"),
  ])
  .describe("Milliseconds, or a string such as `30s`, `12h`, `7d`.");
const Port = z.int().min(0).max(65535);

export const NatsSchema = z
  .strictObject({
    servers: z
      .union([z.literal("local"), z.string().min(1), z.array(z.string().min(1)).min(1)])
      .default("local")
      .describe(
        "`local` (the embedded nats-server of `junction up`, no credentials), a URL, or a list of URLs; `nats://token@host` or `nats://user:pass@host` carry credentials.",
      ),
    name: z.string().optional().describe("Connection name shown in the server's monitoring."),
    token: z
      .string()
      .min(1)
      .optional()
      .describe("Token authentication; write `${NATS_TOKEN}` to keep it out of the file."),
    user: z.string().min(1).optional().describe("User for user/password authentication."),
    pass: z
      .string()
      .min(1)
      .optional()
      .describe("Password for user/password authentication (`${NATS_PASSWORD}`)."),
    nkeySeed: z
      .string()
      .min(1)
      .optional()
      .describe("Path of an NKey seed file (relative to the config file)."),
    creds: z
      .string()
      .min(1)
      .optional()
      .describe("Path of a `.creds` file (JWT + NKey seed; relative to the config file)."),
    tls: z
      .strictObject({
        ca: z
          .string()
          .optional()
          .describe("CA certificate file the server's certificate is checked against."),
        cert: z.string().optional().describe("Client certificate file, for mutual TLS (with `key`)."),
        key: z.string().optional().describe("Client private key file, for mutual TLS (with `cert`)."),
        handshakeFirst: z
          .boolean()
          .optional()
          .describe("TLS before the NATS INFO (server `handshake_first`)."),
      })
      .optional(),
  })
  .describe(
    "How to reach NATS: one kind of credentials at most (token, user/pass, nkeySeed, creds or in the URLs), and TLS. Every command and process uses them.",
  );

export const LocalSchema = z
  .strictObject({
    natsPort: Port.default(4222).describe("Port of the embedded nats-server (0 = random)."),
    awsPort: Port.default(4566).describe("Port of the embedded AWS edge endpoint (0 = random)."),
  })
  .describe("The embedded stack of `junction up`.");

export const FunctionSchema = z.strictObject({
  handler: z
    .string()
    .regex(/^[^#]+#[A-Za-z_$][\w$]*$/, "use `./path/to/module.mjs#exportName`")
    .describe("Module path (relative to the config file) and export, `./fns/x.mjs#handler`."),
  timeoutMs: z.int().positive().default(3000),
});

export const StreamSchema = z.strictObject({
  name: Name.describe("JetStream stream name."),
  subjects: z.array(z.string().min(1)).min(1).describe("Subjects the stream captures (NATS wildcards)."),
  maxAge: Duration.optional(),
  maxBytes: z.int().positive().optional(),
  maxMsgs: z.int().positive().optional(),
  storage: z.enum(["file", "memory"]).default("file"),
  replicas: z.int().min(1).max(5).default(1),
  retention: z.enum(["limits", "workqueue", "interest"]).default("limits"),
  duplicateWindow: Duration.optional().describe("Dedup window for `Nats-Msg-Id` (server default 2m)."),
});

export const KvSchema = z.strictObject({
  bucket: Name.describe("JetStream KV bucket."),
  table: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "use 3-255 letters, digits, '_', '-' or '.' (DynamoDB's rule)")
    .describe("DynamoDB table it is mirrored to (docs/kv-mirror.md describes its items)."),
  direction: z
    .enum(["to-dynamodb", "both"])
    .default("to-dynamodb")
    .describe(
      "`both` also applies changes made in DynamoDB (read from the table's stream) to the bucket; needs DynamoDB Streams (AWS or DynamoDB Local, not `aws.endpoint: local`).",
    ),
  history: z
    .boolean()
    .default(false)
    .describe(
      "Keep every revision: items `pk` = key, `sk` = `rev#<20-digit revision>`, plus `sk` = `latest` per key. Default: one item per key (`key`).",
    ),
  deletes: z
    .enum(["delete", "tombstone"])
    .default("delete")
    .describe(
      "A KV delete or purge removes the item (`delete`), or replaces it by a tombstone item that DynamoDB's TTL removes later (`tombstone`).",
    ),
  tombstoneTtl: Duration.optional().describe(
    "How long a tombstone stays (attribute `expiresAt`, DynamoDB TTL); only with `deletes: tombstone` (default 7d).",
  ),
  concurrency: z
    .int()
    .min(1)
    .max(1024)
    .default(64)
    .describe("Most DynamoDB writes in flight (different keys in parallel, each key in order)."),
});

export const OpsSchema = z
  .strictObject({
    listen: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, "use host:port, e.g. 127.0.0.1:9464")
      .default("127.0.0.1:9464")
      .describe(
        "Where `junction run` / `up` serve /metrics, /status, /healthz and /readyz (port 0 = random).",
      ),
    auth: CredentialsSchema.optional().describe(
      "Credentials every ops request needs except /healthz and /readyz (API keys as `X-Api-Key` or a Basic password, JWTs as `Bearer`), as `gateway.auth` defines them; with it the console may redrive off loopback.",
    ),
  })
  .describe("Operations endpoint of the bridge.");

export const FleetSchema = z
  .strictObject({
    replicas: z
      .int()
      .min(1)
      .max(5)
      .default(1)
      .describe(
        "Replicas of Junction's own stream and buckets (JUNCTION_DLQ, JUNCTION_GROUPS, JUNCTION_DELIVERED) when the bridge creates them; 3 on a 3-node cluster.",
      ),
    leaseMs: z
      .int()
      .min(500)
      .max(60_000)
      .default(5000)
      .describe("A bridge process not heard from for this long loses its partitions and singletons."),
  })
  .describe("Running several bridge processes against one NATS cluster (docs/scaling.md).");

export const DlqSchema = z
  .strictObject({
    maxAge: Duration.optional().describe("Dead letters older than this are removed (default: kept)."),
    maxMsgs: z
      .int()
      .positive()
      .optional()
      .describe("Most dead letters kept, oldest removed first (default: no limit)."),
    maxBytes: z
      .int()
      .positive()
      .optional()
      .describe("Most bytes kept, oldest removed first (default: no limit)."),
  })
  .describe(
    "Retention of JUNCTION_DLQ, where the bridge and SDK workers dead-letter: applied when the bridge creates the stream, and to an existing one when set here.",
  );

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors."),
    nats: NatsSchema.default({ servers: "local" }),
    aws: AwsSchema.default({ region: "us-east-1", batchCalls: "lean" }),
    local: LocalSchema.default({ natsPort: 4222, awsPort: 4566 }),
    functions: z
      .record(Name, FunctionSchema)
      .default({})
      .describe("Lambda functions served by the embedded stack."),
    streams: z.array(StreamSchema).default([]),
    routes: z.array(RouteSchema).default([]),
    inbound: z.array(InboundSchema).default([]),
    subscriptions: z.array(SubscriptionSchema).default([]),
    kv: z.array(KvSchema).default([]),
    operations: z
      .array(OperationSchema)
      .default([])
      .describe(
        "Operation catalogue: durable or query operations, served by the gateway (docs/payments.md).",
      ),
    gateway: GatewaySchema.optional(),
    ops: OpsSchema.default({ listen: "127.0.0.1:9464" }),
    fleet: FleetSchema.default({ replicas: 1, leaseMs: 5000 }),
    dlq: DlqSchema.default({}),
    telemetry: TelemetrySchema.optional(),
  })
  .describe("junction.yaml");

export type JunctionConfig = z.output<typeof ConfigSchema>;
export type StreamConfig = z.output<typeof StreamSchema>;
