// The KV → DynamoDB mirror against a real nats-server and the local edge endpoint (dynalite).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { connect, type JunctionClient, rawCodec } from "@junction/sdk";
import type { KvBucket } from "@junction/sdk/kv";
import { startTcpProxy, startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import { loadConfig } from "../config/load.ts";
import { ConfigError } from "../errors.ts";
import { applyProvision } from "../provision/apply.ts";
import { planProvision } from "../provision/plan.ts";
import { type LocalTargets, startLocalTargets } from "../targets/testdata/local.ts";
import { openCheckpoints } from "./checkpoint.ts";
import { KvMirrorError, KvMirrorErrorCode } from "./errors.ts";
import type { KvMirrorConfig } from "./layout.ts";
import { createKvMirror, type KvMirror, type KvMirrorTiming } from "./mirror.ts";

const timing: Partial<KvMirrorTiming> = {
  checkpointMs: 50,
  lagSampleMs: 100,
  retryBaseMs: 20,
  retryMaxMs: 200,
};
const text = new TextEncoder();

describe("KV → DynamoDB mirror (nats-server, dynalite)", () => {
  let nats: TestNats;
  let local: LocalTargets;
  let client: JunctionClient;
  const mirrors: KvMirror[] = [];

  before(async () => {
    [nats, local] = await Promise.all([startTestNats(), startLocalTargets()]);
    client = await connect(nats.url);
  });
  after(async () => {
    await Promise.all(mirrors.map((m) => m.stop()));
    await client?.drain();
    await Promise.all([nats?.dispose(), local?.close()]);
  });

  /** Provisions the entry's bucket and table as `junction provision` would, then starts a mirror. */
  const setUp = async (yaml: string, registry = new Registry()) => {
    const { config } = loadConfig(`kv:\n  - ${yaml}\n`, { env: {} });
    const actions = await applyProvision(planProvision(config), { nats: client, aws: local.clients });
    const entry = config.kv[0] as KvMirrorConfig;
    const mirror = start(entry, registry);
    await mirror.start();
    const kv = await client.kv<unknown>(entry.bucket);
    return { entry, mirror, kv, registry, actions };
  };
  const start = (entry: KvMirrorConfig, registry = new Registry()) => {
    const mirror = createKvMirror(entry, { client, dynamodb: local.clients.dynamodb, registry, timing });
    mirrors.push(mirror);
    return mirror;
  };
  const item = async (table: string, key: Record<string, string>) => {
    const Key = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
    const { Item } = await local.clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : unmarshall(Item);
  };
  const createTable = (name: string, hashKey: string) =>
    local.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
      }),
    );
  const scan = async (table: string) =>
    ((await local.clients.dynamodb.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) =>
      unmarshall(i),
    );
  const caughtUp = (mirror: KvMirror, kv: KvBucket<unknown>) =>
    waitFor(
      `${mirror.bucket} mirrored`,
      async () => {
        const info = await (await client.jetstream().manager()).streams.info(`KV_${kv.name}`);
        const { checkpoint } = mirror.stats();
        return checkpoint === info.state.last_seq || `checkpoint ${checkpoint} of ${info.state.last_seq}`;
      },
      { timeoutMs: 20_000 },
    );
  const metric = async (registry: Registry, name: string) =>
    ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

  it("1,000 concurrent updates over 5 keys end with the latest revision and value of every key", async () => {
    // The bucket keeps 64 revisions per key, so the mirror sees many revisions of each key at once.
    await client.kv("HOT", { history: 64 });
    const { mirror, kv, registry, actions } = await setUp("{ bucket: HOT, table: hot-state }");
    assert.ok(actions.some((a) => a.kind === "table" && a.name === "hot-state" && a.outcome === "created"));
    const started = performance.now();
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          const i = wave * 100 + j;
          return kv.put(`agent-${i % 5}`, { n: i, agent: `a${i % 5}`, ok: true });
        }),
      );
    }
    await caughtUp(mirror, kv);
    const ms = performance.now() - started;
    const items = await scan("hot-state");
    assert.equal(items.length, 5);
    for (let k = 0; k < 5; k++) {
      const latest = await kv.get(`agent-${k}`);
      const stored = items.find((i) => i.key === `agent-${k}`);
      assert.equal(stored?.revision, latest?.revision, `agent-${k} revision`);
      assert.deepEqual(stored?.value, latest?.value, `agent-${k} value`);
      assert.equal(stored?.operation, "PUT");
      assert.match(String(stored?.time), /^\d{4}-\d\d-\d\dT/);
    }
    // The mirror reads at most 1,000 revisions (older ones may be gone from the bucket by then): each
    // is written, found stale, or skipped for a newer one of its key.
    const writes = await metric(registry, "junction_kv_mirror_writes_total");
    const stale = await metric(registry, "junction_kv_mirror_stale_writes_total");
    const superseded = await metric(registry, "junction_kv_mirror_superseded_total");
    assert.ok(writes >= 5 && writes + stale + superseded <= 1000, `${writes} ${stale} ${superseded}`);
    await waitFor(
      "lag 0",
      async () => (await metric(registry, "junction_kv_mirror_lag_revisions")) === 0 || "lag > 0",
    );
    process.stdout.write(
      `# 1,000 updates mirrored in ${Math.round(ms)} ms: ${writes} writes, ${stale} stale, ${superseded} superseded\n`,
    );
  });

  it("a restart resumes from the checkpoint: only what changed since is written", async () => {
    const { entry, mirror, kv } = await setUp("{ bucket: RESUME, table: resume-state }");
    await Promise.all(Array.from({ length: 200 }, (_, i) => kv.put(`k${i}`, { i })));
    await caughtUp(mirror, kv);
    await mirror.stop();
    const checkpoint = await (await openCheckpoints(client, "RESUME", "resume-state")).load();
    assert.equal(checkpoint, mirror.stats().checkpoint);

    for (let i = 0; i < 5; i++) await kv.put(`k${i}`, { i, again: true }); // updates
    for (let i = 200; i < 205; i++) await kv.put(`k${i}`, { i }); // new keys
    const before = local.count("PutItemCommand");
    const again = start(entry);
    await again.start();
    await caughtUp(again, kv);
    assert.equal(local.count("PutItemCommand") - before, 10, "only the 10 changes since the checkpoint");
    assert.deepEqual((await item("resume-state", { key: "k3" }))?.value, { i: 3, again: true });
    assert.equal((await scan("resume-state")).length, 205);
    await again.stop();

    // Without its checkpoint a mirror reads the whole bucket again: every write is found stale.
    await (await client.kv("JUNCTION_KV_MIRROR")).delete("RESUME.resume-state.revision");
    const registry = new Registry();
    const fresh = start(entry, registry);
    const calls = local.count("PutItemCommand");
    await fresh.start();
    await caughtUp(fresh, kv);
    assert.equal(local.count("PutItemCommand") - calls, 205);
    assert.equal(await metric(registry, "junction_kv_mirror_stale_writes_total"), 205);
    assert.equal(await metric(registry, "junction_kv_mirror_writes_total"), 0);
  });

  it("a DynamoDB outage costs time, not data: writes are retried until it answers", async () => {
    const { config } = loadConfig("kv:\n  - { bucket: OUTAGE, table: outage-state }\n", { env: {} });
    await applyProvision(planProvision(config), { nats: client, aws: local.clients });
    const proxy = await startTcpProxy(local.aws.port);
    const dynamodb = new DynamoDBClient({
      endpoint: proxy.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    try {
      const registry = new Registry();
      const mirror = createKvMirror(config.kv[0] as KvMirrorConfig, { client, dynamodb, registry, timing });
      mirrors.push(mirror);
      await mirror.start();
      const kv = await client.kv<unknown>("OUTAGE");
      await proxy.down();
      for (let i = 0; i < 30; i++) await kv.put(`k${i}`, { i });
      await waitFor(
        "failed writes",
        async () => (await metric(registry, "junction_kv_mirror_failures_total")) >= 30 || "not yet",
      );
      assert.equal(mirror.stats().checkpoint, 0, "nothing confirmed while DynamoDB is down");
      assert.ok((await metric(registry, "junction_kv_mirror_lag_revisions")) > 0);
      await proxy.up();
      await caughtUp(mirror, kv);
      assert.equal((await scan("outage-state")).length, 30);
    } finally {
      dynamodb.destroy();
      await proxy.close();
    }
  });

  it("deletes and purges remove the item (deletes: delete)", async () => {
    const { mirror, kv } = await setUp("{ bucket: DELS, table: dels-state }");
    for (const k of ["a", "b", "c"]) await kv.put(k, { k });
    await kv.delete("a");
    await kv.raw.purge("b");
    await caughtUp(mirror, kv);
    assert.deepEqual(
      (await scan("dels-state")).map((i) => i.key),
      ["c"],
    );
    const revision = await kv.put("a", { back: true });
    await caughtUp(mirror, kv);
    assert.equal((await item("dels-state", { key: "a" }))?.revision, revision);
  });

  it("deletes leave a tombstone with a TTL (deletes: tombstone)", async () => {
    const { mirror, kv, actions } = await setUp(
      "{ bucket: TOMBS, table: tombs-state, deletes: tombstone, tombstoneTtl: 1h }",
    );
    // dynalite has no TTL: provisioning says so instead of failing.
    const table = actions.find((a) => a.kind === "table" && a.name === "tombs-state");
    assert.match(table?.detail ?? "", /no TTL/);
    await kv.put("gone", { v: 1 });
    await kv.delete("gone");
    await kv.put("kept", { v: 2 });
    await caughtUp(mirror, kv);
    const tomb = await item("tombs-state", { key: "gone" });
    assert.equal(tomb?.operation, "DEL");
    assert.equal(tomb?.value, undefined);
    const deleted = (await kv.history("gone")).at(-1);
    assert.equal(tomb?.revision, deleted?.revision);
    const expected = Math.floor(((deleted?.created.getTime() ?? 0) + 3_600_000) / 1000);
    assert.equal(tomb?.expiresAt, expected);
    assert.equal((await item("tombs-state", { key: "kept" }))?.operation, "PUT");
  });

  it("history: true keeps every revision (pk, sk = rev#<20 digits>) and a latest item per key", async () => {
    // The mirror records the revisions it reads: a bucket keeping only the last one per key may have
    // dropped an older one by then.
    await client.kv("HIST", { history: 10 });
    const { mirror, kv, actions } = await setUp("{ bucket: HIST, table: hist-state, history: true }");
    assert.match(actions.find((a) => a.name === "hist-state")?.detail ?? "", /key \(pk S, sk S\)/);
    const revisions = [];
    for (let v = 1; v <= 3; v++) revisions.push(await kv.put("agent", { v }));
    await kv.put("other", { v: 9 });
    await caughtUp(mirror, kv);
    const rows = async () =>
      (
        (
          await local.clients.dynamodb.send(
            new QueryCommand({
              TableName: "hist-state",
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": { S: "agent" } },
            }),
          )
        ).Items ?? []
      ).map((i) => unmarshall(i));
    let items = await rows();
    assert.deepEqual(
      items.map((i) => i.sk),
      ["latest", ...revisions.map((r) => `rev#${String(r).padStart(20, "0")}`)],
    );
    assert.deepEqual(
      items.map((i) => i.value),
      [{ v: 3 }, { v: 1 }, { v: 2 }, { v: 3 }],
    );
    assert.equal(items[0]?.revision, revisions.at(-1));

    await kv.delete("agent");
    await caughtUp(mirror, kv);
    items = await rows();
    assert.equal(items.length, 4, "three puts and the delete; the latest item is gone");
    assert.equal(items.at(-1)?.operation, "DEL");
    assert.equal(
      items.some((i) => i.sk === "latest"),
      false,
    );
  });

  it("stores JSON objects as maps, other text as strings, other bytes as binary", async () => {
    const { mirror } = await setUp("{ bucket: VALUES, table: values-state }");
    const kv = await client.kv<Uint8Array>("VALUES", { codec: rawCodec() });
    const values: Record<string, Uint8Array> = {
      object: text.encode('{"agent":"a1","load":0.5,"tags":["x"],"meta":{"n":null}}'),
      array: text.encode("[1,2,3]"),
      plain: text.encode("hello"),
      huge: text.encode('{"id":12345678901234567890}'),
      binary: new Uint8Array([0xff, 0x00, 0xfe]),
    };
    for (const [k, v] of Object.entries(values)) await kv.put(k, v);
    await caughtUp(mirror, kv as KvBucket<unknown>);
    const raw = async (key: string) =>
      (
        await local.clients.dynamodb.send(
          new GetItemCommand({ TableName: "values-state", Key: { key: { S: key } }, ConsistentRead: true }),
        )
      ).Item?.value;
    assert.deepEqual(unmarshall({ v: (await raw("object")) ?? { NULL: true } }).v, {
      agent: "a1",
      load: 0.5,
      tags: ["x"],
      meta: { n: null },
    });
    assert.deepEqual(await raw("array"), { S: "[1,2,3]" });
    assert.deepEqual(await raw("plain"), { S: "hello" });
    assert.deepEqual(await raw("huge"), { S: '{"id":12345678901234567890}' }, "kept exact, as text");
    assert.deepEqual((await raw("binary"))?.B, new Uint8Array([0xff, 0x00, 0xfe]));
  });

  it("a value DynamoDB refuses (over 400 KB) is written without its value and does not hold the mirror", async () => {
    const { mirror, kv, registry } = await setUp("{ bucket: BIG, table: big-state }");
    const big = { blob: "x".repeat(500_000) };
    const revision = await kv.put("big", big);
    await kv.put("small", { ok: 1 });
    await caughtUp(mirror, kv);
    const stored = await item("big-state", { key: "big" });
    assert.equal(stored?.revision, revision);
    assert.equal(stored?.value, undefined);
    assert.match(String(stored?.valueError), /ValidationException/);
    assert.equal(await metric(registry, "junction_kv_mirror_refused_values_total"), 1);
    assert.deepEqual((await item("big-state", { key: "small" }))?.value, { ok: 1 });
    // A later, acceptable revision of the key replaces the marker.
    const next = await kv.put("big", { blob: "fits" });
    await caughtUp(mirror, kv);
    const replaced = await item("big-state", { key: "big" });
    assert.equal(replaced?.revision, next);
    assert.deepEqual(replaced?.value, { blob: "fits" });
    assert.equal(replaced?.valueError, undefined);
  });

  it("a write refused for another reason than its value (table gone) holds the mirror until it passes", async () => {
    const { mirror, kv, registry } = await setUp("{ bucket: GONE, table: gone-state }");
    await kv.put("k1", { v: 1 });
    await caughtUp(mirror, kv);
    const confirmed = mirror.stats().checkpoint;
    await local.clients.dynamodb.send(new DeleteTableCommand({ TableName: "gone-state" }));
    await kv.put("k2", { v: 2 });
    await waitFor(
      "refused writes",
      async () => (await metric(registry, "junction_kv_mirror_failures_total")) >= 6 || "not yet",
    );
    assert.equal(mirror.stats().checkpoint, confirmed, "held, not skipped");
    await createTable("gone-state", "key");
    await caughtUp(mirror, kv);
    const stored = await item("gone-state", { key: "k2" });
    assert.deepEqual(stored?.value, { v: 2 }, "the value itself, not an item without it");
    assert.equal(stored?.valueError, undefined);
    assert.equal(await metric(registry, "junction_kv_mirror_refused_values_total"), 0);
  });

  it("refuses to start on a missing table or one with another key schema, saying which", async () => {
    const { config } = loadConfig("kv:\n  - { bucket: NOTABLE, table: no-such-table }\n", { env: {} });
    await applyProvision({ ...planProvision(config), tables: [] }, { nats: client });
    const entry = config.kv[0] as KvMirrorConfig;
    await assert.rejects(start(entry).start(), (err: unknown) => {
      assert.ok(err instanceof KvMirrorError, String(err));
      assert.equal(err.code, KvMirrorErrorCode.Table);
      assert.match(err.message, /"no-such-table" does not exist/);
      return true;
    });
    await createTable("wrong-keys", "id");
    await assert.rejects(
      start({ ...entry, table: "wrong-keys" }).start(),
      /has key \(id\).*needs key \(key\)/,
    );
    await assert.rejects(
      start({ ...entry, bucket: "NO_BUCKET", table: "hot-state" }).start(),
      (err: unknown) => {
        assert.ok(err instanceof KvMirrorError);
        assert.equal(err.code, KvMirrorErrorCode.Bucket);
        return true;
      },
    );
    const { Table } = await local.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: "wrong-keys" }),
    );
    assert.equal(Table?.ItemCount ?? 0, 0);
  });
});

