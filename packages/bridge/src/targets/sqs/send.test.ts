import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SendMessageBatchCommandOutput,
} from "@aws-sdk/client-sqs";
import { DeliveryErrorCode, type DeliveryOutcome } from "../delivery.ts";
import { createSender } from "../index.ts";
import { type LocalTargets, mapper, startLocalTargets } from "../testdata/local.ts";

const map = mapper(`
  - name: std
    from: { subject: "s.{q}.{n}" }
    to: [{ type: sqs, queue: "{q}", attributes: { N: { type: Number, value: "{n}" } } }]
  - name: fifo
    from: { subject: "f.{q}.{g}.{n}" }
    to: [{ type: sqs, queue: "{q}.fifo", groupId: "{g}", body: "{g}-{n}" }]
  - name: made
    from: { subject: "m.{q}.{g}.{n}" }
    to: [{ type: sqs, queue: "made-{q}.fifo", groupId: "{g}", body: "{g}-{n}", createQueue: true }]
`);

describe("SQS sender (local edge endpoint)", () => {
  let local: LocalTargets;
  const urls = new Map<string, string>();
  before(async () => {
    local = await startLocalTargets();
    for (const name of ["std", "big", "fq.fifo", "held.fifo"]) {
      const out = await local.clients.sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          ...(name.endsWith(".fifo") ? { Attributes: { FifoQueue: "true" } } : {}),
        }),
      );
      urls.set(name, out.QueueUrl as string);
    }
  });
  after(() => local.close());

  /** Everything in the queue, in receive order, deleting as it goes (FIFO groups unlock in turn). */
  async function drain(queue: string, expected: number): Promise<Message[]> {
    const QueueUrl = urls.get(queue) as string;
    const all: Message[] = [];
    const until = Date.now() + 5000;
    while (all.length < expected && Date.now() < until) {
      const { Messages = [] } = await local.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
      );
      all.push(...Messages);
      if (Messages.length > 0) {
        await local.clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    }
    return all;
  }
  const oks = (outcomes: DeliveryOutcome[]) => outcomes.map((o) => (o.ok ? "ok" : o.error.code));

  it("sends 23 messages to a standard and a FIFO queue in batches of 10, FIFO order kept per group", async () => {
    const sender = createSender("sqs", local.clients);
    const sent: Record<string, string[]> = { a: [], b: [], c: [] };
    const requests = Array.from({ length: 23 }, (_, n) => {
      if (n % 2 === 0) return map(`s.std.${n}`, { n });
      const g = "abc"[n % 3] as string;
      sent[g]?.push(`${g}-${n}`);
      return map(`f.fq.${g}.${n}`);
    });
    const before = local.count("SendMessageBatchCommand");
    const outcomes = await sender.send(requests);
    assert.deepEqual(
      oks(outcomes),
      requests.map(() => "ok"),
    );
    assert.equal(local.count("SendMessageBatchCommand") - before, 4, "12 + 11 messages: 2 calls each");

    const standard = await drain("std", 12);
    assert.deepEqual(
      standard.map((m) => Number(m.MessageAttributes?.N?.StringValue)).sort((x, y) => x - y),
      [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
    );
    const fifo = await drain("fq.fifo", 11);
    for (const g of ["a", "b", "c"]) {
      assert.deepEqual(
        fifo.map((m) => m.Body as string).filter((body) => body.startsWith(`${g}-`)),
        sent[g],
        `group ${g} in order`,
      );
    }
  });

  it("splits by bytes: 10 messages of 200 KB take 2 calls (1 MiB per call)", async () => {
    const sender = createSender("sqs", local.clients);
    const blob = "z".repeat(200 * 1024);
    const before = local.count("SendMessageBatchCommand");
    const outcomes = await sender.send(Array.from({ length: 10 }, (_, n) => map(`s.big.${n}`, blob)));
    assert.deepEqual(oks(outcomes), Array(10).fill("ok"));
    assert.equal(local.count("SendMessageBatchCommand") - before, 2);
    assert.equal((await drain("big", 10)).length, 10);
  });

  it("rejects messages for a missing queue, asking GetQueueUrl once per burst", async () => {
    const sender = createSender("sqs", local.clients);
    const before = local.count("GetQueueUrlCommand");
    for (let i = 0; i < 2; i++) {
      const outcomes = await sender.send([map("s.nope.1"), map("s.nope.2"), map("s.std.3")]);
      const [x, y, ok] = outcomes;
      assert.equal(ok?.ok, true);
      for (const o of [x, y]) {
        assert.ok(o !== undefined && !o.ok);
        assert.equal(o.error.code, DeliveryErrorCode.Rejected);
        assert.equal(o.error.message, 'queue "nope" does not exist');
      }
    }
    assert.equal(local.count("GetQueueUrlCommand") - before, 2, "nope once (cached briefly), std once");
    await drain("std", 2);
  });

  it("createQueue: creates a missing queue once, with its DLQ and redrive policy, and delivers to it", async () => {
    const sender = createSender("sqs", local.clients);
    const before = local.count("CreateQueueCommand");
    // Two concurrent sends for the same missing queue share one creation.
    const sends = await Promise.all([
      sender.send([map("m.x.g1.1"), map("m.x.g2.1")]),
      sender.send([map("m.x.g1.2")]),
    ]);
    assert.deepEqual(
      sends.flat().map((o) => (o.ok ? "ok" : o.error.message)),
      ["ok", "ok", "ok"],
    );
    assert.equal(local.count("CreateQueueCommand") - before, 2, "the queue and its DLQ, once");
    const { QueueUrl } = await local.clients.sqs.send(new GetQueueUrlCommand({ QueueName: "made-x.fifo" }));
    urls.set("made-x.fifo", QueueUrl as string);
    const { Attributes } = await local.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["FifoQueue", "RedrivePolicy"] }),
    );
    assert.equal(Attributes?.FifoQueue, "true");
    assert.match(Attributes?.RedrivePolicy ?? "", /made-x-dlq\.fifo/);
    const bodies = (await drain("made-x.fifo", 3)).map((m) => m.Body).sort();
    assert.deepEqual(bodies, ["g1-1", "g1-2", "g2-1"]);
  });

  it("holds back later entries of a FIFO group after a retryable entry failure; the retry is not a duplicate", async () => {
    const sender = createSender("sqs", local.clients);
    // SQS accepts all four, but answers as if a-1 had failed on its side (fauxqs only fails entries
    // for the sender's fault): what real SQS does on an internal error for one entry.
    let fake = true;
    local.clients.sqs.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const out = result.output as SendMessageBatchCommandOutput;
        if (fake && out.Successful !== undefined) {
          fake = false;
          out.Successful = out.Successful.filter((s) => s.Id !== "1");
          out.Failed = [{ Id: "1", SenderFault: false, Code: "InternalError", Message: "try again" }];
        }
        return result;
      },
      { step: "initialize", name: "fakeEntryFailure" },
    );
    const batch = [map("f.held.a.0"), map("f.held.a.1"), map("f.held.a.2"), map("f.held.b.0")];
    const [a0, a1, a2, b0] = await sender.send(batch);
    local.clients.sqs.middlewareStack.remove("fakeEntryFailure");
    assert.equal(a0?.ok, true);
    assert.equal(b0?.ok, true);
    assert.ok(a1 !== undefined && !a1.ok && a1.error.retryable);
    assert.equal(a1.error.code, DeliveryErrorCode.Unavailable);
    assert.ok(a2 !== undefined && !a2.ok && a2.error.retryable);
    assert.match(a2.error.message, /held back: an earlier message of FIFO group "a" failed/);

    // The runtime re-sends a-1 and a-2 in order: same dedup ids, so SQS keeps one copy of each.
    assert.deepEqual(oks(await sender.send([batch[1], batch[2]] as typeof batch)), ["ok", "ok"]);
    const bodies = (await drain("held.fifo", 4)).map((m) => m.Body);
    assert.deepEqual(
      bodies.filter((b) => b?.startsWith("a-")),
      ["a-0", "a-1", "a-2"],
    );
    assert.equal(bodies.length, 4);
  });
});
