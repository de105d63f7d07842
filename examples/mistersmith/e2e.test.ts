// The mistersmith example end to end: `junction up` on a copy of junction.yaml (random ports), messages
// published on NATS, and what arrived read back with the stock AWS SDK clients, as an AWS consumer would.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { connect, type JunctionClient, ServiceError } from "@junction/sdk";
import {
  type JunctionUp,
  spawnJunction,
  startJunctionUp,
  type UpEndpoints,
  waitFor,
} from "@junction/testkit";
import { parseDocument } from "yaml";

const example = fileURLToPath(new URL(".", import.meta.url));
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** The example's config as it is, but on random loopback ports so tests can run side by side. */
function exampleConfig(): string {
  const doc = parseDocument(readFileSync(join(example, "junction.yaml"), "utf8"));
  doc.setIn(["local"], doc.createNode({ natsPort: 0, awsPort: 0 }));
  doc.setIn(["ops"], doc.createNode({ listen: "127.0.0.1:0" }));
  if (doc.hasIn(["gateway", "listen"])) doc.setIn(["gateway", "listen"], "127.0.0.1:0");
  return doc.toString();
}

describe("mistersmith end to end (junction up)", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-mistersmith-"));
  let up: JunctionUp;
  let client: JunctionClient;
  let sqs: SQSClient;
  let endpoints: UpEndpoints;
  let observed: string;

  before(async () => {
    cpSync(join(example, "fns"), join(dir, "fns"), { recursive: true });
    up = await startJunctionUp(exampleConfig(), { dir, ready: /ready in \d+ ms/ });
    endpoints = up.endpoints;
    const aws = { endpoint: endpoints.aws, region: "us-east-1", credentials };
    sqs = new SQSClient(aws);
    client = await connect(endpoints.nats);
    // An AWS-side consumer of the bus: every mistersmith event into one queue.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "mistersmith-observed" }));
    observed = QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: observed, AttributeNames: ["QueueArn"] }),
    );
    const eb = new EventBridgeClient(aws);
    await eb.send(
      new PutRuleCommand({
        Name: "observe-mistersmith",
        EventBusName: "mistersmith-event-bus",
        EventPattern: JSON.stringify({ source: [{ prefix: "mistersmith." }] }),
      }),
    );
    await eb.send(
      new PutTargetsCommand({
        Rule: "observe-mistersmith",
        EventBusName: "mistersmith-event-bus",
        Targets: [{ Id: "observed", Arn: Attributes?.QueueArn as string }],
      }),
    );
    eb.destroy();
  });
  after(async () => {
    await client?.drain();
    sqs?.destroy();
    await up?.stop("SIGTERM");
  });

  /** Receives until `count` messages came (or the time is up), deleting them. */
  async function receive(QueueUrl: string, count: number): Promise<Message[]> {
    const got: Message[] = [];
    await waitFor(
      `${count} messages`,
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["All"],
          }),
        );
        got.push(...Messages);
        if (Messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
        }
        return got.length >= count || `${got.length}/${count}`;
      },
      { timeoutMs: 20_000 },
    );
    return got;
  }

  it("provisions the stream, KV bucket, table and bus, and says the work queues are made on first use", () => {
    const out = up.output();
    assert.match(out, /created\s+stream\s+AGENTS/);
    assert.match(out, /created\s+kv bucket\s+AGENT_STATE/);
    assert.match(out, /created\s+table\s+CoordinationState/);
    assert.match(out, /created\s+event bus\s+mistersmith-event-bus/);
    assert.match(out, /created\s+queue\s+mistersmith-results/);
    assert.match(out, /created\s+rule\s+junction-agent-events \(bus mistersmith-event-bus\)/);
    assert.match(
      out,
      /skipped\s+sqs queue "mistersmith-work-\{domain\}-\{priority\}\.fifo".*the bridge creates it on first use/,
    );
  });

  it("agent events and broadcasts reach an EventBridge rule's queue with their detail", async () => {
    const js = client.jetstream();
    await js.publish("agent.a-17.heartbeat", { cpu: 0.42 });
    await js.publish("agent.a-17.started", { pid: 9 });
    await js.publish("broadcast.fleet.update", { version: "1.2" });
    const events = (await receive(observed, 3)).map((m) => JSON.parse(m.Body as string));
    const byType = new Map(events.map((e) => [e["detail-type"], e]));
    assert.deepEqual([...byType.keys()].sort(), ["Agent Heartbeat", "Agent Started", "Broadcast"]);
    assert.equal(byType.get("Agent Heartbeat").source, "mistersmith.agent");
    assert.deepEqual(byType.get("Agent Heartbeat").detail, {
      agentId: "a-17",
      type: "heartbeat",
      payload: { cpu: 0.42 },
    });
    assert.deepEqual(byType.get("Agent Started").detail, {
      agentId: "a-17",
      type: "started",
      payload: { pid: 9 },
    });
    assert.equal(byType.get("Broadcast").source, "mistersmith.broadcast");
    assert.deepEqual(byType.get("Broadcast").detail, { topic: "fleet.update", message: { version: "1.2" } });
  });

  it("work reaches the FIFO queue of its domain and priority, created on first use, in order, once", async () => {
    const js = client.jetstream();
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) {
      const ack = await js.publish(`work.nlp.high.${n % 2 === 0 ? "summarize" : "translate"}`, { n });
      ids.push(ack.identity.id);
    }
    await js.publish("work.vision.low.classify", { image: "cat.png" });
    const { QueueUrl } = await waitForQueue("mistersmith-work-nlp-high.fifo");
    const got = await receive(QueueUrl, 12);
    assert.deepEqual(
      got.map((m) => JSON.parse(m.Body as string).n),
      [...Array(12).keys()],
      "one group (nlp): SQS hands them out in the order they were published",
    );
    const first = got[0] as Message;
    assert.equal(first.Attributes?.MessageGroupId, "nlp");
    assert.equal(first.Attributes?.MessageDeduplicationId, ids[0], "dedup id = the NATS message id");
    assert.equal(first.MessageAttributes?.TaskType?.StringValue, "summarize");
    assert.equal(first.MessageAttributes?.Priority?.StringValue, "high");
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedrivePolicy"] }),
    );
    assert.match(Attributes?.RedrivePolicy ?? "", /mistersmith-work-nlp-high-dlq\.fifo/);
    const vision = await waitForQueue("mistersmith-work-vision-low.fifo");
    const [task] = await receive(vision.QueueUrl, 1);
    assert.deepEqual(JSON.parse(task?.Body as string), { image: "cat.png" });
  });

  it("coordination completions update the CoordinationState table", async () => {
    await client.jetstream().publish("coord.c-9.complete", { winner: "a-17" });
    const ddb = new DynamoDBClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    let item: Record<string, unknown> | undefined;
    await waitFor("the CoordinationState item", async () => {
      const out = await ddb.send(
        new GetItemCommand({ TableName: "CoordinationState", Key: { coordinationId: { S: "c-9" } } }),
      );
      item = out.Item === undefined ? undefined : unmarshall(out.Item);
      return item !== undefined || "not yet";
    });
    ddb.destroy();
    assert.equal(item?.status, "COMPLETE");
    assert.deepEqual(item?.result, { winner: "a-17" });
    assert.equal(typeof item?.completedAt, "number");
    assert.ok(Math.abs((item?.completedAt as number) - Date.now() / 1000) < 120);
  });

  it("api requests are answered by the Lambda function; its errors come back as service errors", async () => {
    const reply = await client.request<{ agentId: string; status: string }>(
      "api.agent.status",
      { agentId: "a-17" },
      { timeoutMs: 10_000 },
    );
    assert.equal(reply.decode().agentId, "a-17");
    assert.equal(reply.decode().status, "online");
    await assert.rejects(
      client.request("api.agent.status", {}, { timeoutMs: 10_000, retry: false }),
      (err: unknown) =>
        err instanceof ServiceError && err.serviceCode === 500 && /agentId is required/.test(err.message),
    );
  });

  it("an oversized event and an unmappable completion land in the DLQ; the fixed config redrives the latter", async () => {
    const js = client.jetstream();
    await js.publish("agent.a-18.heartbeat", { blob: "x".repeat(300 * 1024) });
    await js.publish("coord.c-10.complete", new TextEncoder().encode("done, not JSON"));
    const list = async () => {
      const r = spawnJunction(["dlq", "list", "--json"], { cwd: dir });
      await r.exited;
      return r
        .output()
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { id: number; route: string; error: { code: string; message: string } });
    };
    let letters: Awaited<ReturnType<typeof list>> = [];
    await waitFor(
      "two dead letters",
      async () => {
        letters = await list();
        return letters.length === 2 || `${letters.length}`;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const heartbeat = letters.find((l) => l.route === "agent-heartbeat");
    assert.equal(heartbeat?.error.code, "ERR_MAPPING");
    assert.match(heartbeat?.error.message ?? "", /over the 262144-byte PutEvents limit/);
    const coord = letters.find((l) => l.route === "coord-complete");
    assert.match(coord?.error.message ?? "", /JSON/);

    // Fix the config: keep the completion's result as text when it is not JSON, then redrive that route.
    const file = join(dir, "junction.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace('result: "{$json}"', 'result: "{$data}"'));
    const redrive = spawnJunction(["dlq", "redrive", "--route", "coord-complete"], { cwd: dir });
    assert.equal(await redrive.exited, 0, redrive.output());
    const ddb = new DynamoDBClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const out = await ddb.send(
      new GetItemCommand({ TableName: "CoordinationState", Key: { coordinationId: { S: "c-10" } } }),
    );
    ddb.destroy();
    assert.equal(unmarshall(out.Item ?? {}).result, "done, not JSON");
    assert.deepEqual(
      (await list()).map((l) => l.route),
      ["agent-heartbeat"],
      "the redriven letter is gone, the other is kept",
    );
  });

  it("an SQS message on the results queue reaches NATS on results.<Domain>, identity continued", async () => {
    const sub = client.nc.subscribe("results.>", { max: 1 });
    await client.nc.flush();
    const url = (await waitForQueue("mistersmith-results")).QueueUrl;
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify({ summary: "done" }),
        MessageAttributes: {
          Domain: { DataType: "String", StringValue: "nlp" },
          "Junction-Correlation-Id": { DataType: "String", StringValue: "flow-42" },
        },
      }),
    );
    const got = await firstOf(sub);
    assert.equal(got.subject, "results.nlp");
    assert.deepEqual(got.json(), { summary: "done" });
    assert.equal(got.headers?.get("Nats-Msg-Id"), sent.MessageId, "dedup id = SQS message id");
    assert.equal(got.headers?.get("Junction-Correlation-Id"), "flow-42");
    await waitFor("the queue emptied", async () => ((await depth(url)) === 0 ? true : "not yet deleted"));
  });

  it("an agent on AWS puts an event on the bus: NATS subscribers get it on agent.<id>.<type>, and the bus sees it once", async () => {
    const sub = client.nc.subscribe("agent.aws-1.>");
    await client.nc.flush();
    const eb = new EventBridgeClient({ endpoint: endpoints.aws, region: "us-east-1", credentials });
    const put = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: "mistersmith-event-bus",
            Source: "mistersmith.agent",
            DetailType: "Agent Started",
            Detail: JSON.stringify({ agentId: "aws-1", type: "started", payload: { region: "eu-west-1" } }),
          },
        ],
      }),
    );
    eb.destroy();
    assert.equal(put.FailedEntryCount, 0);
    const got = await firstOf(sub);
    assert.equal(got.subject, "agent.aws-1.started");
    assert.deepEqual(got.json(), { region: "eu-west-1" });
    assert.equal(got.headers?.get("Nats-Msg-Id"), put.Entries?.[0]?.EventId, "dedup id = event id");
    // The message is in the AGENTS stream, which the agent-events route sends to this very bus: it
    // must not go back, or AWS consumers would see every event twice.
    const seen = await receive(observed, 1);
    await new Promise((r) => setTimeout(r, 1500));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: observed, WaitTimeSeconds: 1 }));
    assert.equal(seen.length + (again.Messages?.length ?? 0), 1, "the bus saw the event once");
    assert.equal(JSON.parse(seen[0]?.Body as string).detail.agentId, "aws-1");
    const metrics = await (await fetch((endpoints as { metrics?: string }).metrics as string)).text();
    assert.match(
      metrics,
      /junction_bridge_echoes_skipped_total\{route="agent-events",target="eventbridge#0"\} 1/,
    );
    sub.unsubscribe();
  });

  it("an event the bridge put on the bus from NATS is not brought back to NATS", async () => {
    const sub = client.nc.subscribe("agent.a-30.>");
    await client.nc.flush();
    await client.jetstream().publish("agent.a-30.stopped", { code: 0 });
    const [event] = await receive(observed, 1);
    assert.deepEqual(JSON.parse(event?.Body as string).resources, ["junction:nats:agent.a-30.stopped"]);
    await waitFor("the subscription to drop it", async () => {
      const metrics = await (await fetch((endpoints as { metrics?: string }).metrics as string)).text();
      return /junction_inbound_dropped_total\{inbound="agent-events"\} [1-9]/.test(metrics) || "not yet";
    });
    assert.equal(sub.getReceived(), 1, "only the original message, no copy from the bus");
    sub.unsubscribe();
  });

  async function depth(QueueUrl: string): Promise<number> {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  async function firstOf(sub: ReturnType<JunctionClient["nc"]["subscribe"]>) {
    const timer = setTimeout(() => sub.unsubscribe(), 20_000);
    for await (const m of sub) {
      clearTimeout(timer);
      return m;
    }
    throw new Error(`nothing on ${sub.getSubject()} within 20 s`);
  }

  async function waitForQueue(name: string): Promise<{ QueueUrl: string }> {
    let url = "";
    await waitFor(`queue ${name}`, async () => {
      try {
        url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
        return true;
      } catch {
        return "not created yet";
      }
    });
    return { QueueUrl: url };
  }
});
