import { type Context, propagation } from "@opentelemetry/api";
import { targetDefinition } from "./registry.ts";
import type { TargetRequest } from "./types.ts";

/**
 * The request carrying the trace context `ctx` (the bridge's send span), so that whoever reads it on
 * the AWS side continues the trace: each target says where (`carryTrace` in its definition). Done after
 * mapping, so `junction translate` shows the request as configured; the request as it is when there is
 * no trace to carry.
 */
export function withTraceContext(request: TargetRequest, ctx: Context): TargetRequest {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const carry = targetDefinition(request.service).carryTrace;
  if (carrier.traceparent === undefined || carry === undefined) return request;
  return { ...request, input: carry({ ...request.input }, carrier) };
}
