import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { ConformanceFixture } from "../../testdata/conformance.ts";
import type { LocalTargets } from "../../testdata/local.ts";

/** Receives (and deletes) what is in queue `name`; the `n`s come from each message's body. */
export async function drainQueue(local: LocalTargets, name: string, nOf: (body: string) => string) {
  const { sqs } = local.clients;
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl;
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  if (Messages.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return Messages.map((m) => nOf(m.Body ?? ""));
}

export const fixture: ConformanceFixture = {
  entry: (queue) => `{ type: sqs, queue: ${queue}, attributes: { N: "{$json.n}" } }`,
  batchCommand: "SendMessageBatchCommand",
  async create(local, queue) {
    await local.clients.sqs.send(new CreateQueueCommand({ QueueName: queue }));
  },
  arrived: (local, queue) => drainQueue(local, queue, (body) => (JSON.parse(body) as { n: string }).n),
};
