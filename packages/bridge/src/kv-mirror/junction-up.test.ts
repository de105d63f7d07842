// The mirror as `junction up` runs it: the real CLI process, its embedded NATS and AWS endpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { connect, stringCodec } from "@junction/sdk";
import { type JunctionUp, startJunctionUp, waitFor } from "@junction/testkit";

type Endpoints = { nats: string; aws: string; metrics: string };

describe("junction up runs the KV mirror", () => {
  let up: JunctionUp<Endpoints>;
  let endpoints: Endpoints;

  before(async () => {
    up = await startJunctionUp<Endpoints>(
      `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
kv:
  - { bucket: CARTS, table: carts, deletes: tombstone }
  - { bucket: NOTES, table: notes, direction: both }
`,
    );
    endpoints = up.endpoints;
  });
  after(async () => {
    await up?.stop();
  });

  it("runs direction both: an item written in DynamoDB reaches the bucket (the endpoint has Streams)", async () => {
    const dynamodb = new DynamoDBClient({
      endpoint: endpoints.aws,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const client = await connect(endpoints.nats);
    try {
      await dynamodb.send(
        new PutItemCommand({ TableName: "notes", Item: { key: { S: "from-aws" }, value: { S: "hello" } } }),
      );
      const notes = await client.kv("NOTES", { codec: stringCodec() });
      await waitFor("the key from DynamoDB in the bucket", async () =>
        (await notes.get("from-aws"))?.value === "hello" ? true : "missing",
      );
    } finally {
      dynamodb.destroy();
      await client.drain();
    }
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
});
