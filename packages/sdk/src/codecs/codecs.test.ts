import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CodecError } from "../errors/index.ts";
import { jsonCodec, protobufCodec, rawCodec, stringCodec } from "./index.ts";
import { GreetingSchema } from "./testdata/greeting_pb.ts";

describe("codecs", () => {
  it("JSON round-trips values and decodes an empty payload as undefined", () => {
    const codec = jsonCodec<{ a: number[] }>();
    assert.deepEqual(codec.decode(codec.encode({ a: [1, 2] })), { a: [1, 2] });
    assert.equal(codec.decode(new Uint8Array()), undefined);
    assert.equal(codec.contentType, "application/json");
  });

  it("JSON failures are CodecErrors naming the problem", () => {
    const codec = jsonCodec();
    assert.throws(
      () => codec.encode(undefined),
      (e: unknown) => e instanceof CodecError && /not JSON/.test(e.message),
    );
    assert.throws(() => codec.encode({ n: 1n }), CodecError);
    assert.throws(() => codec.decode(new Uint8Array([0xff])), CodecError);
    assert.throws(
      () => codec.decode(new TextEncoder().encode("{")),
      (e: unknown) => e instanceof CodecError && e.code === "ERR_CODEC",
    );
  });

  it("raw and string codecs pass bytes and text through", () => {
    const bytes = new Uint8Array([0, 1, 255]);
    assert.equal(rawCodec().decode(rawCodec().encode(bytes)), bytes);
    assert.equal(stringCodec().decode(stringCodec().encode("héllo")), "héllo");
  });

  it("protobuf round-trips generated types from a message or its init shape", () => {
    const codec = protobufCodec(GreetingSchema);
    const fromInit = codec.decode(codec.encode({ name: "ada", count: 3, tags: ["x"] }));
    assert.equal(fromInit.name, "ada");
    assert.equal(fromInit.count, 3);
    assert.deepEqual(fromInit.tags, ["x"]);
    const message = create(GreetingSchema, { name: "bob" });
    assert.equal(codec.decode(codec.encode(message)).name, "bob");
    assert.equal(codec.contentType, "application/protobuf; proto=junction.test.v1.Greeting");
  });

  it("protobuf failures are CodecErrors", () => {
    const codec = protobufCodec(GreetingSchema);
    // Field 1 declared as a string (wire type 2) with a length running past the end of the buffer.
    assert.throws(() => codec.decode(new Uint8Array([0x0a, 0x10, 0x61])), CodecError);
    assert.throws(() => codec.encode({ count: "many" } as never), CodecError);
  });
});
