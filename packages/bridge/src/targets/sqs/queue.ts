import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { ResourceOutcome } from "../resources.ts";

export interface QueuePlan {
  readonly name: string;
  readonly fifo: boolean;
  /** Its dead-letter queue, with the redrive policy's receive count. */
  readonly dlq: { readonly name: string; readonly maxReceiveCount: number };
}

/** How many receives a message gets before SQS moves it to the queue's DLQ. */
export const MAX_RECEIVE_COUNT = 5;

export function queuePlan(name: string): QueuePlan {
  const fifo = name.endsWith(".fifo");
  const base = fifo ? name.slice(0, -".fifo".length) : name;
  return {
    name,
    fifo,
    dlq: { name: `${base}-dlq${fifo ? ".fifo" : ""}`, maxReceiveCount: MAX_RECEIVE_COUNT },
  };
}

/**
 * The queue and its DLQ, with a redrive policy pointing at the DLQ; answers the queue's URL. Also used
 * by SQS targets with `createQueue: true` for queues whose names only messages tell.
 */
export async function ensureQueue(
  sqs: SQSClient,
  queue: QueuePlan,
): Promise<ResourceOutcome & { readonly url: string }> {
  const fifo = queue.fifo ? { FifoQueue: "true" } : undefined;
  const dlq = await createOrGet(sqs, queue.dlq.name, fifo);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ["QueueArn"] }),
  );
  const redrive = JSON.stringify({
    deadLetterTargetArn: Attributes?.QueueArn,
    maxReceiveCount: queue.dlq.maxReceiveCount,
  });
  const main = await createOrGet(sqs, queue.name, { ...fifo, RedrivePolicy: redrive });
  const detail = `dead letters to ${queue.dlq.name} after ${queue.dlq.maxReceiveCount} receives`;
  const url = main.url;
  if (main.created) return { outcome: "created", detail, url };
  const current = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: main.url, AttributeNames: ["RedrivePolicy"] }),
  );
  if (sameRedrive(current.Attributes?.RedrivePolicy, redrive))
    return { outcome: dlq.created ? "updated" : "unchanged", detail, url };
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: main.url, Attributes: { RedrivePolicy: redrive } }),
  );
  return { outcome: "updated", detail, url };
}

async function createOrGet(sqs: SQSClient, name: string, attributes: Record<string, string> | undefined) {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return { url: QueueUrl as string, created: false };
  } catch (err) {
    if (!(err instanceof QueueDoesNotExist)) throw err;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }),
    );
    return { url: QueueUrl as string, created: true };
  }
}

function sameRedrive(current: string | undefined, wanted: string): boolean {
  try {
    const a = JSON.parse(current ?? "{}") as Record<string, unknown>;
    const b = JSON.parse(wanted) as Record<string, unknown>;
    return (
      a.deadLetterTargetArn === b.deadLetterTargetArn &&
      Number(a.maxReceiveCount) === Number(b.maxReceiveCount)
    );
  } catch {
    return false;
  }
}
