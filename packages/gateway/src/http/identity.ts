import type { IncomingHttpHeaders } from "node:http";
import { type MessageIdentity, newMessageId } from "@junction/sdk";

export const CORRELATION_HEADER = "x-correlation-id";

// Echoed into headers and logs: short, and nothing that could split a header or a log line.
const CORRELATION_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE = "0".repeat(32);

/**
 * The HTTP request as the root of a conversation. Its correlation id is the caller's `X-Correlation-Id`,
 * else the trace id of its `traceparent`, else its own fresh id; every NATS message the gateway sends
 * for it is derived from it (same correlation id, causation id = the request's id).
 */
export function requestIdentity(headers: IncomingHttpHeaders): MessageIdentity {
  const id = newMessageId();
  const given = first(headers[CORRELATION_HEADER]);
  if (given !== undefined && CORRELATION_ID.test(given)) return { id, correlationId: given };
  const trace = TRACEPARENT.exec(first(headers.traceparent) ?? "")?.[1];
  if (trace !== undefined && trace !== ZERO_TRACE) return { id, correlationId: trace };
  return { id, correlationId: id };
}

/** The first value of a header (Node joins most repeated headers, but not all). */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
