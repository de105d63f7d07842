import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { connect, type JunctionClient } from "../connect/client.ts";
import { type MessageIdentity, newIdentity } from "../identity/index.ts";
import { captureMessages } from "../testing/index.ts";
import { type CausationNode, causationTree } from "./causation.ts";
import { ReplayOfHeader } from "./deliver.ts";
import { readStream } from "./read.ts";
import { createReplay } from "./replay.ts";
import type { StoredMessage } from "./stored.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (m: StoredMessage) => JSON.parse(new TextDecoder().decode(m.data));
const shape = (nodes: readonly CausationNode[]): unknown =>
  nodes.map((n) =>
    n.children.length === 0 ? n.message.identity.id : { [n.message.identity.id]: shape(n.children) },
  );

describe("replay: by correlation, position and time range", { timeout: 60_000 }, () => {
  let nats: TestNats;
  let client: JunctionClient;
  const publish = (subject: string, identity: MessageIdentity, data: unknown = { id: identity.id }) =>
    client.jetstream().publish(subject, data, { identity, kind: "event" });
  const root = (id: string) => newIdentity(undefined, id);
  const child = (id: string, parent: MessageIdentity) => newIdentity(parent, id);

  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "replay-test" });
    await client.jetstream().ensureStream({ name: "FLOWS", subjects: ["flows.>"] });
    await client.jetstream().ensureStream({ name: "REPLAYED", subjects: ["replayed.>"] });
    await client.jetstream().ensureStream({ name: "RANGE", subjects: ["range.>"] });
    // Three flows interleaved; in flow F a child (C) is stored before its parent (B).
    const A = root("F-A");
    const X = root("X-root");
    const Y = root("Y-root");
    const B = child("F-B", A);
    const D = child("F-D", A);
    await publish("flows.cmd.place", A);
    await publish("flows.cmd.place", X);
    await publish("flows.evt.c", child("F-C", B));
    await publish("flows.evt.placed", Y);
    await publish("flows.evt.b", B);
    await publish("flows.evt.d", D);
    await publish("flows.evt.x1", child("X-1", X));
    await publish("flows.evt.e", child("F-E", D));
    await publish("flows.evt.y1", child("Y-1", Y));
    await publish("flows.evt.f", child("F-F", B));
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("returns the messages of exactly one flow, in causal order, with its causation tree", async () => {
    const replay = createReplay({ stream: "FLOWS" }, { client });
    const seen: StoredMessage[] = [];
    const result = await replay.byCorrelation("F-A", (m) => {
      seen.push(m);
    });
    assert.deepEqual(
      seen.map((m) => m.identity.id),
      ["F-A", "F-B", "F-C", "F-D", "F-E", "F-F"],
      "parents before children (C was stored before B), siblings in stream order",
    );
    assert.ok(seen.every((m) => m.identity.correlationId === "F-A"));
    assert.deepEqual(
      seen.map((m) => text(m).id),
      ["F-A", "F-B", "F-C", "F-D", "F-E", "F-F"],
      "payloads fetched",
    );
    assert.equal(result.delivered, 6);
    assert.equal(result.scanned, 10);
    assert.equal(result.truncated, false);
    const flow = await replay.flow("F-A");
    assert.deepEqual(shape(flow.roots), [{ "F-A": [{ "F-B": ["F-C", "F-F"] }, { "F-D": ["F-E"] }] }]);
    assert.equal((await replay.flow("Y-root")).messages.length, 2);
    assert.equal((await replay.flow("nobody")).messages.length, 0);
  });

  it("bounds the scan: maxMessages cuts it and says so", async () => {
    const flow = await createReplay({ stream: "FLOWS" }, { client }).flow("F-A", { maxMessages: 4 });
    assert.equal(flow.truncated, true);
    assert.equal(flow.scanned, 4);
    assert.deepEqual(
      flow.messages.map((m) => m.identity.id),
      ["F-A", "F-C"],
      "C's parent is past the limit: an orphan",
    );
    assert.equal(flow.roots.find((r) => r.message.identity.id === "F-C")?.orphan, true);
  });

  it("republishes a flow as derived copies (fresh ids, causation = original) or verbatim (same ids)", async () => {
    const replay = createReplay({ stream: "FLOWS" }, { client });
    const copies = await captureMessages(client, "replayed.derived.>", { count: 2, timeoutMs: 3000 });
    await replay.byCorrelation("Y-root", { subject: (m) => `replayed.derived.${m.subject}` });
    const got = await copies.wait();
    assert.deepEqual(
      got.map((m) => m.subject),
      ["replayed.derived.flows.evt.placed", "replayed.derived.flows.evt.y1"],
    );
    assert.deepEqual(
      got.map((m) => m.identity.causationId),
      ["Y-root", "Y-1"],
    );
    assert.ok(got.every((m) => m.identity.correlationId === "Y-root" && !m.identity.id.startsWith("Y-")));
    assert.match(got[0]?.header(ReplayOfHeader) ?? "", /^FLOWS:\d+$/);
    assert.equal(got[0]?.kind, "event");

    const verbatim = await captureMessages(client, "replayed.verbatim.>", { count: 2, timeoutMs: 3000 });
    await replay.byCorrelation("Y-root", {
      subject: (m) => `replayed.verbatim.${m.subject}`,
      mode: "verbatim",
    });
    const same = await verbatim.wait();
    assert.deepEqual(
      same.map((m) => [m.identity.id, m.identity.causationId]),
      [
        ["Y-root", undefined],
        ["Y-1", "Y-root"],
      ],
    );
    assert.equal(same[0]?.header(ReplayOfHeader), undefined);
    // Verbatim again into the same stream: the duplicate window drops the copies (why derived is the default).
    const before = (await (await client.jetstream().manager()).streams.info("REPLAYED")).state.messages;
    await replay.byCorrelation("Y-root", {
      subject: (m) => `replayed.verbatim.${m.subject}`,
      mode: "verbatim",
    });
    assert.equal(
      (await (await client.jetstream().manager()).streams.info("REPLAYED")).state.messages,
      before,
    );
  });

  it("replays from a stream position, in stream order", async () => {
    const seen: number[] = [];
    const result = await createReplay({ stream: "FLOWS" }, { client }).fromSequence(
      5,
      (m) => {
        seen.push(m.seq);
      },
      { endSeq: 8 },
    );
    assert.deepEqual(seen, [5, 6, 7, 8]);
    assert.equal(result.delivered, 4);
    const tail: string[] = [];
    await createReplay({ stream: "FLOWS" }, { client }).fromSequence(9, (m) => {
      tail.push(m.identity.id);
    });
    assert.deepEqual(tail, ["Y-1", "F-F"]);
  });

  it("replays a time range: only what the stream stored between start and end", async () => {
    const batch = async (name: string) => {
      for (let i = 0; i < 3; i++) await publish(`range.${name}`, root(`${name}-${i}`));
    };
    await batch("early");
    await sleep(150);
    const start = new Date();
    await batch("middle");
    const end = new Date();
    await sleep(150);
    await batch("late");
    const seen: string[] = [];
    await createReplay({ stream: ["RANGE", "FLOWS"] }, { client }).timeRange(
      start,
      end,
      (m) => {
        seen.push(m.identity.id);
      },
      { stream: "RANGE" },
    );
    assert.deepEqual(seen, ["middle-0", "middle-1", "middle-2"]);
    await assert.rejects(
      createReplay({ stream: ["RANGE", "FLOWS"] }, { client }).timeRange(start, end, () => {}),
      /say which stream/,
    );
  });

  it("reads headers only when asked, and reports a missing stream as a typed error", async () => {
    const read = readStream(client, { stream: "FLOWS", headersOnly: true, maxMessages: 2 });
    const got: StoredMessage[] = [];
    for await (const m of read) got.push(m);
    assert.equal(got.length, 2);
    assert.ok(got.every((m) => m.data.length === 0 && !("Nats-Msg-Size" in m.headers)));
    assert.equal(got[0]?.identity.id, "F-A");
    await assert.rejects(
      (async () => {
        for await (const _ of readStream(client, { stream: "NOPE" })) break;
      })(),
      (err: unknown) => (err as { code?: string }).code === "ERR_JETSTREAM_NO_STREAM",
    );
  });
});

