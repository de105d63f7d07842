import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { receivedMessage } from "../client/message.ts";
import { jsonCodec, rawCodec } from "../codecs/index.ts";
import { CodecError } from "../errors/index.ts";
import { Headers, identityOf } from "../identity/index.ts";
import { connect, type JunctionClient } from "./client.ts";

describe("client: connect and publish with identity", () => {
  let nats: TestNats;
  let client: JunctionClient;
  before(async () => {
    nats = await startTestNats({ jetstream: false });
    client = await connect({ servers: nats.url, name: "client-test" });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("publishes a root message: id in Nats-Msg-Id, correlation id = id, no causation", async () => {
    const sub = client.nc.subscribe("id.root", { max: 1 });
    const sent = client.publish("id.root", { hello: "world" }, { kind: "event" });
    for await (const msg of sub) {
      assert.equal(msg.headers?.get(Headers.MsgId), sent.id);
      assert.equal(msg.headers?.get(Headers.CorrelationId), sent.id);
      assert.equal(msg.headers?.has(Headers.CausationId), false);
      assert.equal(msg.headers?.get(Headers.Kind), "event");
      assert.equal(msg.headers?.get("Content-Type"), "application/json");
      assert.deepEqual(msg.json(), { hello: "world" });
    }
  });

  it("publishes a derived message: same correlation id, causation id = parent's id, fresh id", async () => {
    const sub = client.nc.subscribe("id.derived", { max: 1 });
    const parent = client.publish("id.parent", 1);
    const child = client.publish("id.derived", 2, { causedBy: parent });
    for await (const msg of sub) {
      const identity = identityOf(msg);
      assert.deepEqual(identity, { id: child.id, correlationId: parent.id, causationId: parent.id });
      assert.notEqual(child.id, parent.id);
    }
  });

  it("reads identity headers case-insensitively, as peers in other languages write them", async () => {
    const sub = client.nc.subscribe("id.peer", { max: 1 });
    const { headers } = await import("@nats-io/nats-core");
    const h = headers();
    h.set("nats-msg-id", "m-1");
    h.set("JUNCTION-CORRELATION-ID", "c-1");
    h.set("junction-causation-id", "p-1");
    client.nc.publish("id.peer", "x", { headers: h });
    for await (const msg of sub) {
      const received = receivedMessage(msg, rawCodec());
      assert.deepEqual(received.identity, { id: "m-1", correlationId: "c-1", causationId: "p-1" });
      assert.equal(received.header("Nats-Msg-Id"), "m-1");
    }
  });

  it("refuses a payload the codec cannot encode with a CodecError, before sending", () => {
    assert.throws(() => client.publish("id.bad", () => 1), CodecError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(
      () => client.publish("id.bad", cyclic),
      (e: unknown) => e instanceof CodecError && e.code === "ERR_CODEC",
    );
    assert.throws(() => jsonCodec().decode(new TextEncoder().encode("{nope")), CodecError);
  });
});
