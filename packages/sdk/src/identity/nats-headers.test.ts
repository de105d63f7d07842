import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headers } from "@nats-io/nats-core";
import { Headers } from "./headers.ts";
import { MessageKind } from "./identity.ts";
import { readHeader, writeHeaders } from "./nats-headers.ts";

const identity = { id: "m1", correlationId: "c1", causationId: "p1" };

describe("writeHeaders", () => {
  it("writes the identity, kind, key and content type, after the extra headers", () => {
    const h = writeHeaders({
      identity,
      kind: MessageKind.Command,
      idempotencyKey: "k1",
      contentType: "application/json",
      headers: { traceparent: "00-abc", "X-Tenant": " t1 " },
    });
    assert.deepEqual(Object.fromEntries([...h.keys()].map((k) => [k, h.values(k)])), {
      traceparent: ["00-abc"],
      "X-Tenant": ["t1"],
      [Headers.MsgId]: ["m1"],
      [Headers.CorrelationId]: ["c1"],
      [Headers.CausationId]: ["p1"],
      [Headers.Kind]: ["command"],
      [Headers.IdempotencyKey]: ["k1"],
      "Content-Type": ["application/json"],
    });
  });

  it("lets identity headers win over extra ones, and keeps a content type given in any case", () => {
    const h = writeHeaders({
      identity: { id: "m1", correlationId: "c1" },
      contentType: "application/json",
      headers: { [Headers.MsgId]: "forged", "content-type": "application/x-protobuf" },
    });
    assert.equal(h.get(Headers.MsgId), "m1");
    assert.deepEqual(h.values(Headers.MsgId), ["m1"]);
    assert.equal(h.get("content-type"), "application/x-protobuf");
    assert.equal(h.has("Content-Type"), false);
    assert.equal(h.has(Headers.CausationId), false);
  });

  it("refuses a header name or value that would break the header block", () => {
    assert.throws(
      () => writeHeaders({ identity, headers: { "bad name": "v" } }),
      /not a valid character in a header name/,
    );
    assert.throws(() => writeHeaders({ identity, headers: { "X-A": "v\r\nX-B: w" } }), /cannot contain/);
    assert.throws(() => writeHeaders({ identity, idempotencyKey: "k\n" }), /cannot contain/);
  });
});

describe("readHeader", () => {
  it("finds a header whatever its case, its first value, and nothing for empty or absent ones", () => {
    const h = headers();
    h.append("Traceparent", "00-abc");
    h.append("X-Many", "one");
    h.append("X-Many", "two");
    h.append("X-Empty", "");
    const msg = { headers: h };
    assert.equal(readHeader(msg, "traceparent"), "00-abc");
    assert.equal(readHeader(msg, "TRACEPARENT"), "00-abc");
    assert.equal(readHeader(msg, "x-many"), "one");
    assert.equal(readHeader(msg, "X-Empty"), undefined);
    assert.equal(readHeader(msg, "X-Absent"), undefined);
    assert.equal(readHeader({}, "traceparent"), undefined);
  });
});
