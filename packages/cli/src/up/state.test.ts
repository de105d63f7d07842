// `junction up`'s data: a directory per config, empty at each start unless --persist, one stack per
// config and folder, and `junction down`.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { connect } from "@junction/sdk";
import { type JunctionProcess, spawnJunction } from "@junction/testkit";

const dir = mkdtempSync(join(tmpdir(), "junction-state-"));
const config = `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: ORDERS, subjects: ["orders.>"] }
routes:
  - name: orders
    from: { subject: "orders.{id}", stream: ORDERS }
    to:
      - { type: dynamodb, table: Orders, key: { orderId: "{id}" }, set: { status: PLACED } }
`;
writeFileSync(join(dir, "a.yaml"), config);
writeFileSync(join(dir, "b.yaml"), config);
after(() => rmSync(dir, { recursive: true, force: true }));

async function up(...args: string[]): Promise<{ up: JunctionProcess; nats: string; aws: string }> {
  const child = spawnJunction(["up", ...args], { cwd: dir });
  await child.waitForOutput(/Ctrl-C/, 60_000);
  const endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
  return { up: child, nats: endpoints.nats, aws: endpoints.aws };
}

async function down(...args: string[]): Promise<string> {
  const child = spawnJunction(["down", ...args], { cwd: dir });
  assert.equal(await child.exited, 0, child.output());
  return child.output();
}

async function storedOrders(nats: string): Promise<number> {
  const nc = await connect(nats);
  try {
    return (await (await nc.jetstream().manager()).streams.info("ORDERS")).state.messages;
  } finally {
    await nc.drain();
  }
}

async function publishOrder(nats: string, id: string): Promise<void> {
  const nc = await connect(nats);
  await nc.jetstream().publish(`orders.${id}`, { id });
  await nc.drain();
}

const dynamodb = (aws: string) =>
  new DynamoDBClient({
    endpoint: aws,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });

const sqs = (aws: string) =>
  new SQSClient({
    endpoint: aws,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });

async function queueUrlOf(aws: string, name: string): Promise<string> {
  const client = sqs(aws);
  try {
    return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  } finally {
    client.destroy();
  }
}

async function receiveBodies(aws: string, queueUrl: string): Promise<string[]> {
  const client = sqs(aws);
  try {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    return (Messages ?? []).map((m) => m.Body as string).sort();
  } finally {
    client.destroy();
  }
}

describe("junction up's state", { timeout: 300_000 }, () => {
  it("keeps configs apart, starts empty, runs once per config and stops with junction down", async () => {
    const a = await up("-c", "a.yaml");
    try {
      await publishOrder(a.nats, "1");
      assert.equal(await storedOrders(a.nats), 1);

      const again = spawnJunction(["up", "-c", "a.yaml"], { cwd: dir });
      assert.equal(await again.exited, 1);
      assert.equal(
        again.stderr(),
        `junction: a stack of a.yaml already runs from this directory (pid ${a.up.pid}); stop it with \`junction down\`\n`,
      );

      const b = await up("-c", "b.yaml");
      try {
        assert.equal(await storedOrders(b.nats), 0, "b sees a's messages");
        assert.equal(await down("-c", "b.yaml"), `stopped b.yaml (pid ${b.up.pid})\n`);
        assert.equal(await b.up.exited, 0);
        assert.equal(a.up.child.exitCode, null, "down -c b.yaml stopped a too");
      } finally {
        await b.up.kill();
      }
      assert.equal(await down(), `stopped a.yaml (pid ${a.up.pid})\n`);
      assert.equal(await a.up.exited, 0, a.up.output());
    } finally {
      await a.up.kill();
    }
    assert.equal(await down(), "no stack is running from this directory\n");

    const restarted = await up("-c", "a.yaml");
    try {
      assert.equal(await storedOrders(restarted.nats), 0, "a restart without --persist kept messages");
    } finally {
      await restarted.up.kill("SIGTERM");
    }
  });

  it("keeps streams, tables and queues with --persist, and empties them with --reset", async () => {
    const key = { orderId: { S: "7" } };
    const first = await up("-c", "a.yaml", "--persist");
    try {
      await publishOrder(first.nats, "7");
      await dynamodb(first.aws).send(
        new PutItemCommand({ TableName: "Orders", Item: { ...key, n: { N: "1" } } }),
      );
      const client = sqs(first.aws);
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: "jobs" }));
      for (const body of ["job 1", "job 2"])
        await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      client.destroy();
      // Both in flight (for 10 minutes) when the stack stops.
      assert.deepEqual(await receiveBodies(first.aws, QueueUrl as string), ["job 1", "job 2"]);
    } finally {
      assert.equal(await first.up.kill("SIGTERM"), 0);
    }
    const second = await up("-c", "a.yaml", "--persist");
    try {
      assert.equal(await storedOrders(second.nats), 1);
      const item = await dynamodb(second.aws).send(new GetItemCommand({ TableName: "Orders", Key: key }));
      assert.deepEqual(item.Item?.n, { N: "1" });
      assert.deepEqual(await receiveBodies(second.aws, await queueUrlOf(second.aws, "jobs")), [
        "job 1",
        "job 2",
      ]);
    } finally {
      assert.equal(await second.up.kill("SIGTERM"), 0);
    }
    const reset = await up("-c", "a.yaml", "--persist", "--reset");
    try {
      assert.equal(await storedOrders(reset.nats), 0);
      const item = await dynamodb(reset.aws).send(new GetItemCommand({ TableName: "Orders", Key: key }));
      assert.equal(item.Item, undefined);
      await assert.rejects(queueUrlOf(reset.aws, "jobs"), { name: "QueueDoesNotExist" });
    } finally {
      assert.equal(await reset.up.kill("SIGTERM"), 0);
    }
  });
});
