import type { GatewayConfig } from "./schema.ts";

/** The settings the gateway runs with, flattened from its config (whose schema holds the defaults). */
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

/** The body limit without `limits.bodyBytes`; it depends on the NATS server, so the schema has none. */
const DEFAULT_BODY_BYTES = 1024 * 1024;

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
  const { limits, sse, headers } = config;
  return {
    listen: config.listen,
    maxInFlight: limits.maxInFlight,
    maxStreams: limits.maxStreams,
    bodyBytes: Math.min(
      limits.bodyBytes ?? DEFAULT_BODY_BYTES,
      bodyCeiling(maxPayload) ?? Number.POSITIVE_INFINITY,
    ),
    headersTimeoutMs: limits.headersTimeoutMs,
    requestTimeoutMs: limits.requestTimeoutMs,
    retryAfterSeconds: limits.retryAfterSeconds,
    heartbeatMs: sse.heartbeatMs,
    maxStreamMs: sse.maxDurationMs,
    maxBufferBytes: sse.maxBufferBytes,
    drainTimeoutMs: config.drainTimeoutMs,
    requestHeaders: headers.request,
    responseHeaders: headers.response,
  };
}
