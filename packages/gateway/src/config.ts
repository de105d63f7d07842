/**
 * The gateway's config: the `gateway:` section of junction.yaml as the config loader outputs it
 * (packages/bridge/src/config/gateway-schema.ts). Defaults of optional fields live here, so a config
 * written in code gets the same ones.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface GatewayRouteConfig {
  readonly method: HttpMethod;
  /** fastify path; `:name` segments are parameters. */
  readonly path: string;
  readonly request?: string | undefined;
  readonly publish?: string | undefined;
  readonly stream?: string | undefined;
  /**
   * With `publish`: a JetStream publish. With `request`: durable request/reply (docs/protocol.md §6), which
   * needs an `Idempotency-Key` and runs once per key (the operation catalogue's `durable` operations).
   */
  readonly durable?: boolean | undefined;
  /** Request routes: also send each call to this subject and compare the answers (routes/shift.ts). */
  readonly shadow?: { readonly subject: string; readonly ignore?: readonly string[] | undefined } | undefined;
  /** Request routes: send `percent` of calls to this subject instead (routes/shift.ts). */
  readonly canary?: { readonly subject: string; readonly percent: number } | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxInFlight?: number | undefined;
  readonly auth?: "none" | readonly string[] | undefined;
  readonly scopes?: readonly string[] | undefined;
  /**
   * The path parameter naming the tenant (a merchant) the call acts for: a caller outside its
   * credential's tenants gets 403 before anything reaches NATS. Needs auth.
   */
  readonly tenant?: string | undefined;
  readonly schema?:
    | {
        readonly body?: Readonly<Record<string, unknown>> | undefined;
        readonly query?: Readonly<Record<string, unknown>> | undefined;
      }
    | undefined;
  readonly headers?: readonly string[] | undefined;
}

export interface ApiKeyConfig {
  readonly sha256?: string | undefined;
  readonly env?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  /** Tenants the key may act for on routes with a `tenant`; `"*"`: any. Absent: none. */
  readonly tenants?: "*" | readonly string[] | undefined;
}

export interface JwtConfig {
  readonly jwks: string;
  readonly issuer?: string | undefined;
  readonly audience?: string | readonly string[] | undefined;
  readonly algorithms?: readonly string[] | undefined;
  /** The claim listing the tenants a token may act for (a string or an array of strings). */
  readonly tenantsClaim?: string | undefined;
}

export interface GatewayAuthConfig {
  readonly apiKeys?: Readonly<Record<string, ApiKeyConfig>> | undefined;
  readonly jwt?: Readonly<Record<string, JwtConfig>> | undefined;
  readonly default?: readonly string[] | undefined;
}

export interface GatewayConfig {
  /** `host:port`; port 0 = random. Default 127.0.0.1:8080. */
  readonly listen?: string | undefined;
  readonly allowUnauthenticated?: boolean | undefined;
  readonly auth?: GatewayAuthConfig | undefined;
  readonly limits?:
    | {
        readonly maxInFlight?: number | undefined;
        readonly maxStreams?: number | undefined;
        readonly bodyBytes?: number | undefined;
        readonly headersTimeoutMs?: number | undefined;
        readonly requestTimeoutMs?: number | undefined;
        readonly retryAfterSeconds?: number | undefined;
      }
    | undefined;
  readonly headers?:
    | { readonly request?: readonly string[] | undefined; readonly response?: readonly string[] | undefined }
    | undefined;
  readonly sse?:
    | {
        readonly heartbeatMs?: number | undefined;
        readonly maxDurationMs?: number | undefined;
        readonly maxBufferBytes?: number | undefined;
      }
    | undefined;
  readonly drainTimeoutMs?: number | undefined;
  readonly routes?: readonly GatewayRouteConfig[] | undefined;
}

/** Every setting with its default applied. */
export interface ResolvedSettings {
  readonly listen: string;
  readonly maxInFlight: number;
  readonly maxStreams: number;
  readonly bodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly heartbeatMs: number;
  readonly maxStreamMs: number;
  readonly maxBufferBytes: number;
  readonly drainTimeoutMs: number;
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Room kept in each NATS message for the headers Junction adds (identity, trace context, principal,
 * allow-listed HTTP headers); a request whose headers need more is still refused 413 by the SDK.
 */
export const HEADER_RESERVE_BYTES = 8 * 1024;

/** The largest body a NATS message can carry beside Junction's headers, when max_payload is known. */
export function bodyCeiling(maxPayload: number | undefined): number | undefined {
  return maxPayload === undefined ? undefined : maxPayload - HEADER_RESERVE_BYTES;
}

/** `maxPayload`: the NATS server's (from its INFO); the body limit never exceeds what it carries. */
export function resolveSettings(config: GatewayConfig, maxPayload?: number): ResolvedSettings {
  const limits = config.limits ?? {};
  return {
    listen: config.listen ?? "127.0.0.1:8080",
    maxInFlight: limits.maxInFlight ?? 1024,
    maxStreams: limits.maxStreams ?? 256,
    bodyBytes: Math.min(limits.bodyBytes ?? 1024 * 1024, bodyCeiling(maxPayload) ?? Number.POSITIVE_INFINITY),
    headersTimeoutMs: limits.headersTimeoutMs ?? 10_000,
    requestTimeoutMs: limits.requestTimeoutMs ?? 30_000,
    retryAfterSeconds: limits.retryAfterSeconds ?? 1,
    heartbeatMs: config.sse?.heartbeatMs ?? 15_000,
    maxStreamMs: config.sse?.maxDurationMs ?? 300_000,
    maxBufferBytes: config.sse?.maxBufferBytes ?? 1024 * 1024,
    drainTimeoutMs: config.drainTimeoutMs ?? 5_000,
    requestHeaders: config.headers?.request ?? [],
    responseHeaders: config.headers?.response ?? [],
  };
}
