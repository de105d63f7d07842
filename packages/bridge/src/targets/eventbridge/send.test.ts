import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { LOCAL_ACCOUNT_ID } from "@junction/local";
import { DeliveryErrorCode } from "../delivery.ts";
import { createSender } from "../index.ts";
import { type LocalTargets, mapper, startLocalTargets } from "../testdata/local.ts";
import type { TargetRequest } from "../types.ts";

const map = mapper(`
  - name: eb
    from: { subject: "eb.{n}" }
    to: [{ type: eventbridge, bus: things, source: test.things, detailType: Thing, detail: { n: "{n|number}", body: "{$json}" } }]
`);

describe("EventBridge sender (local edge endpoint)", () => {
  let local: LocalTargets;
  let sinkUrl: string;
  before(async () => {
    local = await startLocalTargets();
    const { sqs, eventbridge } = local.clients;
    sinkUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "eb-sink" }))).QueueUrl as string;
    await eventbridge.send(new CreateEventBusCommand({ Name: "things" }));
    await eventbridge.send(
      new PutRuleCommand({
        Name: "to-sink",
        EventBusName: "things",
        EventPattern: JSON.stringify({ source: ["test.things"] }),
      }),
    );
    await eventbridge.send(
      new PutTargetsCommand({
        Rule: "to-sink",
        EventBusName: "things",
        Targets: [{ Id: "sink", Arn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT_ID}:eb-sink` }],
      }),
    );
  });
  after(() => local.close());

  it("puts 25 entries in 3 calls, and a rule delivers every one to its queue", async () => {
    const sender = createSender("eventbridge", local.clients);
    const requests = Array.from({ length: 25 }, (_, n) => map(`eb.${n}`, { n }));
    const before = local.count("PutEventsCommand");
    const outcomes = await sender.send(requests);
    assert.deepEqual(
      outcomes.map((o) => o.ok),
      requests.map(() => true),
    );
    assert.equal(local.count("PutEventsCommand") - before, 3);

    const seen = new Set<number>();
    const until = Date.now() + 5000;
    while (seen.size < 25 && Date.now() < until) {
      const { Messages = [] } = await local.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: sinkUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages) {
        const event = JSON.parse(m.Body as string) as { source: string; detail: { n: number } };
        assert.equal(event.source, "test.things");
        seen.add(event.detail.n);
      }
      if (Messages.length > 0) {
        await local.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: sinkUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, n) => n),
    );
  });

  it("fails only the entry AWS failed (MalformedDetail → Rejected); its call neighbours are delivered", async () => {
    const sender = createSender("eventbridge", local.clients);
    const good = map("eb.1", { ok: true });
    const bad: TargetRequest = { ...good, input: { ...good.input, Detail: "not json" } };
    const before = local.count("PutEventsCommand");
    const [a, b, c] = await sender.send([good, bad, map("eb.2")]);
    assert.equal(local.count("PutEventsCommand") - before, 1);
    assert.equal(a?.ok, true);
    assert.equal(c?.ok, true);
    assert.ok(b !== undefined && !b.ok);
    assert.equal(b.error.code, DeliveryErrorCode.Rejected);
    assert.equal(b.error.awsCode, "MalformedDetail");
    assert.equal(b.error.retryable, false);
  });

  it("splits calls at 256 KB as AWS sums entry sizes, and refuses a lone entry over the limit", async () => {
    const sender = createSender("eventbridge", local.clients);
    const blob = "x".repeat(100 * 1024);
    const before = local.count("PutEventsCommand");
    const outcomes = await sender.send([1, 2, 3, 4].map((n) => map(`eb.${n}`, { blob })));
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(local.count("PutEventsCommand") - before, 2);

    const huge = map("eb.9");
    const [tooLarge] = await sender.send([
      { ...huge, input: { ...huge.input, Detail: JSON.stringify({ blob: "y".repeat(300 * 1024) }) } },
    ]);
    assert.ok(tooLarge !== undefined && !tooLarge.ok);
    assert.equal(tooLarge.error.code, DeliveryErrorCode.TooLarge);
    assert.equal(local.count("PutEventsCommand") - before, 2, "nothing sent for it");
  });
});
