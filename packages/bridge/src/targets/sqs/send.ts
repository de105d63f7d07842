import type { SendMessageBatchRequestEntry, SendMessageBatchResult, SQSClient } from "@aws-sdk/client-sqs";
import type { BatchCalls } from "../../aws/batch-calls.ts";
import { chunk, DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyEntry, classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome, type TargetSender } from "../delivery.ts";
import { createQueueUrls, missingQueue } from "./queue-urls.ts";

/** SendMessageBatch: at most 10 entries, and 1 MiB for all bodies and attributes together. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_CALL_BYTES = 1024 * 1024;

interface Queue {
  readonly name: string;
  readonly url: string | undefined;
  /** Some request for it asked to create the queue when it is missing. */
  create: boolean;
  readonly items: Item[];
}

interface Item {
  readonly index: number;
  readonly entry: Omit<SendMessageBatchRequestEntry, "Id">;
  readonly size: number;
  readonly group: string | undefined;
}

/**
 * SendMessageBatch per queue. Standard queues: the queue's calls run in parallel. FIFO queues: calls
 * run one after another, entries in input order, so a group's messages reach SQS in order. SQS takes
 * a batch's entries in order, but once it has accepted a later entry of a group whose earlier entry
 * failed, it cannot be taken back. So after a retryable failure in group G, every later entry of G in
 * this send is reported failed too ("held back"): not sent when it is in a later call, and, when SQS
 * already accepted it in the same call, re-sent by the runtime after the failed one, where the FIFO
 * dedup id (the message id) makes the re-send a no-op instead of a duplicate. A permanent failure
 * (SenderFault: the message is dead-lettered) does not hold its group back.
 */
export function createSqsSender(client: SQSClient, batch: BatchCalls, limit: Limiter): TargetSender {
  const urls = createQueueUrls(client, limit);

  return {
    async send(requests, signal) {
      const outcomes: DeliveryOutcome[] = new Array(requests.length);
      const queues = new Map<string, Queue>();
      for (const [index, request] of requests.entries()) {
        const { QueueUrl, ...entry } = request.input as Record<string, unknown> & { QueueUrl?: string };
        const url = typeof QueueUrl === "string" ? QueueUrl : undefined;
        const key = url ?? `name:${request.resource}`;
        let queue = queues.get(key);
        if (queue === undefined) {
          queue = { name: request.resource, url, create: false, items: [] };
          queues.set(key, queue);
        }
        if (request.createMissing) queue.create = true;
        const e = entry as Item["entry"];
        queue.items.push({ index, entry: e, size: messageSize(e), group: e.MessageGroupId });
      }

      const sendBatch = async (
        queue: Queue,
        url: string,
        items: readonly Item[],
      ): Promise<DeliveryOutcome[]> => {
        const { name } = queue;
        const context = `SQS SendMessageBatch to queue "${name}"`;
        let out: SendMessageBatchResult;
        try {
          const Entries = items.map((item, k) => ({ ...item.entry, Id: String(k) }));
          out = await limit(() => batch.sendMessageBatch({ QueueUrl: url, Entries }, signal));
        } catch (err) {
          const error = classifyError(err, context);
          if (isMissingResource(error)) {
            urls.forget(name);
            // Deleted since its URL was cached: a queue we may create is created again on the retry.
            const missing = queue.create
              ? new DeliveryError(
                  DeliveryErrorCode.Unavailable,
                  `queue "${name}" was deleted; creating it again`,
                  {
                    cause: err,
                  },
                )
              : missingQueue(name, err);
            return items.map(() => failed(missing));
          }
          if (error.retryable || items.length === 1) return items.map(() => failed(error));
          // AWS refused the whole call for something one entry carries: find it by sending each alone
          // (one after another, which keeps FIFO order).
          const alone: DeliveryOutcome[] = [];
          for (const item of items) alone.push(...(await sendBatch(queue, url, [item])));
          return alone;
        }
        const results: (DeliveryOutcome | undefined)[] = new Array(items.length);
        for (const ok of out.Successful ?? []) results[Number(ok.Id)] = DELIVERED;
        for (const f of out.Failed ?? [])
          results[Number(f.Id)] = failed(
            classifyEntry(context, f.Code ?? "Unknown", f.Message, f.SenderFault),
          );
        // An error (with its stack) only for an entry AWS said nothing about: never on the happy path.
        return Array.from(
          results,
          (r) =>
            r ??
            failed(new DeliveryError(DeliveryErrorCode.Unavailable, `${context}: no result for the entry`)),
        );
      };

      const sendQueue = async (queue: Queue) => {
        let url: string;
        try {
          url =
            queue.url ??
            (await urls.resolve(queue.name, { create: queue.create, ...(signal ? { signal } : {}) }));
        } catch (err) {
          const error = classifyError(err, `SQS queue "${queue.name}"`);
          for (const item of queue.items) outcomes[item.index] = failed(error);
          return;
        }
        const calls = chunk(queue.items, MAX_ENTRIES_PER_CALL, MAX_CALL_BYTES, (item) => item.size);
        if (!queue.name.endsWith(".fifo")) {
          await Promise.all(
            calls.map(async (call) => {
              const results = await sendBatch(queue, url, call);
              for (const [k, item] of call.entries()) outcomes[item.index] = results[k] as DeliveryOutcome;
            }),
          );
          return;
        }
        const blocked = new Map<string, DeliveryError>();
        for (const call of calls) {
          const ready = call.filter((item) => {
            const cause = item.group === undefined ? undefined : blocked.get(item.group);
            if (cause !== undefined) outcomes[item.index] = failed(heldBack(item.group as string, cause));
            return cause === undefined;
          });
          if (ready.length === 0) continue;
          const results = await sendBatch(queue, url, ready);
          for (const [k, item] of ready.entries()) {
            const result = results[k] as DeliveryOutcome;
            const cause = item.group === undefined ? undefined : blocked.get(item.group);
            if (cause !== undefined) outcomes[item.index] = failed(heldBack(item.group as string, cause));
            else {
              outcomes[item.index] = result;
              if (!result.ok && result.error.retryable && item.group !== undefined)
                blocked.set(item.group, result.error);
            }
          }
        }
      };

      await Promise.all([...queues.values()].map(sendQueue));
      return outcomes;
    },
  };
}

function heldBack(group: string, cause: DeliveryError): DeliveryError {
  return new DeliveryError(
    cause.code as DeliveryErrorCode,
    `held back: an earlier message of FIFO group "${group}" failed (${cause.message})`,
    { cause, ...(cause.awsCode === undefined ? {} : { awsCode: cause.awsCode }) },
  );
}

/** As SQS counts a message toward its limits: body plus each attribute's name, type and value. */
function messageSize(entry: Item["entry"]): number {
  let size = Buffer.byteLength(entry.MessageBody ?? "", "utf8");
  for (const [name, attr] of Object.entries(entry.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(attr.DataType ?? "", "utf8");
    if (attr.StringValue !== undefined) size += Buffer.byteLength(attr.StringValue, "utf8");
    if (attr.BinaryValue !== undefined) size += attr.BinaryValue.byteLength;
  }
  return size;
}
