import { type Context, propagation } from "@opentelemetry/api";
import { traceHeaderOf } from "../aws/trace-context.ts";
import { MAX_ATTRIBUTES } from "./sqs/map.ts";
import type { TargetRequest } from "./types.ts";

/**
 * The request carrying the trace context `ctx` (the bridge's send span) so that whoever reads it on the
 * AWS side continues the trace: SQS as the `traceparent` / `tracestate` message attributes and X-Ray's
 * `AWSTraceHeader` system attribute, EventBridge as the entry's `TraceHeader`, Lambda in the
 * invocation's client context (`custom.traceparent`). Done after mapping, so `junction translate`
 * shows the request as configured; the request as it is when there is no trace to carry.
 */
export function withTraceContext(request: TargetRequest, ctx: Context): TargetRequest {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const traceparent = carrier.traceparent;
  if (traceparent === undefined) return request;
  const input = { ...request.input };
  if (request.service === "sqs") {
    const attributes = { ...(input.MessageAttributes as Record<string, unknown> | undefined) };
    // SQS takes 10 attributes; the configured ones come first, X-Ray's header does not count.
    for (const [name, value] of Object.entries(carrier)) {
      if (Object.keys(attributes).length < MAX_ATTRIBUTES && attributes[name] === undefined) {
        attributes[name] = { DataType: "String", StringValue: value };
      }
    }
    input.MessageAttributes = attributes;
    const xray = traceHeaderOf(carrier);
    if (xray !== undefined) {
      input.MessageSystemAttributes = { AWSTraceHeader: { DataType: "String", StringValue: xray } };
    }
  } else if (request.service === "eventbridge") {
    const xray = traceHeaderOf(carrier);
    if (xray !== undefined) input.TraceHeader = xray;
  } else if (request.service === "lambda" && input.ClientContext === undefined) {
    input.ClientContext = Buffer.from(JSON.stringify({ custom: carrier })).toString("base64");
  } else {
    return request;
  }
  return { ...request, input };
}
