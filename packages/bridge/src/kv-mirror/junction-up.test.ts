// The mirror as `junction up` runs it: the real CLI process, its embedded NATS and AWS endpoint.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { connect } from "@junction/sdk";
import { type JunctionProcess, spawnJunction, waitFor } from "@junction/testkit";

describe("junction up runs the KV mirror", () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-kv-up-"));
  let up: JunctionProcess;
  let endpoints: { nats: string; aws: string; metrics: string };

  before(async () => {
    writeFileSync(
      join(dir, "junction.yaml"),
      `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
kv:
  - { bucket: CARTS, table: carts, deletes: tombstone }
`,
    );
    up = spawnJunction(["up"], { cwd: dir });
    await up.waitForOutput(/ready in/, 30_000);
    endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
  });
  after(async () => {
    await up?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("provisions the table, mirrors the bucket, reports lag in /metrics and stops cleanly", async () => {
    assert.match(up.output(), /created\s+table\s+carts\s+\(key \(key S\); this endpoint has no TTL/);
    const client = await connect(endpoints.nats);
    const carts = await client.kv<{ items: number }>("CARTS");
    let revision = 0;
    for (let i = 1; i <= 20; i++) revision = await carts.put(`cart-${i % 4}`, { items: i });
    await client.drain();

    const dynamodb = new DynamoDBClient({
      endpoint: endpoints.aws,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    await waitFor("the latest cart in DynamoDB", async () => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: "carts", Key: { key: { S: "cart-0" } }, ConsistentRead: true }),
      );
      return (Item !== undefined && unmarshall(Item).revision === revision) || JSON.stringify(Item);
    });
    dynamodb.destroy();

    const metrics = async () => (await fetch(endpoints.metrics)).text();
    await waitFor("lag 0 and the checkpoint in /metrics", async () => {
      const text = await metrics();
      return (
        (text.includes('junction_kv_mirror_lag_revisions{bucket="CARTS",table="carts"} 0') &&
          text.includes(
            `junction_kv_mirror_checkpoint_revision{bucket="CARTS",table="carts"} ${revision}`,
          )) ||
        text
          .split("\n")
          .filter((l) => l.startsWith("junction_kv_mirror"))
          .join("\n")
      );
    });
    assert.equal((await fetch(endpoints.metrics.replace("/metrics", "/readyz"))).status, 200);

    await up.kill("SIGTERM");
    assert.equal(await up.exited, 0, up.output());
  });

  it("refuses direction both against the embedded endpoint, before starting anything", async () => {
    const other = mkdtempSync(join(tmpdir(), "junction-kv-both-"));
    try {
      writeFileSync(
        join(other, "junction.yaml"),
        "aws: { endpoint: local }\nkv:\n  - { bucket: CARTS, table: carts, direction: both }\n",
      );
      const refused = spawnJunction(["up"], { cwd: other });
      assert.equal(await refused.exited, 2);
      assert.match(
        refused.stderr(),
        /kv\[0\]\.direction: direction both reads the table's DynamoDB Stream, and the embedded AWS endpoint \(aws\.endpoint: local, dynalite\) has no Streams/,
      );
      assert.doesNotMatch(refused.output(), /starting nats-server/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
