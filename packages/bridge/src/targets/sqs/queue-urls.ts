import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { callOptions, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode } from "../delivery.ts";
import { ensureQueue, queuePlan } from "./queue.ts";

/**
 * A missing queue is remembered this long: a burst of messages for it costs one GetQueueUrl, and a
 * queue created meanwhile (`junction provision`) is found soon after. Found URLs are kept for good.
 */
export const MISSING_QUEUE_TTL_MS = 2000;

export interface QueueUrls {
  /**
   * The queue's URL; throws a `DeliveryError` (Rejected when the queue does not exist). With `create`,
   * a missing queue is created with its DLQ, as `junction provision` would have.
   */
  resolve(
    name: string,
    options?: { readonly create?: boolean; readonly signal?: AbortSignal },
  ): Promise<string>;
  /** Forgets a URL AWS no longer knows (the queue was deleted). */
  forget(name: string): void;
}

type Entry = { readonly url: Promise<string> } | { readonly missing: DeliveryError; readonly until: number };

export function missingQueue(name: string, cause?: unknown): DeliveryError {
  return new DeliveryError(DeliveryErrorCode.Rejected, `queue "${name}" does not exist`, {
    cause,
    awsCode: "QueueDoesNotExist",
  });
}

export function createQueueUrls(client: SQSClient, limit: Limiter, now: () => number = Date.now): QueueUrls {
  const entries = new Map<string, Entry>();
  return {
    resolve(name, options = {}) {
      const { create = false, signal } = options;
      const entry = entries.get(name);
      if (entry !== undefined) {
        if ("url" in entry) return entry.url;
        if (entry.until > now() && !create) return Promise.reject(entry.missing);
      }
      const createQueue = async (): Promise<string> => {
        try {
          return (await limit(() => ensureQueue(client, queuePlan(name)))).url;
        } catch (err) {
          entries.delete(name);
          throw classifyError(err, `SQS CreateQueue for queue "${name}"`);
        }
      };
      const lookup = async (): Promise<string> => {
        try {
          const out = await limit(() =>
            client.send(new GetQueueUrlCommand({ QueueName: name }), callOptions(signal)),
          );
          if (out.QueueUrl === undefined || out.QueueUrl === "")
            throw new DeliveryError(DeliveryErrorCode.Unavailable, `GetQueueUrl gave no URL for "${name}"`);
          return out.QueueUrl;
        } catch (err) {
          const error = classifyError(err, `SQS GetQueueUrl for queue "${name}"`);
          if (isMissingResource(error)) {
            if (create) return await createQueue();
            const missing = missingQueue(name, err);
            entries.set(name, { missing, until: now() + MISSING_QUEUE_TTL_MS });
            throw missing;
          }
          // Throttling, network: not remembered, the next batch asks again.
          entries.delete(name);
          throw error;
        }
      };
      // The pending lookup is cached too: concurrent batches for one queue share one GetQueueUrl (and
      // one creation).
      const url = lookup();
      entries.set(name, { url });
      return url;
    },
    forget(name) {
      entries.delete(name);
    },
  };
}
