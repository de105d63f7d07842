import type { IncomingHttpHeaders } from "node:http";
import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";

/**
 * Runs `fn` inside the caller's W3C trace context, so the SDK's send span (when an OTel SDK is
 * registered) continues the HTTP client's trace instead of starting a new one. Without `traceparent`
 * there is nothing to continue and `fn` runs as is.
 */
export function withTraceContext<R>(headers: IncomingHttpHeaders, fn: () => R): R {
  if (headers.traceparent === undefined) return fn();
  return context.with(propagation.extract(ROOT_CONTEXT, headers), fn);
}
