// AWS's receive rules at the edge, driven by the AWS SDK v3: FIFO groups hand out several messages in
// order per receive and stay blocked while any is in flight; the in-flight quota (lowered here from
// AWS's 120,000 so the test stays small) is OverLimit on a standard queue and an empty answer on FIFO.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "../stack/local-aws.ts";
import { localSqsClient } from "./testdata/client.ts";

const LIMIT = 5;
let aws: LocalAws;
let sqs: SQSClient;

before(async () => {
  aws = await startLocalAws({ port: 0, functions: {}, baseDir: ".", sqsInFlightLimit: LIMIT });
  sqs = localSqsClient(aws.url);
});
after(async () => {
  sqs.destroy();
  await aws.close();
});

async function queue(name: string, fifo: boolean): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      ...(fifo ? { Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } } : {}),
    }),
  );
  return QueueUrl as string;
}

async function send(url: string, bodies: readonly string[], group?: (body: string) => string) {
  const { Failed } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        ...(group === undefined ? {} : { MessageGroupId: group(body) }),
      })),
    }),
  );
  assert.equal(Failed?.length ?? 0, 0, JSON.stringify(Failed));
}

async function receive(url: string, max: number, visibilityTimeout = 300): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: max,
      VisibilityTimeout: visibilityTimeout,
    }),
  );
  return Messages ?? [];
}

const bodies = (messages: readonly Message[]) => messages.map((m) => m.Body);

describe("local SQS: FIFO receive", () => {
  it("hands out several messages of a group in order, and blocks the group while any is in flight", async () => {
    const url = await queue("groups.fifo", true);
    // At most 4 in flight at once here, under the stack's lowered limit.
    await send(url, ["A0", "A1", "B0", "A2", "B1"], (body) => body.slice(0, 1));

    const first = await receive(url, 2);
    assert.deepEqual(bodies(first), ["A0", "A1"]);
    // A2 waits behind A0 and A1 in flight: only B's messages come.
    const second = await receive(url, 10, 1);
    assert.deepEqual(bodies(second), ["B0", "B1"]);
    assert.deepEqual(bodies(await receive(url, 10)), []);

    // Made visible one by one, in order: they come back in their group's order, before A2.
    for (const m of first)
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    const again = await receive(url, 10);
    assert.deepEqual(bodies(again), ["A0", "A1", "A2"]);
    for (const m of again)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));

    // B1's visibility ends after B0's (fauxqs alone puts the later one first): still B0, B1.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: second[1]?.ReceiptHandle,
        VisibilityTimeout: 2,
      }),
    );
    await sleep(2_500);
    assert.deepEqual(bodies(await receive(url, 10)), ["B0", "B1"]);
  });
});

describe("local SQS: messages in flight per queue", () => {
  it("refuses a standard queue's receive at the limit with OverLimit, in both protocols", async () => {
    const url = await queue("busy", false);
    await send(url, ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);
    const taken = await receive(url, 10);
    assert.equal(taken.length, LIMIT, "a receive takes only what the limit leaves room for");

    await assert.rejects(receive(url, 1), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.name, "OverLimit");
      assert.equal(err.$metadata?.httpStatusCode, 403);
      assert.match(err.message, /limit of 5 messages in flight/);
      return true;
    });
    const query = await fetch(aws.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        Action: "ReceiveMessage",
        QueueUrl: url,
        Version: "2012-11-05",
      }).toString(),
    });
    const xml = await query.text();
    assert.equal(query.status, 403, xml);
    assert.match(xml, /<Code>OverLimit<\/Code>/);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: taken[0]?.ReceiptHandle }));
    assert.equal((await receive(url, 10)).length, 1, "a deleted message makes room for one");
  });

  it("answers a FIFO queue's receive at the limit with no messages and no error", async () => {
    const url = await queue("busy.fifo", true);
    await send(url, ["g0", "g1", "g2", "g3", "g4", "g5", "g6"], (body) => body);
    assert.equal((await receive(url, 10)).length, LIMIT);
    assert.deepEqual(await receive(url, 10), []);
  });
});
