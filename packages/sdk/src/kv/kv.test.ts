import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats } from "@junction/testkit";
import { stringCodec } from "../codecs/index.ts";
import { connect, type JunctionClient } from "../connect/client.ts";
import { KvArgumentError, KvConflictError } from "./errors.ts";
import type { KvBucket, KvEntry } from "./kv.ts";

interface Agent {
  readonly status: string;
  readonly n: number;
}

describe("kv: typed buckets", () => {
  let nats: TestNats;
  let client: JunctionClient;
  let agents: KvBucket<Agent>;
  before(async () => {
    nats = await startTestNats();
    client = await connect({ servers: nats.url, name: "kv-test" });
    agents = await client.kv<Agent>("AGENTS", { history: 5 });
  });
  after(async () => {
    await client?.drain();
    await nats?.dispose();
  });

  it("puts and gets typed values with their revision; a missing key is undefined", async () => {
    const rev = await agents.put("a1", { status: "idle", n: 1 });
    assert.deepEqual(await agents.get("a1"), { value: { status: "idle", n: 1 }, revision: rev });
    assert.equal(await agents.get("nobody"), undefined);
  });

  it("create fails with KvConflictError when the key exists, and works again after a delete", async () => {
    const rev = await agents.create("c1", { status: "new", n: 0 });
    await assert.rejects(agents.create("c1", { status: "again", n: 1 }), (e: unknown) => {
      assert.ok(e instanceof KvConflictError);
      assert.equal(e.code, "ERR_KV_CONFLICT");
      assert.equal(e.key, "c1");
      assert.equal(e.expectedRevision, 0);
      return true;
    });
    await agents.delete("c1");
    assert.equal(await agents.get("c1"), undefined);
    assert.ok((await agents.create("c1", { status: "reborn", n: 2 })) > rev);
  });

  it("get and create take the client's own inbox, not nats.js's request, and agree with it", async () => {
    const calls: string[] = [];
    const raw = agents.raw as unknown as Record<"get" | "create", (...a: unknown[]) => unknown>;
    const original = { get: raw.get, create: raw.create };
    for (const name of ["get", "create"] as const) {
      raw[name] = (...a: unknown[]) => {
        calls.push(name);
        return original[name].apply(agents.raw, a);
      };
    }
    try {
      const rev = await agents.create("fast", { status: "new", n: 1 });
      assert.deepEqual(await agents.get("fast"), { value: { status: "new", n: 1 }, revision: rev });
      assert.equal(await agents.get("fast-missing"), undefined);
      assert.deepEqual(calls, [], "the common cases never reach nats.js");
      // A conflict and a tombstone are nats.js's to decide: the answers stay the same.
      await assert.rejects(agents.create("fast", { status: "again", n: 2 }), KvConflictError);
      assert.equal(calls[0], "create", "nats.js decided the conflict");
      await agents.raw.purge("fast");
      assert.equal(await agents.get("fast"), undefined);
      assert.ok((await agents.create("fast", { status: "reborn", n: 3 })) > rev);
      assert.deepEqual((await agents.get("fast"))?.value, { status: "reborn", n: 3 });
    } finally {
      Object.assign(raw, original);
    }
  });

  it("update is a compare-and-set: a stale revision is a KvConflictError with key and revision", async () => {
    const r1 = await agents.put("cas", { status: "a", n: 1 });
    const r2 = await agents.update("cas", { status: "b", n: 2 }, r1);
    await assert.rejects(agents.update("cas", { status: "c", n: 3 }, r1), (e: unknown) => {
      assert.ok(e instanceof KvConflictError);
      assert.equal(e.key, "cas");
      assert.equal(e.expectedRevision, r1);
      return true;
    });
    assert.deepEqual(await agents.get("cas"), { value: { status: "b", n: 2 }, revision: r2 });
    await assert.rejects(agents.delete("cas", { expectedRevision: r1 }), KvConflictError);
  });

  it("rejects invalid keys and revisions with a typed error before sending", async () => {
    await assert.rejects(agents.put("bad key", { status: "x", n: 0 }), KvArgumentError);
    await assert.rejects(agents.get(".dot"), (e: unknown) => e instanceof KvArgumentError);
    await assert.rejects(agents.update("k", { status: "x", n: 0 }, 0), KvArgumentError);
  });

  it("watches a key from a revision: every later change, typed, including deletes", async () => {
    const from = await agents.put("w.1", { status: "one", n: 1 });
    await agents.put("w.1", { status: "two", n: 2 });
    await agents.put("other", { status: "noise", n: 0 });
    const watcher = await agents.watch({ key: "w.1", fromRevision: from });
    const seen: KvEntry<Agent>[] = [];
    const done = (async () => {
      for await (const e of watcher) {
        seen.push(e);
        if (seen.length === 4) break;
      }
    })();
    await agents.put("w.1", { status: "three", n: 3 });
    await agents.delete("w.1");
    await done;
    assert.deepEqual(
      seen.map((e) => [e.operation, e.value?.status]),
      [
        ["PUT", "one"],
        ["PUT", "two"],
        ["PUT", "three"],
        ["DEL", undefined],
      ],
    );
    assert.equal(seen[0]?.revision, from);
    assert.ok(seen.every((e) => e.key === "w.1"));
  });

  it("lists a key's history oldest first, and keys by filter", async () => {
    await agents.put("h", { status: "v1", n: 1 });
    await agents.put("h", { status: "v2", n: 2 });
    const history = await agents.history("h");
    assert.deepEqual(
      history.map((e) => e.value?.status),
      ["v1", "v2"],
    );
    assert.ok((await agents.keys("w.>")).length === 0); // w.1 was deleted
    assert.ok((await agents.keys()).includes("h"));
  });

  it("takes a codec per bucket", async () => {
    const notes = await client.kv("NOTES", { codec: stringCodec() });
    await notes.put("n1", "plain text");
    assert.equal((await notes.get("n1"))?.value, "plain text");
    assert.equal(new TextDecoder().decode((await notes.raw.get("n1"))?.value), "plain text");
  });
});
