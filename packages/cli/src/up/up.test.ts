// `junction up` end to end: the real CLI process, then the stock AWS SDK clients against its endpoint.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { connect } from "@junction/sdk";
import { type JunctionUp, spawnJunction, startJunctionUp, type UpEndpoints } from "@junction/testkit";

const dir = mkdtempSync(join(tmpdir(), "junction-up-"));
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

writeFileSync(
  join(dir, "echo.mjs"),
  `import { appendFileSync } from "node:fs";
export async function handler(event) {
  appendFileSync(${JSON.stringify(join(dir, "invocations.log"))}, JSON.stringify(event) + "\\n");
  return { echoed: event };
}
`,
);
const CONFIG = `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
functions:
  echo: { handler: ./echo.mjs#handler }
streams:
  - { name: ORDERS, subjects: ["orders.>", "late.>"], maxAge: 1h }
routes:
  - name: orders
    from: { subject: "orders.{id}.placed", stream: ORDERS }
    to:
      - { type: sqs, queue: orders-out }
      - { type: dynamodb, table: Orders, key: { orderId: "{id}" }, set: { status: PLACED } }
      - { type: eventbridge, bus: shop-bus, source: shop.orders, detailType: Order Placed }
  - name: late
    from: { subject: "late.{id}", stream: ORDERS }
    to:
      - { type: sqs, queue: "late-{id}" }
kv:
  - { bucket: CARTS, table: carts }
`;

