import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalAws, startLocalAws } from "../stack/local-aws.ts";
import { DedupWindow, type FirstSend } from "./index.ts";
import { localSqsClient } from "./testdata/client.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

let aws: LocalAws;
let sqs: SQSClient;

before(async () => {
  aws = await startLocalAws({ port: 0, functions: {}, baseDir: "." });
  sqs = localSqsClient(aws.url);
});
after(async () => {
  sqs.destroy();
  await aws.close();
});

/** A query-protocol call (form post), as older SDKs and the AWS CLI v1 make it. */
async function query(path: string, params: Record<string, string>): Promise<{ status: number; xml: string }> {
  const res = await fetch(`${aws.url}${path}`, {
    method: "POST",
    headers: FORM,
    body: new URLSearchParams({ Version: "2012-11-05", ...params }).toString(),
  });
  return { status: res.status, xml: await res.text() };
}

const all = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1] as string);
const one = (xml: string, tag: string) => all(xml, tag)[0];

describe("local SQS: query protocol", () => {
  it("creates, sends with attributes, receives and deletes, answering in XML", async () => {
    const created = await query("/", {
      Action: "CreateQueue",
      QueueName: "query-q",
      "Attribute.1.Name": "VisibilityTimeout",
      "Attribute.1.Value": "7",
    });
    assert.equal(created.status, 200, created.xml);
    const url = one(created.xml, "QueueUrl");
    assert.equal(url, `${aws.url}/000000000000/query-q`);

    const attrs = await query("/", {
      Action: "GetQueueAttributes",
      QueueUrl: url as string,
      "AttributeName.1": "All",
    });
    const names = all(attrs.xml, "Name");
    const values = all(attrs.xml, "Value");
    assert.equal(values[names.indexOf("VisibilityTimeout")], "7");

    // Posted to the queue URL's path, without naming the queue: how older clients send.
    const sent = await query("/000000000000/query-q", {
      Action: "SendMessage",
      MessageBody: "a <b> & c",
      "MessageAttribute.1.Name": "Kind",
      "MessageAttribute.1.Value.DataType": "String",
      "MessageAttribute.1.Value.StringValue": "test",
    });
    assert.equal(sent.status, 200, sent.xml);
    assert.match(one(sent.xml, "MessageId") ?? "", /^[0-9a-f-]{36}$/);

    const got = await query("/", {
      Action: "ReceiveMessage",
      QueueUrl: url as string,
      "MessageAttributeName.1": "All",
    });
    assert.equal(one(got.xml, "Body"), "a &#60;b&#62; &#38; c");
    assert.equal(one(one(got.xml, "MessageAttribute") ?? "", "Name"), "Kind");
    assert.equal(one(one(got.xml, "MessageAttribute") ?? "", "StringValue"), "test");

    const deleted = await query("/", {
      Action: "DeleteMessage",
      QueueUrl: url as string,
      ReceiptHandle: (one(got.xml, "ReceiptHandle") ?? "").replaceAll("&#38;", "&"),
    });
    assert.equal(deleted.status, 200, deleted.xml);
    assert.match(deleted.xml, /^<\?xml version="1.0"\?><DeleteMessageResponse /);
  });

  it("answers GET /?Action=ListQueues as SQS, with URLs on the host the client used", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "listed-q" }));
    const port = new URL(aws.url).port;
    const res = await fetch(`http://localhost:${port}/?Action=ListQueues&QueueNamePrefix=listed`);
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.deepEqual(all(xml, "QueueUrl"), [`http://localhost:${port}/000000000000/listed-q`]);
  });

  it("gives AWS's query error shapes and codes", async () => {
    const missing = await query("/", { Action: "GetQueueUrl", QueueName: "no-such-queue" });
    assert.equal(missing.status, 400);
    assert.equal(one(missing.xml, "Code"), "AWS.SimpleQueueService.NonExistentQueue");
    assert.equal(one(missing.xml, "Type"), "Sender");

    const unsupported = await query("/", { Action: "StartMessageMoveTask", SourceArn: "arn" });
    assert.equal(unsupported.status, 400);
    assert.equal(one(unsupported.xml, "Code"), "AWS.SimpleQueueService.UnsupportedOperation");
    assert.match(one(unsupported.xml, "Message") ?? "", /StartMessageMoveTask/);

    const noAction = await fetch(`${aws.url}/?Version=2012-11-05`, {
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=k/20261203/us-east-1/sqs/aws4_request" },
    });
    assert.equal(noAction.status, 400);
    assert.equal(one(await noAction.text(), "Code"), "MissingAction");
  });

  it("answers what it does not serve with a 4xx naming the service and action", async () => {
    const res = await fetch(`${aws.url}/`, {
      method: "POST",
      headers: {
        ...FORM,
        authorization: "AWS4-HMAC-SHA256 Credential=k/20261203/us-east-1/sns/aws4_request",
      },
      body: "Action=CreateTopic&Name=t",
    });
    assert.equal(res.status, 400);
    assert.match(one(await res.text(), "Message") ?? "", /does not serve sns CreateTopic/);
  });
});

