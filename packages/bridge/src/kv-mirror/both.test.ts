// `direction: both` against a real nats-server and each DynamoDB with Streams the project runs: AWS's
// DynamoDB Local, and the embedded edge endpoint of `junction up` (dynalite, Streams kept by the edge).
// Changes made in DynamoDB reach the bucket with compare-and-set; the mirror's own writes coming back
// are not applied again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import {
  type AttributeValue,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { startLocalAws } from "@junction/local";
import { connect, type JunctionClient, stringCodec } from "@junction/sdk";
import type { KvBucket } from "@junction/sdk/kv";
import { startDynamoDbLocal, startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import { type AwsClientSet, createAwsClients } from "../aws/clients.ts";
import { loadConfig } from "../config/load.ts";
import { applyProvision } from "../provision/apply.ts";
import { planProvision } from "../provision/plan.ts";
import type { KvMirrorConfig } from "./layout.ts";
import { createKvMirror, type KvMirror, type KvMirrorTiming } from "./mirror.ts";

const timing: Partial<KvMirrorTiming> = {
  checkpointMs: 50,
  lagSampleMs: 100,
  retryBaseMs: 20,
  retryMaxMs: 200,
  streamPollMs: 50,
  shardDiscoveryMs: 500,
};

interface Backend {
  readonly url: string;
  dispose(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  "DynamoDB Local": startDynamoDbLocal,
  "the embedded endpoint": async () => {
    const dir = mkdtempSync(join(tmpdir(), "junction-kv-both-"));
    const aws = await startLocalAws({ port: 0, functions: {}, baseDir: dir });
    return {
      url: aws.url,
      dispose: async () => {
        await aws.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

for (const [backendName, startBackend] of Object.entries(backends))
  describe(`KV ⇄ DynamoDB (direction both, ${backendName})`, () => {
    let nats: TestNats;
    let ddbLocal: Backend;
    let client: JunctionClient;
    let aws: AwsClientSet;
    let dynamodb: DynamoDBClient;
    let entry: KvMirrorConfig;
    let kv: KvBucket<unknown>;
    let mirror: KvMirror;
    let registry: Registry;

    const startMirror = async () => {
      registry = new Registry();
      mirror = createKvMirror(entry, { client, dynamodb, registry, timing });
      await mirror.start();
    };
    const item = async (key: string) => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: entry.table, Key: { key: { S: key } }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : unmarshall(Item);
    };
    const records = async (result: string) =>
      ((await registry.getSingleMetric("junction_kv_mirror_stream_records_total")?.get())?.values ?? [])
        .filter((v) => v.labels.result === result)
        .reduce((sum, v) => sum + v.value, 0);
    /** The item holds the bucket's latest revision of the key (the mirror has written it back). */
    const settled = (key: string) =>
      waitFor(
        `${key} settled`,
        async () => {
          const latest = await kv.raw.get(key);
          const stored = await item(key);
          return (
            (latest !== null && stored?.revision === latest.revision) ||
            `kv ${latest?.revision} table ${stored?.revision}`
          );
        },
        { timeoutMs: 15_000 },
      );
    /** What an AWS-native app does: set the value, leave the rest (the revision) alone. */
    const appSetsValue = (key: string, value: AttributeValue) =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: entry.table,
          Key: { key: { S: key } },
          UpdateExpression: "SET #v = :v",
          ExpressionAttributeNames: { "#v": "value" },
          ExpressionAttributeValues: { ":v": value },
        }),
      );
    /** No revision is added for a while: nothing loops between the two sides. */
    const stable = async (key: string) => {
      const before = (await kv.raw.get(key))?.revision;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await kv.raw.get(key))?.revision, before, `${key} changed again: a loop`);
    };

    before(async () => {
      [nats, ddbLocal] = await Promise.all([startTestNats(), startBackend()]);
      client = await connect(nats.url);
      aws = createAwsClients({ region: "us-east-1", url: ddbLocal.url });
      dynamodb = aws.dynamodb;
      const { config } = loadConfig(
        `aws: { endpoint: "${ddbLocal.url}" }\nkv:\n  - { bucket: AGENT_STATE, table: agent-state, direction: both }\n`,
        { env: {} },
      );
      // Only the bucket and the table: DynamoDB Local serves no EventBridge to look for stale rules on.
      const plan = { ...planProvision(config), ruleBuses: [] };
      const actions = await applyProvision(plan, { nats: client, aws });
      assert.match(actions.find((a) => a.kind === "table")?.detail ?? "", /stream NEW_AND_OLD_IMAGES/);
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: "agent-state" }));
      assert.equal(Table?.StreamSpecification?.StreamViewType, "NEW_AND_OLD_IMAGES");
      entry = config.kv[0] as KvMirrorConfig;
      kv = await client.kv("AGENT_STATE");
      await startMirror();
    });
    after(async () => {
      await mirror?.stop();
      aws?.destroy();
      await client?.drain();
      await Promise.all([nats?.dispose(), ddbLocal?.dispose()]);
    });

    it("a change made in DynamoDB reaches the bucket once, and nothing loops", async () => {
      const first = await kv.put("agent-1", { status: "idle" });
      await settled("agent-1");
      await appSetsValue("agent-1", { M: { status: { S: "busy" }, load: { N: "3" } } });
      await waitFor("the bucket has the change", async () => {
        const latest = await kv.get("agent-1");
        return isDeepStrictEqual(latest?.value, { status: "busy", load: 3 }) || JSON.stringify(latest);
      });
      const latest = await kv.get("agent-1");
      assert.ok((latest?.revision ?? 0) > first);
      await settled("agent-1");
      await stable("agent-1");
      assert.equal((await kv.history("agent-1")).length, 1, "history 1: one revision kept");
      assert.equal((await item("agent-1"))?.revision, latest?.revision);
      assert.equal(await records("applied"), 1);
      assert.ok((await records("echo")) >= 2, "the mirror's own writes came back and were skipped");
    });

    it("an item created in DynamoDB becomes a key; an item deleted there deletes the key", async () => {
      await dynamodb.send(
        new PutItemCommand({
          TableName: "agent-state",
          Item: { key: { S: "from-aws" }, value: { S: "hello" } },
        }),
      );
      // Not JSON: the bytes of the string, as the item's S value holds them.
      const text = await client.kv("AGENT_STATE", { codec: stringCodec() });
      await waitFor("the new key", async () =>
        (await text.get("from-aws"))?.value === "hello" ? true : "missing",
      );
      await settled("from-aws");
      await stable("from-aws");

      await dynamodb.send(
        new DeleteItemCommand({ TableName: "agent-state", Key: { key: { S: "from-aws" } } }),
      );
      await waitFor("the key deleted", async () =>
        (await text.get("from-aws")) === undefined ? true : "still there",
      );
      await stable("from-aws");
      assert.equal(await item("from-aws"), undefined);
    });

    it("a DynamoDB change made from an outdated revision loses to the bucket; a restart reads on from its checkpoint", async () => {
      await kv.put("agent-2", { v: 1 });
      await settled("agent-2");
      await mirror.stop();
      const echoedBefore = await records("echo");
      // While the mirror is down, both sides change: DynamoDB from revision r1, the bucket to r2.
      await appSetsValue("agent-2", { M: { v: { N: "100" } } });
      const r2 = await kv.put("agent-2", { v: 2 });
      await startMirror();
      await waitFor("the conflict seen", async () => ((await records("conflict")) === 1 ? true : "not yet"), {
        timeoutMs: 15_000,
      });
      await settled("agent-2");
      assert.deepEqual(await kv.get("agent-2"), { value: { v: 2 }, revision: r2 });
      assert.deepEqual((await item("agent-2"))?.value, { v: 2 });
      // The restarted reader started after the records read before the stop: none of them again.
      assert.equal(await records("applied"), 0);
      assert.ok((await records("echo")) < echoedBefore, "earlier records were not read again");
    });
  });
