import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { connect, type JunctionClient } from "../connect/client.ts";
import { CodecError, JetStreamError, NoStreamError, RequestTimeoutError } from "../errors/index.ts";
import { Headers } from "../identity/index.ts";
import type { JunctionJetStream } from "./jetstream.ts";

describe("jetstream: publish with dedup, streams", () => {
  let nats: TestNats;
  let client: JunctionClient;
  let js: JunctionJetStream;
  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "js-publish-test" });
    js = client.jetstream();
    await js.ensureStream({ name: "ORDERS", subjects: ["orders.>"] });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("deduplicates by message id: the same id twice stores one message", async () => {
    const first = await js.publish("orders.created", { order: 1 }, { id: "order-1", kind: "event" });
    const again = await js.publish("orders.created", { order: 1 }, { id: "order-1", kind: "event" });
    assert.equal(first.stream, "ORDERS");
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
    assert.equal(first.identity.id, "order-1");
    const jsm = await js.manager();
    const info = await jsm.streams.info("ORDERS");
    assert.equal(info.state.messages, 1);
    const stored = await jsm.streams.getMessage("ORDERS", { seq: first.seq });
    assert.equal(stored?.header.get(Headers.MsgId), "order-1");
    assert.equal(stored?.header.get(Headers.CorrelationId), "order-1");
    assert.equal(stored?.header.get(Headers.Kind), "event");
    assert.deepEqual(stored?.json(), { order: 1 });
  });

  it("gives each message a fresh id by default and derives identity from a parent", async () => {
    const a = await js.publish("orders.a", 1);
    const b = await js.publish("orders.b", 2, { causedBy: a.identity });
    assert.notEqual(a.identity.id, b.identity.id);
    assert.equal(b.identity.correlationId, a.identity.id);
    assert.equal(b.identity.causationId, a.identity.id);
    assert.equal(b.seq, a.seq + 1);
  });

  it("fails with NoStreamError when no stream takes the subject", async () => {
    await assert.rejects(js.publish("nowhere.x", 1), (e: unknown) => {
      assert.ok(e instanceof NoStreamError);
      assert.equal(e.code, "ERR_JETSTREAM_NO_STREAM");
      assert.equal(e.target, "nowhere.x");
      return true;
    });
  });

  it("turns a failed expectation into a JetStreamError with the server's API code", async () => {
    const last = await js.publish("orders.seq", "x");
    await assert.rejects(
      js.publish("orders.seq", "y", { expect: { lastSequence: last.seq - 1 } }),
      (e: unknown) => {
        assert.ok(e instanceof JetStreamError);
        assert.equal(e.code, "ERR_JETSTREAM");
        assert.equal(e.apiCode, 10071);
        return true;
      },
    );
    const ok = await js.publish("orders.seq", "z", { expect: { lastSequence: last.seq, stream: "ORDERS" } });
    assert.equal(ok.seq, last.seq + 1);
  });

  it("times out with RequestTimeoutError when nothing acks (retry with the same id)", async () => {
    const silent = client.nc.subscribe("silent.x"); // takes the message, never answers
    await assert.rejects(js.publish("silent.x", 1, { timeoutMs: 150 }), (e: unknown) => {
      assert.ok(e instanceof RequestTimeoutError);
      assert.equal(e.code, "ERR_TIMEOUT");
      return true;
    });
    silent.unsubscribe();
  });

  it("rejects (never throws) a payload the codec cannot encode", async () => {
    const p = js.publish("orders.bad", () => 1);
    await assert.rejects(p, CodecError);
  });

  it("keeps at most `window` acks outstanding and still acks every message", async () => {
    const small = client.jetstream({ window: 4 });
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => small.publish("orders.bulk", i)));
    const seqs = acks.map((a) => a.seq);
    assert.equal(new Set(seqs).size, 200);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );
  });

  it("ensureStream is idempotent and applies changed settings", async () => {
    const spec = { name: "EVT", subjects: ["evt.>"], max_msgs: 100 };
    const a = await js.ensureStream(spec);
    const b = await js.ensureStream(spec);
    assert.equal(b.created, a.created);
    assert.deepEqual(b.config, a.config);
    const c = await js.ensureStream({ ...spec, max_msgs: 50 });
    assert.equal(c.config.max_msgs, 50);
    await Promise.all([
      js.ensureStream({ name: "RACE", subjects: ["race.>"] }),
      js.ensureStream({ name: "RACE", subjects: ["race.>"] }),
    ]);
  });
});
