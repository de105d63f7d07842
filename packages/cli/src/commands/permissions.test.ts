// `junction run` as a user with exactly the permissions `junction permissions` printed: a stream route
// into SQS, dead letters, a KV mirror into DynamoDB, inbound SQS → JetStream, a request route answered
// by Lambda, and the gateway calling it over HTTP. Real nats-server, real local edge endpoint.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "@junction/local";
import { connect, type JunctionClient } from "@junction/sdk";
import {
  type JunctionProcess,
  spawnJunction,
  startTestNats,
  type TestNats,
  waitFor,
} from "@junction/testkit";
import { runJunction } from "./testdata/run-junction.ts";

const env = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", JUNCTION_LOG_LEVEL: "info" };
const PASSWORD = "bridge-pa55-5ecret";

describe("junction run under the permissions junction permissions printed", { timeout: 300_000 }, () => {
  let dir: string;
  let aws: LocalAws;
  let nats: TestNats;
  let admin: JunctionClient;
  let run: JunctionProcess;
  let gatewayUrl: string;
  let printed: string;
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  let body: (servers: string, user: string, pass: string) => string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "junction-permissions-"));
    mkdirSync(join(dir, "fns"));
    writeFileSync(
      join(dir, "fns", "echo.mjs"),
      "export const handler = async (event) => ({ echo: event });\n",
    );
    aws = await startLocalAws({
      port: 0,
      functions: { echo: { handler: "./fns/echo.mjs#handler", timeoutMs: 3000 } },
      baseDir: dir,
    });
    sqs = new SQSClient({ endpoint: aws.url, region: "us-east-1", credentials });
    dynamodb = new DynamoDBClient({ endpoint: aws.url, region: "us-east-1", credentials });
    body = (
      servers: string,
      user: string,
      pass: string,
    ) => `nats: { servers: "${servers}", user: ${user}, pass: "${pass}" }
aws: { region: us-east-1, endpoint: "${aws.url}" }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: ORDERS, subjects: ["orders.>"] }
  - { name: RESULTS, subjects: ["results.>"] }
routes:
  - name: orders
    from: { subject: "orders.{id}.created", stream: ORDERS }
    to: [{ type: sqs, queue: orders-out }]
  - name: ordered
    from: { subject: "orders.{id}.shipped", stream: ORDERS }
    key: "{id}"
    partitions: 2
    to: [{ type: sqs, queue: shipped-out }]
  - name: doomed
    from: { subject: "orders.{id}.doomed", stream: ORDERS }
    retry: { maxDeliver: 1 }
    to: [{ type: lambda, function: missing }]
  - name: echo
    from: { subject: "api.echo" }
    reply: { type: lambda, function: echo, timeoutMs: 5000 }
inbound:
  - { name: results, from: { type: sqs, queue: results-in }, to: "results.{$attr.Domain}" }
kv:
  - { bucket: STATE, table: state-mirror }
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: /v1/echo, request: api.echo, timeoutMs: 5000 }
`;
    // The permissions come from the config the bridge will run with; the server starts after.
    writeFileSync(join(dir, "junction.yaml"), body("nats://127.0.0.1:1", "junction", PASSWORD));
    const permissions = await runJunction(["permissions", "-c", "junction.yaml"], { cwd: dir, env });
    assert.equal(permissions.code, 0, permissions.stderr);
    printed = permissions.stdout;
    // The printed block as printed, with one more user: an admin for the test's own work.
    process.env.JUNCTION_NATS_PASSWORD = PASSWORD;
    nats = await startTestNats({
      extraConfig: printed.replace(
        "  users: [\n",
        '  users: [\n    { user: admin, password: "admin-pa55" }\n',
      ),
    });
    writeFileSync(join(dir, "junction.yaml"), body(nats.url, "junction", PASSWORD));
    writeFileSync(join(dir, "admin.yaml"), body(nats.url, "admin", "admin-pa55"));
    admin = await connect({ servers: nats.url, user: "admin", pass: "admin-pa55" });
    // Provisioning creates streams, buckets and tables: an admin's job.
    const provision = await runJunction(["provision", "-c", "admin.yaml"], { cwd: dir, env });
    assert.equal(provision.code, 0, provision.stdout + provision.stderr);
    run = spawnJunction(["run", "-c", "junction.yaml"], { cwd: dir, env });
    [, gatewayUrl] = (await run.waitForOutput(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 120_000)) as unknown as [
      string,
      string,
    ];
  });
  after(async () => {
    await run?.kill("SIGTERM");
    await admin?.drain();
    sqs?.destroy();
    dynamodb?.destroy();
    await aws?.close();
    await nats?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("prints allow lists, never a blanket '>'", () => {
    assert.match(printed, /^authorization \{$/m);
    assert.match(printed, /"\$JS\.API\.CONSUMER\.MSG\.NEXT\.ORDERS\.orders"/);
    assert.doesNotMatch(printed, /"(>|\$JS\.API\.>|\*\.>)"/);
  });

  it("delivers a stream route into SQS", async () => {
    await admin.jetstream().publish("orders.o1.created", { id: "o1" });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders-out" }));
    const bodies: string[] = [];
    await waitFor(
      "the SQS message",
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        bodies.push(...Messages.map((m) => m.Body ?? ""));
        return bodies.length > 0 || "no message in orders-out";
      },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(JSON.parse(bodies[0] as string), { id: "o1" });
  });

  it("delivers an ordered route through its partitioned consumer group", async () => {
    for (const n of [1, 2, 3]) await admin.jetstream().publish("orders.o9.shipped", { n });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "shipped-out" }));
    const bodies: string[] = [];
    await waitFor(
      "the ordered messages",
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        bodies.push(...Messages.map((m) => m.Body ?? ""));
        return bodies.length >= 3 || `${bodies.length} of 3 in shipped-out`;
      },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(bodies.map((b) => (JSON.parse(b) as { n: number }).n).sort(), [1, 2, 3]);
  });

  it("dead-letters what cannot be delivered", async () => {
    await admin.jetstream().publish("orders.o2.doomed", { id: "o2" });
    const jsm = await admin.jetstream().manager();
    await waitFor(
      "the dead letter",
      async () => {
        const info = await jsm.streams.info("JUNCTION_DLQ").catch(() => undefined);
        return (info?.state.messages ?? 0) > 0 || "JUNCTION_DLQ is empty";
      },
      { timeoutMs: 60_000 },
    );
    const letter = await jsm.streams.getMessage("JUNCTION_DLQ", { last_by_subj: "junction.dlq.doomed" });
    assert.deepEqual(letter?.json(), { id: "o2" });
  });

  it("mirrors a KV bucket into DynamoDB", async () => {
    const kv = await admin.kv<{ n: number }>("STATE", { bindOnly: true });
    await kv.put("k1", { n: 1 });
    await waitFor(
      "the mirrored item",
      async () =>
        ((await dynamodb.send(new ScanCommand({ TableName: "state-mirror" }))).Count ?? 0) > 0 ||
        "state-mirror is empty",
      { timeoutMs: 60_000 },
    );
  });

  it("publishes inbound SQS messages into JetStream", async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "results-in" }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"ok":true}',
        MessageAttributes: { Domain: { DataType: "String", StringValue: "nlp" } },
      }),
    );
    const jsm = await admin.jetstream().manager();
    await waitFor(
      "the inbound message",
      async () => ((await jsm.streams.info("RESULTS")).state.messages ?? 0) > 0 || "RESULTS is empty",
      { timeoutMs: 60_000 },
    );
    const msg = await jsm.streams.getMessage("RESULTS", { last_by_subj: "results.nlp" });
    assert.deepEqual(msg?.json(), { ok: true });
  });

  it("answers a request route, over NATS and through the gateway", async () => {
    const reply = await admin.request<{ echo: unknown }>("api.echo", { hi: 1 }, { timeoutMs: 10_000 });
    assert.deepEqual(reply.decode(), { echo: { hi: 1 } });
    const res = await fetch(`${gatewayUrl}/v1/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"hi":2}',
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { echo: { hi: 2 } });
  });

  it("a user without those permissions gets one sentence naming the refused subject, and run exits", async (t) => {
    const bare = await startTestNats({
      extraConfig: `authorization { users: [ { user: junction, password: "${PASSWORD}", permissions: {
        publish: { allow: ["$JS.API.INFO"] }, subscribe: { allow: ["_INBOX.>"] } } } ] }`,
    });
    t.after(() => bare.dispose());
    writeFileSync(join(dir, "bare.yaml"), body(bare.url, "junction", PASSWORD));
    const refused = await runJunction(["run", "-c", "bare.yaml"], { cwd: dir, env });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr.trim(),
      /^junction: permissions violation: the server does not let this NATS user publish to \$JS\.API\.[A-Z.]+JUNCTION_DLQ; `junction permissions -c FILE` prints what the config needs$/,
    );
  });

  it("logged no permission violation and no secret", () => {
    assert.doesNotMatch(run.output(), /[Pp]ermissions? [Vv]iolation/);
    assert.ok(!run.output().includes(PASSWORD));
  });
});
