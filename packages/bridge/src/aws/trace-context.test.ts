import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { traceHeaderOf, traceparentOf } from "./trace-context.ts";

describe("EventBridge TraceHeader from W3C trace context", () => {
  it("maps traceparent ids and the sampled flag to the X-Ray form, reading the header in any case", () => {
    // Example ids from the W3C Trace Context specification (section 3.2.2).
    assert.equal(
      traceHeaderOf({ Traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }),
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1",
    );
    assert.equal(
      traceHeaderOf({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00" }),
      "Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=0",
    );
  });

  it("sends nothing for absent, malformed or all-zero context", () => {
    assert.equal(traceHeaderOf({}), undefined);
    assert.equal(traceHeaderOf({ traceparent: "garbage" }), undefined);
    assert.equal(
      traceHeaderOf({ traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" }),
      undefined,
    );
    assert.equal(
      traceHeaderOf({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01" }),
      undefined,
    );
  });
});

describe("W3C traceparent from an X-Ray trace header (SQS AWSTraceHeader)", () => {
  it("maps root, parent and sampled back, fields in any order", () => {
    // The AWS X-Ray docs' example header.
    assert.equal(
      traceparentOf("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
      "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
    );
    assert.equal(
      traceparentOf("Sampled=0;Parent=53995C3F42CD8AD8;Root=1-5759E988-BD862E3FE1BE46A994272793"),
      "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-00",
    );
  });

  it("round-trips with traceHeaderOf", () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert.equal(traceparentOf(traceHeaderOf({ traceparent })), traceparent);
  });

  it("gives nothing without a root or a parent", () => {
    assert.equal(traceparentOf(undefined), undefined);
    assert.equal(traceparentOf("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"), undefined);
    assert.equal(traceparentOf("Parent=53995c3f42cd8ad8"), undefined);
  });
});
