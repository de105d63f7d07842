// SQS with a persist directory: queues, their attributes and their messages outlive the stack; what was
// in flight when it stopped is visible again (its receipt handles went with the old run), in order.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { startLocalAws } from "../stack/local-aws.ts";
import { localSqsClient } from "./testdata/client.ts";

const persistDir = mkdtempSync(join(tmpdir(), "junction-sqs-persist-"));
after(() => rmSync(persistDir, { recursive: true, force: true }));

async function withStack<T>(use: (sqs: SQSClient) => Promise<T>): Promise<T> {
  const aws = await startLocalAws({ port: 0, functions: {}, baseDir: ".", persistDir });
  const sqs = localSqsClient(aws.url);
  try {
    return await use(sqs);
  } finally {
    sqs.destroy();
    await aws.close();
  }
}

const receiveAll = async (sqs: SQSClient, url: string) =>
  (
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? []
  ).map((m) => m.Body);

describe("local SQS with a persist directory", () => {
  it("keeps queues and messages across a restart, in-flight ones visible again", async () => {
    const urls = await withStack(async (sqs) => {
      const jobs = (
        await sqs.send(
          new CreateQueueCommand({ QueueName: "jobs", Attributes: { VisibilityTimeout: "600" } }),
        )
      ).QueueUrl as string;
      const ordered = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: "ordered.fifo",
            Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
          }),
        )
      ).QueueUrl as string;
      for (const body of ["j1", "j2"])
        await sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: body }));
      for (const body of ["o1", "o2", "o3"])
        await sqs.send(new SendMessageCommand({ QueueUrl: ordered, MessageBody: body, MessageGroupId: "g" }));
      // j1 taken and not deleted when the stack stops: in flight for 10 minutes; j2 handed back.
      const taken =
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl: jobs, MaxNumberOfMessages: 2 }))).Messages ??
        [];
      assert.deepEqual(
        taken.map((m) => m.Body),
        ["j1", "j2"],
      );
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: jobs,
          ReceiptHandle: taken[1]?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      assert.deepEqual(
        (
          await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: ordered, MaxNumberOfMessages: 2, VisibilityTimeout: 600 }),
          )
        ).Messages?.map((m) => m.Body),
        ["o1", "o2"],
      );
      return { jobs, ordered };
    });

    await withStack(async (sqs) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: urls.jobs, AttributeNames: ["VisibilityTimeout"] }),
      );
      assert.equal(Attributes?.VisibilityTimeout, "600");
      assert.deepEqual((await receiveAll(sqs, urls.jobs)).sort(), ["j1", "j2"]);
      assert.deepEqual(await receiveAll(sqs, urls.ordered), ["o1", "o2", "o3"]);
    });
  });
});
