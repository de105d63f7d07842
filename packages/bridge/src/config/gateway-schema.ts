import { z } from "zod";

// The `gateway:` section (HTTP → NATS). Defaults the gateway applies itself are named in the
// descriptions; the gateway package holds them, so a programmatic config gets the same ones.

export const CredentialName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '-' or '_'")
  .describe("Name of a credential defined under `gateway.auth`.");
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "not an HTTP header name");
const Listen = z.string().regex(/^[^\s:]+:\d{1,5}$/, "use host:port, e.g. 127.0.0.1:8080");
const JsonSchemaObject = z
  .record(z.string(), z.json())
  .describe("A JSON Schema (draft 7, as fastify's ajv takes it).");

export const GatewayApiKeySchema = z
  .strictObject({
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "use the key's SHA-256 as 64 hex digits")
      .optional()
      .describe(
        'SHA-256 of the key in hex (`printf %s "$KEY" | sha256sum`); the key itself is never in the file.',
      ),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use an environment variable name")
      .optional()
      .describe("Environment variable holding the key; read (and hashed) when the gateway starts."),
    scopes: z.array(z.string().min(1)).optional().describe("Scopes the key grants (see `routes[].scopes`)."),
    tenants: z
      .union([z.literal("*"), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        'Tenants (e.g. merchant ids) the key may act for on routes with a `tenant`; `"*"`: any. Without it, none.',
      ),
  })
  .describe("An API key, sent as `X-Api-Key`. Exactly one of `sha256`, `env`.");

export const GatewayJwtSchema = z
  .strictObject({
    jwks: z
      .string()
      .min(1)
      .describe("The signing keys: a JWKS file (relative to the config file) or an `http(s)://` URL."),
    issuer: z.string().min(1).optional().describe("Required `iss`."),
    audience: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe("Required `aud` (one of)."),
    algorithms: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Accepted `alg` values (default: whatever the keys allow)."),
    tenantsClaim: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The claim listing the tenants a token may act for on routes with a `tenant` (a string or an array of strings).",
      ),
  })
  .describe("JWT bearer tokens (`Authorization: Bearer …`) checked against a JWKS.");

export const GatewayAuthSchema = z
  .strictObject({
    apiKeys: z.record(CredentialName, GatewayApiKeySchema).optional().describe("API keys by name."),
    jwt: z.record(CredentialName, GatewayJwtSchema).optional().describe("JWT issuers by name."),
    default: z
      .array(CredentialName)
      .min(1)
      .optional()
      .describe("Credentials accepted by routes without `auth`. Omitted: such routes are open."),
  })
  .describe("Credentials routes can require. Secrets are never logged.");

export const GatewayLimitsSchema = z
  .strictObject({
    maxInFlight: z
      .int()
      .min(1)
      .optional()
      .describe(
        "NATS requests and durable publishes in flight across all routes; beyond it 429 at once (default 1024).",
      ),
    maxStreams: z.int().min(1).optional().describe("Open SSE streams; beyond it 429 (default 256)."),
    bodyBytes: z
      .int()
      .min(1)
      .optional()
      .describe("Largest request body; larger is 413 (default 1 MiB; at most NATS max_payload less 8 KiB)."),
    headersTimeoutMs: z
      .int()
      .min(1)
      .optional()
      .describe("Time a client has to send its request headers (default 10 s)."),
    requestTimeoutMs: z
      .int()
      .min(1)
      .optional()
      .describe("Time a client has to send its whole request (default 30 s)."),
    retryAfterSeconds: z
      .int()
      .min(1)
      .optional()
      .describe("`Retry-After` sent with 429 and 503 answers (default 1)."),
  })
  .describe("Backpressure and slow-client protection.");

export const RouteAuthSchema = z
  .union([z.literal("none"), z.array(CredentialName).min(1)])
  .optional()
  .describe("Credentials that may call the route, or `none`. Default: `gateway.auth.default`.");
export const RouteScopesSchema = z
  .array(z.string().min(1))
  .min(1)
  .optional()
  .describe("Scopes the caller must have (JWT `scope` / `scp`, or the API key's `scopes`); else 403.");
export const RouteTenantSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "name a path parameter")
  .optional();

export const GatewayRouteSchema = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  path: z
    .string()
    .regex(/^\/[^\s?#]*$/, "must start with / and hold no spaces, ? or #")
    .describe("HTTP path; `:name` segments are parameters."),
  request: z
    .string()
    .min(1)
    .optional()
    .describe("NATS request subject; `{name}` tokens take path parameters. Answered with the reply."),
  publish: z
    .string()
    .min(1)
    .optional()
    .describe("NATS publish subject (`{name}` tokens take path parameters); answered 202."),
  stream: z
    .string()
    .min(1)
    .optional()
    .describe(
      "NATS streamed-reply subject (`{name}` tokens take path parameters), answered as Server-Sent Events.",
    ),
  durable: z
    .boolean()
    .optional()
    .describe("With `publish`: publish into JetStream and answer with the stream sequence."),
  timeoutMs: z
    .int()
    .positive()
    .default(5000)
    .describe(
      "Request: the reply deadline. Stream: the longest wait for a chunk. Durable publish: the ack wait.",
    ),
  maxInFlight: z
    .int()
    .min(1)
    .optional()
    .describe("This route's share of in-flight requests (default: the gateway's `limits.maxInFlight`)."),
  auth: RouteAuthSchema,
  scopes: RouteScopesSchema,
  tenant: RouteTenantSchema.describe(
    "The path parameter naming the tenant the call acts for; a caller whose credential does not list it gets 403.",
  ),
  schema: z
    .strictObject({ body: JsonSchemaObject.optional(), query: JsonSchemaObject.optional() })
    .optional()
    .describe("Validate the JSON body and the query string; a failure is 400 with the errors."),
  headers: z
    .array(HeaderName)
    .optional()
    .describe("Request headers passed on to NATS for this route, besides `gateway.headers.request`."),
});

export const GatewaySchema = z
  .strictObject({
    listen: Listen.default("127.0.0.1:8080").describe("Address to listen on (port 0 = random)."),
    allowUnauthenticated: z
      .boolean()
      .optional()
      .describe("Allow routes without auth on a non-loopback `listen` (an error otherwise)."),
    auth: GatewayAuthSchema.optional(),
    limits: GatewayLimitsSchema.optional(),
    headers: z
      .strictObject({
        request: z.array(HeaderName).optional().describe("HTTP request headers passed on as NATS headers."),
        response: z.array(HeaderName).optional().describe("NATS reply headers passed back as HTTP headers."),
      })
      .optional()
      .describe(
        "Header allow-lists. Correlation id, `traceparent`/`tracestate`, `Idempotency-Key` and `Content-Type` always pass.",
      ),
    sse: z
      .strictObject({
        heartbeatMs: z
          .int()
          .min(100)
          .optional()
          .describe("Comment line sent on idle streams so proxies keep them open (default 15 s)."),
        maxDurationMs: z.int().min(1).optional().describe("Longest a stream may last (default 5 min)."),
        maxBufferBytes: z
          .int()
          .min(1024)
          .optional()
          .describe("Unsent bytes a slow client may fall behind before its stream is ended (default 1 MiB)."),
      })
      .optional(),
    drainTimeoutMs: z
      .int()
      .min(0)
      .optional()
      .describe("On stop, how long requests and streams in flight may finish (default 5 s)."),
    routes: z.array(GatewayRouteSchema).default([]),
  })
  .describe("HTTP → NATS gateway, run by `junction run` and `junction up` when present.");