describe("local SQS: JSON protocol", () => {
  it("gives path-style queue URLs on the client's host, and takes any host's URL", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "json-q" }));
    assert.equal(QueueUrl, `${aws.url}/000000000000/json-q`);
    const port = new URL(aws.url).port;
    const other = localSqsClient(`http://localhost:${port}`);
    try {
      // The URL names the queue whatever its host (here AWS's own form).
      await other.send(
        new SendMessageCommand({
          QueueUrl: "https://sqs.us-east-1.amazonaws.com/000000000000/json-q",
          MessageBody: "x",
        }),
      );
    } finally {
      other.destroy();
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      Messages?.map((m) => m.Body),
      ["x"],
    );
  });

  it("deduplicates FIFO messages for the whole window, past the emulator's 10,000 ids", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "dedup.fifo", Attributes: { FifoQueue: "true" } }),
    );
    const total = 10_010;
    let firstId: string | undefined;
    for (let i = 0; i < total; i += 10) {
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: Math.min(10, total - i) }, (_, k) => ({
            Id: `e${k}`,
            MessageBody: `m${i + k}`,
            MessageGroupId: "g",
            MessageDeduplicationId: `d${i + k}`,
          })),
        }),
      );
      assert.equal(out.Failed?.length ?? 0, 0);
      if (i === 0) firstId = out.Successful?.find((s) => s.Id === "e0")?.MessageId;
    }
    const again = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: "changed body",
        MessageGroupId: "g",
        MessageDeduplicationId: "d0",
        MessageAttributes: { K: { DataType: "String", StringValue: "v" } },
      }),
    );
    assert.equal(again.MessageId, firstId);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, String(total));
  });
});

describe("DedupWindow", () => {
  it("remembers an id for the window, then forgets it", async () => {
    let now = 0;
    const window = new DedupWindow(300_000, () => now);
    const first: FirstSend = { MessageId: "m1", SequenceNumber: "1" };
    window.remember("q", "d", Promise.resolve(first));
    now = 299_999;
    assert.deepEqual(await window.find("q", "d"), first);
    assert.equal(window.find("other", "d"), undefined);
    now = 300_000;
    assert.equal(window.find("q", "d"), undefined);
  });

  it("forgets an id whose first send failed", async () => {
    const window = new DedupWindow();
    const failed = Promise.reject(new Error("refused"));
    window.remember("q", "d", failed);
    await failed.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(window.find("q", "d"), undefined);
  });
});

describe("local SQS: a long poll whose caller hung up", () => {
  it("hands what it took back to the queue at once, not after the visibility timeout", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "hung-up", Attributes: { VisibilityTimeout: "60" } }),
    );
    const abandoned = new AbortController();
    const poll = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }), { abortSignal: abandoned.signal })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    abandoned.abort();
    await poll;
    // Arrives while the abandoned poll still waits on the emulator's side, which takes it.
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "not lost" }));
    const got: string[] = [];
    const until = Date.now() + 10_000;
    while (got.length === 0 && Date.now() < until) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      got.push(...Messages.map((m) => m.Body ?? ""));
    }
    assert.deepEqual(got, ["not lost"]);
  });
});
