import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { propagation, ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { withTraceContext } from "./trace-context.ts";
import type { TargetRequest } from "./types.ts";

const traceId = "5759e988bd862e3fe1be46a994272793";
const spanId = "53995c3f42cd8ad8";
const sending = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
const traceparent = `00-${traceId}-${spanId}-01`;
const xray = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

const request = (service: TargetRequest["service"], input: Record<string, unknown>): TargetRequest => ({
  service,
  operation: "Op",
  resource: "r",
  input,
});

describe("trace context on AWS requests", () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  it("SQS: traceparent attribute after the configured ones, and AWSTraceHeader", () => {
    const configured = { TaskType: { DataType: "String", StringValue: "x" } };
    const out = withTraceContext(
      request("sqs", { MessageBody: "b", MessageAttributes: configured }),
      sending,
    );
    assert.deepEqual(out.input.MessageAttributes, {
      ...configured,
      traceparent: { DataType: "String", StringValue: traceparent },
    });
    assert.deepEqual(out.input.MessageSystemAttributes, {
      AWSTraceHeader: { DataType: "String", StringValue: xray },
    });
  });

  it("SQS: a target using all 10 attributes keeps them and carries only AWSTraceHeader", () => {
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`A${i}`, { DataType: "String", StringValue: "v" }]),
    );
    const out = withTraceContext(request("sqs", { MessageBody: "b", MessageAttributes: ten }), sending);
    assert.deepEqual(out.input.MessageAttributes, ten);
    assert.ok(out.input.MessageSystemAttributes !== undefined);
  });

  it("EventBridge: TraceHeader in X-Ray's format, replacing the incoming one", () => {
    const out = withTraceContext(request("eventbridge", { Detail: "{}", TraceHeader: "Root=old" }), sending);
    assert.equal(out.input.TraceHeader, xray);
  });

  it("Lambda: the client context's custom.traceparent", () => {
    const out = withTraceContext(request("lambda", { FunctionName: "f" }), sending);
    const decoded = JSON.parse(Buffer.from(String(out.input.ClientContext), "base64").toString("utf8"));
    assert.deepEqual(decoded, { custom: { traceparent } });
  });

  it("leaves DynamoDB requests and untraced sends as they are", () => {
    const ddb = request("dynamodb", { TableName: "t" });
    assert.equal(withTraceContext(ddb, sending), ddb);
    const sqs = request("sqs", { MessageBody: "b" });
    assert.equal(withTraceContext(sqs, ROOT_CONTEXT), sqs);
  });
});
