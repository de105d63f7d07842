import type { PutEventsRequestEntry, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import type { BatchCalls } from "../../aws/batch-calls.ts";
import { chunk, DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyEntry, classifyError } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome, type TargetSender } from "../delivery.ts";
import type { TargetRequest } from "../types.ts";
import { entrySize, MAX_ENTRY_BYTES } from "./map.ts";

/** PutEvents takes at most 10 entries, whose sizes (as AWS sums them) total at most 256 KB. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_CALL_BYTES = MAX_ENTRY_BYTES;

/**
 * PutEvents in calls of up to 10 entries and 256 KB; entries for different buses share calls (each
 * entry names its bus). Calls run in parallel: EventBridge gives no ordering between events anyway.
 * A failed entry fails alone (`FailedEntryCount`); the others of its call are delivered.
 */
export function createEventBridgeSender(batch: BatchCalls, limit: Limiter): TargetSender {
  return {
    async send(requests, signal) {
      const outcomes: DeliveryOutcome[] = new Array(requests.length);
      const sizes = requests.map((r) => entrySize(r.input));
      const sendable: number[] = [];
      for (const [i, size] of sizes.entries()) {
        if (size <= MAX_ENTRY_BYTES) sendable.push(i);
        else
          outcomes[i] = failed(
            new DeliveryError(
              DeliveryErrorCode.TooLarge,
              `EventBridge entry is ${size} bytes, over the ${MAX_ENTRY_BYTES}-byte PutEvents limit`,
            ),
          );
      }
      const put = async (call: readonly number[]): Promise<void> => {
        const entries = call.map((i) => (requests[i] as TargetRequest).input as PutEventsRequestEntry);
        try {
          const out = await limit(() => batch.putEvents({ Entries: entries }, signal));
          for (const [k, i] of call.entries()) outcomes[i] = entryOutcome(out.Entries?.[k]);
        } catch (err) {
          const error = classifyError(err, "EventBridge PutEvents");
          if (!error.retryable && call.length > 1) {
            // AWS refused the whole call (an invalid entry fails the request): find the culprit by
            // sending each entry alone, so one bad message does not dead-letter its neighbours.
            await Promise.all(call.map((i) => put([i])));
            return;
          }
          for (const i of call) outcomes[i] = failed(error);
        }
      };
      const calls = chunk(sendable, MAX_ENTRIES_PER_CALL, MAX_CALL_BYTES, (i) => sizes[i] ?? 0);
      await Promise.all(calls.map(put));
      return outcomes;
    },
  };
}

function entryOutcome(entry: PutEventsResultEntry | undefined): DeliveryOutcome {
  if (entry === undefined) {
    return failed(
      new DeliveryError(
        DeliveryErrorCode.Unavailable,
        "EventBridge PutEvents returned no result for the entry",
      ),
    );
  }
  if (entry.ErrorCode === undefined || entry.ErrorCode === "") return DELIVERED;
  return failed(classifyEntry("EventBridge PutEvents entry", entry.ErrorCode, entry.ErrorMessage));
}