describe("kv config checks", () => {
  const problems = (yaml: string) => {
    try {
      loadConfig(yaml, { env: {} });
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it("direction both is refused with history; it runs against the embedded endpoint (it has Streams)", () => {
    const found = problems(`aws: { endpoint: local }
kv:
  - { bucket: A, table: table-a, direction: both }
  - { bucket: B, table: table-b, direction: both, history: true }
  - { bucket: C, table: table-c, tombstoneTtl: 1d }
  - { bucket: D, table: table-a }
`);
    assert.equal(found.length, 3, found.join("\n"));
    assert.ok(!found.some((p) => p.startsWith("kv[0]")), found.join("\n"));
    assert.ok(
      found.some((p) => /^kv\[1\]\.history: direction both works with the default layout only/.test(p)),
    );
    assert.ok(
      found.some((p) => /^kv\[2\]\.tombstoneTtl: tombstoneTtl applies only with deletes: tombstone/.test(p)),
    );
    assert.ok(found.some((p) => /^kv\[3\]\.table: table "table-a" is already the mirror of kv\[0\]/.test(p)));
  });

  it("table names follow DynamoDB's rule", () => {
    assert.deepEqual(problems("kv:\n  - { bucket: A, table: x }\n"), [
      "kv[0].table: use 3-255 letters, digits, '_', '-' or '.' (DynamoDB's rule)",
    ]);
  });

  it("accepts both against another endpoint, and the defaults", () => {
    assert.deepEqual(
      problems(
        "aws: { endpoint: 'http://127.0.0.1:8000' }\nkv:\n  - { bucket: A, table: table-a, direction: both }\n",
      ),
      [],
    );
    const { config } = loadConfig("kv:\n  - { bucket: A, table: table-a }\n", { env: {} });
    assert.deepEqual(config.kv[0], {
      bucket: "A",
      table: "table-a",
      direction: "to-dynamodb",
      history: false,
      deletes: "delete",
      concurrency: 64,
    });
  });
});
