import { randomUUID } from "node:crypto";
import type {
  DlqResolver,
  FauxqsInternals,
  FauxqsMessage,
  FauxqsQueue,
  FauxqsReceived,
  FauxqsSqsStore,
} from "./fauxqs-store.ts";

/** AWS's in-flight quota per queue, standard and FIFO alike (SQS developer guide, "quotas"). */
export const SQS_IN_FLIGHT_LIMIT = 120_000;

/**
 * Gives every queue of `store` what fauxqs does differently from SQS:
 * - a FIFO receive returns as many messages of one group as it can, in order (fauxqs returns one per
 *   group), and a group stays blocked while any of its messages is in flight;
 * - a FIFO message that becomes visible again goes back to its place in the group's order (fauxqs puts
 *   each one first, which reverses several that come back together, or come back at different times);
 * - at `inFlightLimit` messages in flight a standard queue's receive fails with `OverLimit` (403) and a
 *   FIFO queue's returns nothing, as the AWS quotas page says each does.
 * Written here because fauxqs has no hook for it; it works on the queue's own fields and keeps its
 * persistence calls, so `--persist` sees the same states.
 */
export function applySqsRules(
  store: FauxqsSqsStore,
  internals: FauxqsInternals,
  inFlightLimit = SQS_IN_FLIGHT_LIMIT,
): void {
  const createQueue = store.createQueue.bind(store);
  store.createQueue = (...args) => {
    const queue = createQueue(...args);
    const dequeueStandard = queue.dequeue.bind(queue);
    const changeVisibility = queue.changeVisibility.bind(queue);
    const processTimers = queue.processTimers.bind(queue);

    // fauxqs puts a FIFO message made visible again first in its group; put the group back in order.
    queue.processTimers = () => {
      if (!queue.isFifo()) return processTimers();
      // A margin, because fauxqs reads the clock again: an entry expiring in between is still sorted.
      const soon = Date.now() + EXPIRY_MARGIN_MS;
      const groups = new Set<string>();
      for (const entry of queue.inflightMessages.values())
        if (entry.visibilityDeadline <= soon) groups.add(groupOf(entry.message));
      processTimers();
      inSequence(queue, groups);
    };
    queue.changeVisibility = (receiptHandle, timeoutSeconds) => {
      const entry = queue.inflightMessages.get(receiptHandle);
      changeVisibility(receiptHandle, timeoutSeconds);
      if (entry !== undefined && timeoutSeconds === 0 && queue.isFifo())
        inSequence(queue, [groupOf(entry.message)]);
    };
    queue.dequeue = (maxCount, visibilityTimeout, dlq) => {
      queue.processTimers();
      const room = inFlightLimit - queue.inflightMessages.size;
      if (room <= 0) {
        if (queue.isFifo()) return [];
        throw new internals.SqsError(
          "OverLimit",
          `The queue has reached its limit of ${inFlightLimit} messages in flight. Delete messages or let them become visible, then receive again.`,
          403,
        );
      }
      const count = Math.min(maxCount, room);
      return queue.isFifo()
        ? dequeueFifo(queue, count, visibilityTimeout, dlq)
        : dequeueStandard(count, visibilityTimeout, dlq);
    };
    return queue;
  };
}

/** How far ahead `processTimers` looks for FIFO messages about to become visible again. */
const EXPIRY_MARGIN_MS = 1000;

/**
 * Sorts each group's waiting messages by sequence number, which is their order in a FIFO group.
 * Sequence numbers are zero-padded to one width, so text order is number order; an already sorted
 * group costs one pass.
 */
function inSequence(queue: FauxqsQueue, groupIds: Iterable<string>): void {
  for (const groupId of groupIds) {
    queue.fifoMessages
      .get(groupId)
      ?.sort((a, b) => ((a.sequenceNumber ?? "") < (b.sequenceNumber ?? "") ? -1 : 1));
  }
}

function dequeueFifo(
  queue: FauxqsQueue,
  count: number,
  visibilityTimeout: number | undefined,
  dlq: DlqResolver | undefined,
): FauxqsReceived[] {
  const timeout = visibilityTimeout ?? Number.parseInt(queue.attributes.VisibilityTimeout ?? "30", 10);
  const redrive = redrivePolicy(queue);
  const received: FauxqsReceived[] = [];
  for (const [groupId, messages] of queue.fifoMessages) {
    if (received.length >= count) break;
    if (queue.fifoLockedGroups.has(groupId)) continue;
    while (received.length < count && messages.length > 0) {
      const message = messages.shift() as FauxqsMessage;
      message.approximateReceiveCount++;
      message.approximateFirstReceiveTimestamp ??= Date.now();
      const target =
        redrive !== undefined && message.approximateReceiveCount > redrive.maxReceiveCount
          ? dlq?.(redrive.deadLetterTargetArn)
          : undefined;
      if (target !== undefined) {
        queue.persistence?.deleteMessage(message.messageId);
        target.enqueue(message);
        continue;
      }
      const receiptHandle = randomUUID();
      const visibilityDeadline = Date.now() + timeout * 1000;
      queue.inflightMessages.set(receiptHandle, { message, receiptHandle, visibilityDeadline });
      queue.persistence?.updateMessageInflight(
        message.messageId,
        receiptHandle,
        visibilityDeadline,
        message.approximateReceiveCount,
        message.approximateFirstReceiveTimestamp,
      );
      queue.fifoLockedGroups.set(groupId, (queue.fifoLockedGroups.get(groupId) ?? 0) + 1);
      received.push({
        MessageId: message.messageId,
        ReceiptHandle: receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
        ...(Object.keys(message.messageAttributes).length > 0
          ? { MessageAttributes: message.messageAttributes }
          : {}),
      });
    }
    if (messages.length === 0) queue.fifoMessages.delete(groupId);
  }
  return received;
}

/** fauxqs's default group for FIFO messages sent without one. */
const DEFAULT_GROUP = "__default";

function groupOf(message: FauxqsMessage): string {
  return message.messageGroupId ?? DEFAULT_GROUP;
}

function redrivePolicy(
  queue: FauxqsQueue,
): { maxReceiveCount: number; deadLetterTargetArn: string } | undefined {
  const text = queue.attributes.RedrivePolicy;
  if (text === undefined || text === "") return undefined;
  try {
    const { maxReceiveCount, deadLetterTargetArn } = JSON.parse(text) as Record<string, unknown>;
    const max = Number(maxReceiveCount);
    return typeof deadLetterTargetArn === "string" && Number.isFinite(max)
      ? { maxReceiveCount: max, deadLetterTargetArn }
      : undefined;
  } catch {
    return undefined; // fauxqs validates the policy when it is set
  }
}
