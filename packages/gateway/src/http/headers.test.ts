import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHeaderForwarder } from "./headers.ts";

describe("the header forwarder", () => {
  it("never passes credentials, hop-by-hop or Junction's own headers on, whatever the allow-list says", () => {
    const forward = createHeaderForwarder([
      "Authorization",
      "X-Api-Key",
      "Host",
      "Junction-Kind",
      "X-Tenant",
    ]);
    const out = forward(
      {
        authorization: "Bearer secret-token",
        "x-api-key": "secret-key",
        host: "example.org",
        "junction-kind": "reply",
        "x-tenant": "t1",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
      "application/json",
      undefined,
    );
    assert.deepEqual(out, {
      "x-tenant": "t1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "Content-Type": "application/json",
    });
  });
});