async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("junction up", () => {
  let up: JunctionUp;
  let endpoints: UpEndpoints;

  before(async () => {
    up = await startJunctionUp(CONFIG, { dir });
    endpoints = up.endpoints;
  });
  after(async () => {
    await up?.stop();
  });

  it("writes its endpoints and provisions what the config needs", async () => {
    const output = up.output();
    assert.match(endpoints.nats, /^nats:\/\/127\.0\.0\.1:\d+$/);
    assert.match(endpoints.aws, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(output, /created\s+stream\s+ORDERS/);
    assert.match(output, /created\s+kv bucket\s+CARTS/);
    assert.match(
      output,
      /created\s+queue\s+orders-out\s+\(dead letters to orders-out-dlq after 5 receives\)/,
    );
    assert.match(output, /created\s+table\s+Orders/);
    assert.match(output, /created\s+event bus\s+shop-bus/);
    const sqs = new SQSClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders-out" }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedrivePolicy"] }),
    );
    assert.match(attrs.Attributes?.RedrivePolicy ?? "", /orders-out-dlq/);
    const nc = await connect(endpoints.nats);
    const jsm = await nc.jetstream().manager();
    assert.equal((await jsm.streams.info("ORDERS")).config.subjects[0], "orders.>");
    await nc.drain();
  });

  it("serves SQS, DynamoDB and Lambda to the stock AWS SDK clients", async () => {
    const sqs = new SQSClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "hello" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hi" }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(received.Messages?.[0]?.Body, "hi");

    const ddb = new DynamoDBClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    await ddb.send(
      new CreateTableCommand({
        TableName: "things",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await waitUntilTableExists({ client: ddb, maxWaitTime: 10, minDelay: 1 }, { TableName: "things" });
    await ddb.send(new PutItemCommand({ TableName: "things", Item: { pk: { S: "a" }, n: { N: "7" } } }));
    const item = await ddb.send(new GetItemCommand({ TableName: "things", Key: { pk: { S: "a" } } }));
    assert.deepEqual(item.Item?.n, { N: "7" });

    const lambda = new LambdaClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: "echo", Payload: JSON.stringify({ x: 1 }) }),
    );
    assert.equal(out.StatusCode, 200);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.Payload)), { echoed: { x: 1 } });
  });

  it("delivers an event to the queue and the function its rules target, and nowhere else", async () => {
    const eb = new EventBridgeClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const sqs = new SQSClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const queue = async (name: string) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
    };
    const matched = await queue("eb-matched");
    const unmatched = await queue("eb-unmatched");
    await eb.send(new CreateEventBusCommand({ Name: "routing" }));
    const rule = async (name: string, pattern: object, targets: { Id: string; Arn: string }[]) => {
      await eb.send(
        new PutRuleCommand({ Name: name, EventBusName: "routing", EventPattern: JSON.stringify(pattern) }),
      );
      await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: "routing", Targets: targets }));
    };
    await rule("big-orders", { source: ["shop"], detail: { total: [{ numeric: [">", 100] }] } }, [
      { Id: "q", Arn: matched.arn },
      { Id: "f", Arn: "arn:aws:lambda:us-east-1:000000000000:function:echo" },
    ]);
    await rule("refunds", { source: ["shop"], "detail-type": ["Refund"] }, [{ Id: "q", Arn: unmatched.arn }]);

    const tested = await eb.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ["shop"] }),
        Event: JSON.stringify({
          id: "1",
          account: "000000000000",
          source: "shop",
          time: new Date().toISOString(),
          region: "us-east-1",
          resources: [],
          "detail-type": "Order",
          detail: {},
        }),
      }),
    );
    assert.equal(tested.Result, true);

    const put = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: "routing",
            Source: "shop",
            DetailType: "Order",
            Detail: JSON.stringify({ total: 250 }),
          },
        ],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const got = await waitFor("the matched queue", async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: matched.url, WaitTimeSeconds: 1 }));
      return r.Messages?.[0];
    });
    const event = JSON.parse(got.Body as string);
    assert.equal(event.source, "shop");
    assert.deepEqual(event.detail, { total: 250 });
    const invoked = await waitFor("the function", () => {
      const log = join(dir, "invocations.log");
      return existsSync(log) && readFileSync(log, "utf8").includes('"total":250') ? true : undefined;
    });
    assert.equal(invoked, true);
    const none = await sqs.send(new ReceiveMessageCommand({ QueueUrl: unmatched.url, WaitTimeSeconds: 1 }));
    assert.equal(none.Messages, undefined);
  });

  it("runs the bridge: a message published on NATS reaches SQS and DynamoDB, and /metrics counts it", async () => {
    const nc = await connect(endpoints.nats);
    await nc.jetstream().publish("orders.42.placed", { total: 99 });
    await nc.drain();
    const sqs = new SQSClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders-out" }));
    const got = await waitFor("the orders-out queue", async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      return r.Messages?.[0];
    });
    assert.deepEqual(JSON.parse(got.Body as string), { total: 99 });
    const ddb = new DynamoDBClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const item = await waitFor("the Orders item", async () => {
      const r = await ddb.send(new GetItemCommand({ TableName: "Orders", Key: { orderId: { S: "42" } } }));
      return r.Item;
    });
    assert.deepEqual(item.status, { S: "PLACED" });
    const metricsUrl = (endpoints as { metrics?: string }).metrics as string;
    const metrics = await (await fetch(metricsUrl)).text();
    assert.match(metrics, /route="orders"/);
  });

  it("dead-letters what a target refuses, lists it, and redrives it once the target exists", async () => {
    const nc = await connect(endpoints.nats);
    await nc.jetstream().publish("late.7", { n: 7 });
    await nc.drain();
    const run = async (...args: string[]) => {
      const dlq = spawnJunction(["dlq", ...args], { cwd: dir });
      const status = await dlq.exited;
      return { status, stdout: dlq.output() };
    };
    const listed = await waitFor("the dead letter", async () => {
      const r = await run("list", "--route", "late", "--json");
      return r.stdout.trim() === "" ? undefined : r;
    });
    const letter = JSON.parse(listed.stdout.trim().split("\n")[0] as string);
    assert.equal(letter.route, "late");
    assert.equal(letter.target, "sqs#0");
    assert.equal(letter.reason, "rejected");
    assert.equal(letter.subject, "late.7");
    assert.match(letter.error.message, /queue "late-7" does not exist/);
    const shown = JSON.parse((await run("show", String(letter.id))).stdout);
    assert.equal(shown.data, '{"n":7}');

    const sqs = new SQSClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "late-7" }));
    const redrive = await run("redrive", "--route", "late");
    assert.equal(redrive.status, 0, redrive.stdout);
    assert.match(redrive.stdout, /redrive \[█+\] 1\/1/);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(got.Messages?.[0]?.Body, '{"n":7}');
    assert.equal((await run("list", "--route", "late", "--json")).stdout.trim(), "");
  });

  it("stops on SIGTERM within 10 seconds and removes its endpoints file", async () => {
    const started = Date.now();
    const code = await up.kill("SIGTERM");
    assert.equal(code, 0, up.output());
    assert.ok(Date.now() - started < 10_000);
    assert.equal(existsSync(join(dir, ".junction", "endpoints.json")), false);
  });
});

