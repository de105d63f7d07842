import { z } from "zod";

// The `gateway:` section of junction.yaml (HTTP → NATS) and the config `createGateway` takes: one schema
// for both, so its defaults, types and generated reference are the same however a config is written.

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
      .describe("Environment variable holding the key; read (and hashed) at start-up."),
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

/**
 * Credentials alone, without route defaults: what another listener of the process (the ops listener's
 * `ops.auth`) accepts, checked by the gateway's own mechanisms.
 */
export const CredentialsSchema = GatewayAuthSchema.omit({ default: true });

export const GatewayLimitsSchema = z
  .strictObject({
    maxInFlight: z
      .int()
      .min(1)
      .default(1024)
      .describe("NATS requests and durable publishes in flight across all routes; beyond it 429 at once."),
    maxStreams: z.int().min(1).default(256).describe("Open SSE streams; beyond it 429."),
    bodyBytes: z
      .int()
      .min(1)
      .optional()
      .describe("Largest request body; larger is 413 (default 1 MiB; at most NATS max_payload less 8 KiB)."),
    headersTimeoutMs: z
      .int()
      .min(1)
      .default(10_000)
      .describe("Time a client has to send its request headers."),
    requestTimeoutMs: z.int().min(1).default(30_000).describe("Time a client has to send its whole request."),
    retryAfterSeconds: z.int().min(1).default(1).describe("`Retry-After` sent with 429 and 503 answers."),
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

const Percent = z.number().gt(0).lt(100);

export const ShadowSchema = z
  .strictObject({
    subject: z
      .string()
      .min(1)
      .describe("Subject of the new handler (same `{captures}` as the operation's subject)."),
    ignore: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Fields of JSON replies left out of the comparison, as dotted paths (`connectorTransactionId`, `meta.at`).",
      ),
  })
  .describe(
    "Send every call to the old handler and to this new one; answer with the old one, compare the replies and count differences (`junction_gateway_shadow_total`).",
  );

export const CanarySchema = z
  .strictObject({
    subject: z
      .string()
      .min(1)
      .describe("Subject of the new handler (same `{captures}` as the operation's subject)."),
    percent: Percent.describe(
      "Share of calls (0-100, exclusive) sent to the new handler instead of the old one.",
    ),
  })
  .describe(
    "Send a share of calls to a new handler, chosen by a hash of the idempotency key (else the correlation id, else the message id), so a retried call goes where its first attempt went.",
  );

/**
 * A route the gateway serves: one written under `gateway.routes`, or one generated from an operation
 * (operation-routes.ts), which alone may carry `shadow` / `canary` and be a durable request.
 */
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
  shadow: ShadowSchema.optional(),
  canary: CanarySchema.optional(),
});

/** A route as written under `gateway.routes`: shadow and canary are for operations. */
const WrittenRouteSchema = GatewayRouteSchema.omit({ shadow: true, canary: true });

export const GatewaySchema = z
  .strictObject({
    listen: Listen.default("127.0.0.1:8080").describe("Address to listen on (port 0 = random)."),
    allowUnauthenticated: z
      .boolean()
      .default(false)
      .describe("Allow routes without auth on a non-loopback `listen` (an error otherwise)."),
    auth: GatewayAuthSchema.optional(),
    limits: GatewayLimitsSchema.prefault({}),
    headers: z
      .strictObject({
        request: z.array(HeaderName).default([]).describe("HTTP request headers passed on as NATS headers."),
        response: z.array(HeaderName).default([]).describe("NATS reply headers passed back as HTTP headers."),
      })
      .prefault({})
      .describe(
        "Header allow-lists. Correlation id, `traceparent`/`tracestate`, `Idempotency-Key` and `Content-Type` always pass.",
      ),
    sse: z
      .strictObject({
        heartbeatMs: z
          .int()
          .min(100)
          .default(15_000)
          .describe("Comment line sent on idle streams so proxies keep them open."),
        maxDurationMs: z.int().min(1).default(300_000).describe("Longest a stream may last."),
        maxBufferBytes: z
          .int()
          .min(1024)
          .default(1024 * 1024)
          .describe("Unsent bytes a slow client may fall behind before its stream is ended."),
      })
      .prefault({})
      .describe("Server-Sent Events of `stream` routes."),
    drainTimeoutMs: z
      .int()
      .min(0)
      .default(5000)
      .describe("On stop, how long requests and streams in flight may finish."),
    routes: z.array(WrittenRouteSchema).default([]),
  })
  .describe("HTTP → NATS gateway, run by `junction run` and `junction up` when present.");

/** What `createGateway` serves: the section with every route, written or generated from an operation. */
export const GatewayConfigSchema = GatewaySchema.extend({ routes: z.array(GatewayRouteSchema).default([]) });

/** The one route type: written routes and operation routes alike. */
export type GatewayRoute = z.output<typeof GatewayRouteSchema>;
/** The `gateway:` section of junction.yaml, defaults applied. */
export type GatewaySection = z.output<typeof GatewaySchema>;
/** A served gateway config, defaults applied. */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
/** A gateway config as written in code: fields with defaults may be left out. */
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
export type GatewayAuthConfig = z.output<typeof GatewayAuthSchema>;
export type CredentialsConfig = z.output<typeof CredentialsSchema>;
export type ApiKeyConfig = z.output<typeof GatewayApiKeySchema>;
export type JwtConfig = z.output<typeof GatewayJwtSchema>;
export type HttpMethod = GatewayRoute["method"];
