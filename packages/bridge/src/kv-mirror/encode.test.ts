import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { decodeValue, encodeValue } from "./encode.ts";
import { createProgress } from "./progress.ts";
import { decide } from "./stream-apply.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("value encoding", () => {
  it("a JSON object becomes a map; other text a string; other bytes binary", () => {
    assert.deepEqual(encodeValue(bytes('{"a":1,"b":[true,null,"x"],"c":{"d":-2.5}}')), {
      M: {
        a: { N: "1" },
        b: { L: [{ BOOL: true }, { NULL: true }, { S: "x" }] },
        c: { M: { d: { N: "-2.5" } } },
      },
    });
    assert.deepEqual(encodeValue(bytes("[1,2]")), { S: "[1,2]" });
    assert.deepEqual(encodeValue(bytes('"quoted"')), { S: '"quoted"' });
    assert.deepEqual(encodeValue(bytes("42")), { S: "42" });
    assert.deepEqual(encodeValue(bytes("{not json")), { S: "{not json" });
    assert.deepEqual(encodeValue(bytes("")), { S: "" });
    assert.deepEqual(encodeValue(new Uint8Array([0xc3, 0x28])), { B: new Uint8Array([0xc3, 0x28]) });
  });

  it("keeps as text a JSON object DynamoDB could not hold exactly", () => {
    for (const json of [
      '{"id":12345678901234567890}', // past 2^53
      '{"x":0.12345678901234567}', // more digits than a double keeps
      '{"x":1e200}', // past DynamoDB's number range
      '{"x":1e-200}',
      '{"":1}', // empty attribute name
      `{"a":${"[".repeat(40)}1${"]".repeat(40)}}`, // nested deeper than DynamoDB allows
    ])
      assert.deepEqual(encodeValue(bytes(json)), { S: json }, json);
    // Long digit runs inside strings are fine.
    assert.ok(encodeValue(bytes('{"phone":"12345678901234567890"}')).M);
  });

  it("gives back the same bytes for strings and binary, and JSON for the rest", () => {
    for (const value of ["hello", "\ufeffBOM kept", "[1,2]", ""]) {
      assert.deepEqual(decodeValue(encodeValue(bytes(value))), bytes(value), value);
    }
    assert.deepEqual(decodeValue(encodeValue(new Uint8Array([0xff, 1]))), new Uint8Array([0xff, 1]));
    assert.deepEqual(JSON.parse(text(decodeValue(encodeValue(bytes('{"a":{"b":[1,"x"]}}'))))), {
      a: { b: [1, "x"] },
    });
    // What an AWS-native app may write: numbers stay exact, sets become arrays.
    assert.equal(
      text(decodeValue({ N: "123456789012345678901234567890" })),
      "123456789012345678901234567890",
    );
    assert.equal(
      text(decodeValue({ M: { s: { SS: ["a", "b"] }, n: { BOOL: false } } })),
      '{"s":["a","b"],"n":false}',
    );
  });
});

describe("applying DynamoDB stream records", () => {
  const record = (
    eventName: string,
    newImage?: Record<string, unknown>,
    oldImage?: Record<string, unknown>,
  ): StreamRecord =>
    ({
      eventName,
      dynamodb: {
        Keys: { key: { S: "k" } },
        ...(newImage === undefined ? {} : { NewImage: newImage }),
        ...(oldImage === undefined ? {} : { OldImage: oldImage }),
      },
    }) as StreamRecord;
  /** `value: null`: the item has no value attribute. */
  const item = (revision?: number, value: unknown = { S: "v" }, operation = "PUT") => ({
    key: { S: "k" },
    ...(value === null ? {} : { value }),
    ...(revision === undefined ? {} : { revision: { N: String(revision) } }),
    operation: { S: operation },
  });
  const put = { revision: 7, operation: "PUT" as const };

  it("skips the mirror's own writes: the revision went up and the bucket has it", () => {
    assert.deepEqual(decide(record("INSERT", item(7)), put), { kind: "echo" });
    assert.deepEqual(decide(record("MODIFY", item(7), item(5)), put), { kind: "echo" });
    assert.deepEqual(decide(record("MODIFY", item(5), item(3)), put), { kind: "echo" }, "already superseded");
  });

  it("applies a change made in DynamoDB with compare-and-set on the revision it started from", () => {
    assert.deepEqual(decide(record("MODIFY", item(7, { S: "new" }), item(7)), put), {
      kind: "put",
      value: bytes("new"),
      expected: 7,
    });
    assert.deepEqual(decide(record("INSERT", { key: { S: "k" }, value: { S: "x" } }), undefined), {
      kind: "put",
      value: bytes("x"),
    });
    // A revision the bucket never had is not the mirror's.
    assert.equal(decide(record("MODIFY", item(9, { S: "w" }), item(7)), put).kind, "put");
  });

  it("deletes the key only if the bucket is still at the removed item's revision", () => {
    assert.deepEqual(decide(record("REMOVE", undefined, item(7)), put), { kind: "delete", expected: 7 });
    assert.deepEqual(decide(record("REMOVE", undefined, item(7)), { revision: 8, operation: "DEL" }), {
      kind: "echo",
    });
    assert.deepEqual(decide(record("REMOVE", undefined, item(5)), put), { kind: "echo" });
    // A tombstone expiring (DynamoDB Local reports TTL removals under an unknown event name).
    assert.deepEqual(decide(record("UNKNOWN_TO_SDK_VERSION", undefined, item(7, null, "DEL")), put), {
      kind: "echo",
    });
  });

  it("leaves the bucket alone when only another attribute changed", () => {
    const old = item(7);
    assert.deepEqual(decide(record("MODIFY", { ...old, note: { S: "x" } }, old), put), { kind: "unchanged" });
  });

  it("ignores what it cannot apply", () => {
    assert.equal(decide(record("MODIFY", item(7, null), item(7)), put).kind, "ignore");
    assert.equal(decide(record("REMOVE"), put).kind, "ignore");
  });
});

describe("checkpoint progress", () => {
  it("never passes a revision still in flight", () => {
    const progress = createProgress(10);
    for (const r of [11, 14, 15, 20]) progress.begin(r);
    progress.finish(14);
    progress.finish(20);
    assert.equal(progress.mark, 10);
    progress.finish(11);
    assert.equal(progress.mark, 14);
    progress.finish(15);
    assert.equal(progress.mark, 20);
    assert.equal(progress.inflight, 0);
    assert.equal(progress.received, 20);
  });
});