describe("junction up with a port in use", () => {
  const listeners = [
    { name: "nats-server", field: "local.natsPort", flag: "--nats-port" },
    { name: "the AWS edge endpoint", field: "local.awsPort", flag: "--aws-port" },
    { name: "the gateway", field: "gateway.listen", flag: "--gateway-port" },
    { name: "the ops endpoint", field: "ops.listen", flag: "--ops-port" },
  ];
  for (const busyOne of listeners) {
    it(`says so before starting anything when ${busyOne.name}'s port is taken, and exits 1`, async () => {
      const busyDir = mkdtempSync(join(tmpdir(), "junction-up-busy-"));
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
      const busy = (holder.address() as AddressInfo).port;
      const [nats, aws, gateway, ops] = await Promise.all(
        listeners.map((l) => (l === busyOne ? busy : freePort())),
      );
      try {
        writeFileSync(
          join(busyDir, "junction.yaml"),
          `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: ${nats}, awsPort: ${aws} }
ops: { listen: "127.0.0.1:${ops}" }
streams:
  - { name: ORDERS, subjects: ["orders.>"] }
gateway:
  listen: 127.0.0.1:${gateway}
  routes:
    - { method: POST, path: /echo, request: echo }
`,
        );
        const child = spawnJunction(["up"], { cwd: busyDir });
        assert.equal(await child.exited, 1, child.output());
        assert.equal(
          child.stderr(),
          `junction: ${busyOne.name} cannot listen on 127.0.0.1:${busy}: the port is in use ` +
            `(set ${busyOne.field} or pass ${busyOne.flag} PORT, 0 for a random one, or stop what holds it)\n`,
        );
        // Checked first: nothing was started, let alone provisioned.
        assert.doesNotMatch(child.output(), /starting|provisioning|created/);
        assert.equal(existsSync(join(busyDir, ".junction", "endpoints.json")), false);
      } finally {
        holder.close();
        rmSync(busyDir, { recursive: true, force: true });
      }
    });
  }

  it("takes another port from a flag, a random one from 0, and shows the real ones", async () => {
    const flagDir = mkdtempSync(join(tmpdir(), "junction-up-flags-"));
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const busy = (holder.address() as AddressInfo).port;
    try {
      writeFileSync(
        join(flagDir, "junction.yaml"),
        `aws: { endpoint: local }
local: { natsPort: ${busy}, awsPort: ${busy} }
ops: { listen: "127.0.0.1:${busy}" }
gateway:
  listen: 127.0.0.1:${busy}
  routes:
    - { method: POST, path: /echo, request: echo }
`,
      );
      const args = ["up", "--nats-port", "0", "--aws-port", "0", "--gateway-port", "0", "--ops-port", "0"];
      const child = spawnJunction(args, { cwd: flagDir });
      try {
        await child.waitForOutput(/Ctrl-C/, 60_000);
        assert.doesNotMatch(child.output(), /127\.0\.0\.1:0\b/);
        const written = JSON.parse(readFileSync(join(flagDir, ".junction", "endpoints.json"), "utf8"));
        for (const key of ["nats", "aws", "gateway", "ops"]) {
          const port = Number(new URL(written[key]).port);
          assert.ok(port > 0 && port !== busy, `${key}: ${written[key]}`);
          assert.ok(child.output().includes(`127.0.0.1:${port}`), `${key} port not shown`);
        }
        assert.equal(await child.kill("SIGTERM"), 0, child.output());
      } finally {
        await child.kill();
      }
    } finally {
      holder.close();
      rmSync(flagDir, { recursive: true, force: true });
    }
  });
});

/** A free port on 127.0.0.1 (`wanted`, or any when 0): listening proves nobody holds it. */
function freePort(wanted = 0): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