describe("replay: causation tree (no server)", () => {
  const at = (seq: number, id: string, causationId?: string, stream = "S"): StoredMessage => ({
    stream,
    seq,
    subject: `s.${id}`,
    time: new Date(1_700_000_000_000 + seq),
    headers: {},
    data: new Uint8Array(),
    identity:
      causationId === undefined ? { id, correlationId: "c" } : { id, correlationId: "c", causationId },
    kind: undefined,
  });

  it("orders parents first, due messages by stream order; keeps the first of a repeated id; marks orphans", () => {
    const tree = causationTree([
      at(4, "d", "b"),
      at(1, "a"),
      at(2, "c", "missing"),
      at(3, "b", "a"),
      at(5, "b", "a"), // stored twice
      at(6, "e", "a"),
    ]);
    assert.deepEqual(
      tree.ordered.map((m) => m.identity.id),
      ["a", "c", "b", "d", "e"],
      "c is an orphan (its cause was not read): due from the start, after a in stream order",
    );
    assert.deepEqual(
      tree.duplicates.map((m) => m.seq),
      [5],
    );
    assert.deepEqual(
      tree.roots.map((r) => [r.message.identity.id, r.orphan]),
      [
        ["a", false],
        ["c", true],
      ],
    );
  });

  it("orders messages of several streams by time", () => {
    const tree = causationTree([
      at(9, "late", "root", "A"),
      at(1, "root", undefined, "B"),
      at(2, "early", "root", "A"),
    ]);
    assert.deepEqual(
      tree.ordered.map((m) => m.identity.id),
      ["root", "early", "late"],
    );
  });
});
