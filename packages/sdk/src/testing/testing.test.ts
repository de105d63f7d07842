import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { commandFromMessage } from "../commands/handler.ts";
import { connect, type JunctionClient } from "../connect/client.ts";
import { command, event } from "../envelopes/index.ts";
import { Headers } from "../identity/index.ts";
import { CaptureTimeoutError, captureMessages, derivedMessage, rootMessage } from "./index.ts";

describe("testing: fixtures (no server)", () => {
  it("a root fixture is its own correlation, a derived one keeps it and names its cause", () => {
    const place = rootMessage(command("shop", "order", "place", { orderId: "o-1" }), { id: "cmd-1" });
    assert.deepEqual(place.identity, { id: "cmd-1", correlationId: "cmd-1" });
    assert.equal(place.subject, "shop.commands.order.place");
    assert.equal(place.kind, "command");
    assert.equal(place.headers[Headers.MsgId], "cmd-1");
    assert.equal(place.headers[Headers.Kind], "command");
    assert.equal(place.headers[Headers.CausationId], undefined);
    const placed = derivedMessage(place, event("shop", "order", "placed", { orderId: "o-1" }));
    assert.equal(placed.identity.correlationId, "cmd-1");
    assert.equal(placed.identity.causationId, "cmd-1");
    assert.notEqual(placed.identity.id, "cmd-1");
    assert.equal(placed.headers[Headers.CausationId], "cmd-1");
    // The SDK's own view of it, as handlers get it.
    assert.deepEqual(placed.received.decode(), { orderId: "o-1" });
    assert.deepEqual(placed.received.identity, placed.identity);
    assert.equal(placed.msg.subject, "shop.events.order.placed");
    assert.deepEqual(commandFromMessage(place.received).identity, place.identity);
  });
});

describe("testing: message capture", { timeout: 30_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  before(async () => {
    nats = await startTestNats({ jetstream: false });
    client = await connect({ servers: nats.url, name: "capture-test" });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("resolves with exactly N matching messages in arrival order; others are ignored", async () => {
    const capture = await captureMessages<{ n: number }>(client, "cap.{kind}.*", {
      count: 3,
      filter: (m) => m.decode().n % 2 === 0,
    });
    for (let n = 0; n < 8; n++) client.publish(`cap.x.${n}`, { n });
    const got = await capture.wait();
    assert.deepEqual(
      got.map((m) => m.decode().n),
      [0, 2, 4],
    );
    assert.equal(capture.messages.length, 3, "stops at count");
  });

  it("rejects after the timeout naming how many came, and which", async () => {
    const capture = await captureMessages(client, "late.>", { count: 3, timeoutMs: 300 });
    client.publish("late.one", 1);
    const started = Date.now();
    await assert.rejects(capture.wait(), (err: unknown) => {
      assert.ok(err instanceof CaptureTimeoutError);
      assert.equal(err.code, "ERR_CAPTURE_TIMEOUT");
      assert.equal(err.message, 'expected 3 message(s) on "late.>" within 300 ms, got 1: late.one');
      assert.equal(err.received.length, 1);
      assert.equal(err.expected, 3);
      return true;
    });
    assert.ok(Date.now() - started < 1000);
    const none = await captureMessages(client, "nothing.here", { count: 1, timeoutMs: 100 });
    await assert.rejects(none.wait(), /within 100 ms, got 0$/);
    await assert.rejects(captureMessages(client, "x", { count: 0 }), /count/);
  });
});
