import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { traceHeaderOf } from "./trace-header.ts";

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
