import { STATUS_CODES } from "node:http";
import {
  CancelledError,
  CircuitOpenError,
  CodecError,
  IdempotencyKeyReusedError,
  JetStreamError,
  NoRespondersError,
  NoStreamError,
  PayloadTooLargeError,
  RequestTimeoutError,
  ServiceError,
} from "@junction/sdk";
import { DurableRequestTimeoutError } from "@junction/sdk/jetstream";
import { ClosedConnectionError, DrainingConnectionError } from "@nats-io/nats-core";
import type { ResolvedSettings } from "../config/settings.ts";
import {
  BadRequestError,
  DrainingError,
  ForbiddenError,
  GatewayErrorCode,
  type InvalidParam,
  MethodNotAllowedError,
  OverloadedError,
  RouteNotFoundError,
  UnauthorizedError,
} from "../errors.ts";

/** Problem types are documented in docs/gateway.md ("Errors"). */
export const PROBLEM_BASE = "https://junction.dev/problems/";

/** An RFC 9457 problem, before the per-request members (instance, correlation id) are added. */
export interface Problem {
  readonly status: number;
  /** Last part of the `type` URI. */
  readonly type: string;
  readonly detail: string;
  /** The error's stable code (`ERR_TIMEOUT` …), for clients that branch on it. */
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly errors?: readonly InvalidParam[];
  /** Only for 500s: the failure was not one the gateway knows, so it is worth a log line. */
  readonly unexpected?: boolean;
}

interface HttpError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: readonly { instancePath?: string; message?: string; params?: unknown }[];
  readonly validationContext?: string;
}

/**
 * What an error means to an HTTP caller. Branches on classes and stable codes only: the SDK's taxonomy
 * (docs/protocol.md), the gateway's own errors, fastify's `FST_*` errors (answered with the gateway's
 * codes, never fastify's), and anything else is a 500.
 */
export function problemOf(
  err: unknown,
  settings: Pick<ResolvedSettings, "retryAfterSeconds" | "bodyBytes">,
): Problem {
  const retryAfter = { "Retry-After": String(settings.retryAfterSeconds) };
  const message = err instanceof Error ? err.message : String(err);
  const code =
    typeof (err as HttpError)?.code === "string" ? ((err as HttpError).code as string) : "ERR_INTERNAL";
  const p = (status: number, type: string, headers: Record<string, string> = {}): Problem => ({
    status,
    type,
    detail: message,
    code,
    headers,
  });

  if (err instanceof NoRespondersError) return p(503, "no-responders", retryAfter);
  if (err instanceof DurableRequestTimeoutError) {
    // The operation is stored and keeps running: say how to get its outcome.
    const detail = `${message}; it keeps running: send the same Idempotency-Key again for its outcome`;
    return { ...p(504, "timeout"), detail };
  }
  if (err instanceof RequestTimeoutError) return p(504, "timeout");
  if (err instanceof IdempotencyKeyReusedError) {
    // As payment APIs answer: the key is taken by another request, whose outcome is not this one's.
    const detail = `Idempotency-Key ${JSON.stringify(err.idempotencyKey)} was already used for a different request to this operation; send a new key for a new request`;
    return { ...p(422, "idempotency-key-reused"), detail };
  }
  if (err instanceof CircuitOpenError) {
    return p(503, "circuit-open", { "Retry-After": String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) });
  }
  if (err instanceof ServiceError) {
    const passthrough = Number.isInteger(err.serviceCode) && err.serviceCode >= 400 && err.serviceCode <= 599;
    const status = passthrough ? err.serviceCode : 502;
    const headers = status === 429 || status === 503 ? retryAfter : {};
    return { ...p(status, "service-error", headers), detail: err.serviceMessage || message };
  }
  if (err instanceof OverloadedError) return p(429, "overloaded", retryAfter);
  if (err instanceof DrainingError) return p(503, "draining", { ...retryAfter, Connection: "close" });
  if (err instanceof UnauthorizedError) return p(401, "unauthorized", { "WWW-Authenticate": err.challenge });
  if (err instanceof ForbiddenError) return p(403, "forbidden");
  if (err instanceof RouteNotFoundError) return p(404, "not-found");
  if (err instanceof MethodNotAllowedError)
    return p(405, "method-not-allowed", { Allow: err.allow.join(", ") });
  if (err instanceof BadRequestError) return { ...p(400, "bad-request"), errors: err.errors };
  if (err instanceof PayloadTooLargeError) return p(413, "payload-too-large");
  if (err instanceof NoStreamError) return p(503, "no-stream", retryAfter);
  if (err instanceof JetStreamError || err instanceof CodecError) return p(502, "bad-gateway");
  if (err instanceof CancelledError) return p(503, "cancelled", retryAfter);
  if (err instanceof ClosedConnectionError || err instanceof DrainingConnectionError) {
    return p(503, "nats-unavailable", retryAfter);
  }

  const http = (err ?? {}) as HttpError;
  if (Array.isArray(http.validation)) {
    const where = http.validationContext === "querystring" ? "query" : (http.validationContext ?? "body");
    const errors = http.validation.map((v) => ({
      in: where,
      name: v.instancePath || "/",
      reason: v.message ?? "is invalid",
    }));
    return { ...p(400, "validation"), code: GatewayErrorCode.Validation, errors };
  }
  if (code.startsWith("FST_") && typeof http.statusCode === "number") {
    if (http.statusCode === 413) {
      return {
        ...p(413, "payload-too-large"),
        detail: `the body is larger than ${settings.bodyBytes} bytes`,
        code: GatewayErrorCode.PayloadTooLarge,
      };
    }
    if (http.statusCode === 415) {
      return { ...p(415, "unsupported-media-type"), code: GatewayErrorCode.UnsupportedMediaType };
    }
    if (http.statusCode >= 400 && http.statusCode < 500) {
      return { ...p(http.statusCode, "bad-request"), code: GatewayErrorCode.BadRequest };
    }
  }
  return { ...p(500, "internal"), detail: "internal error", code: "ERR_INTERNAL", unexpected: true };
}

/** The problem document as sent, with the members that depend on the request. */
export function problemBody(problem: Problem, instance: string, correlationId: string): string {
  return JSON.stringify({
    type: `${PROBLEM_BASE}${problem.type}`,
    title: STATUS_CODES[problem.status] ?? "Error",
    status: problem.status,
    detail: problem.detail,
    instance,
    code: problem.code,
    correlationId,
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  });
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
