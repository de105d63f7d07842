import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { backoff, sleep } from "@junction/sdk/resilience";
import type { BatchCalls } from "../../aws/batch-calls.ts";
import { DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome } from "../delivery.ts";
import { keyIdentity, missingTable } from "./keys.ts";

/** BatchWriteItem: at most 25 requests and 16 MB (counted in decimal megabytes, to stay on the safe side). */
export const MAX_ITEMS_PER_CALL = 25;
export const MAX_CALL_BYTES = 16_000_000;
/** Calls per chunk (the first and the retries of `UnprocessedItems`), and the first retry's delay. */
export const MAX_ATTEMPTS = 4;
const BACKOFF_MS = 40;

export interface PutItem {
  readonly index: number;
  readonly item: Record<string, AttributeValue>;
}

export interface BatchWriteContext {
  readonly calls: BatchCalls;
  readonly limit: Limiter;
  readonly signal: AbortSignal | undefined;
  /** A PutItem of its own, for isolating the item that made AWS refuse a whole call. */
  readonly putAlone: (index: number) => Promise<DeliveryOutcome>;
}

/** An item's size in the request: its JSON, binary values as base64 (as the SDK sends them). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  const json = JSON.stringify(item, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
  );
  return Buffer.byteLength(json, "utf8");
}

/**
 * One BatchWriteItem chunk of plain puts on one table, keys all distinct. `UnprocessedItems` (AWS
 * could not take them now, usually for throughput) are re-sent a few times with a short jittered
 * backoff, then reported Throttled for the runtime's own retry. Returns outcomes aligned with `items`.
 */
export async function writeChunk(
  ctx: BatchWriteContext,
  table: string,
  keyNames: readonly string[],
  items: readonly PutItem[],
): Promise<DeliveryOutcome[]> {
  const outcomes = new Map<number, DeliveryOutcome>();
  const byKey = new Map(items.map((p) => [keyIdentity(table, keyNames, p.item), p]));
  let pending: readonly PutItem[] = items;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 0) {
      await sleep(backoff(attempt - 1, { baseMs: BACKOFF_MS, jitter: "equal" }), ctx.signal);
    }
    const request = { [table]: pending.map((p) => ({ PutRequest: { Item: p.item } })) };
    let unprocessed: Record<string, AttributeValue>[];
    try {
      const out = await ctx.limit(() => ctx.calls.batchWriteItem({ RequestItems: request }, ctx.signal));
      unprocessed = (out.UnprocessedItems?.[table] ?? []).flatMap((w) =>
        w.PutRequest?.Item === undefined ? [] : [w.PutRequest.Item],
      );
    } catch (err) {
      const error = classifyError(err, `DynamoDB BatchWriteItem on table "${table}"`);
      if (isMissingResource(error)) {
        for (const p of pending) outcomes.set(p.index, failed(missingTable(table, err)));
      } else if (error.retryable || pending.length === 1) {
        for (const p of pending) outcomes.set(p.index, failed(error));
      } else {
        // One invalid item (over 400 KB, a bad attribute) fails the whole call: put each alone so
        // only that one is rejected.
        const alone = await Promise.all(pending.map((p) => ctx.putAlone(p.index)));
        for (const [k, p] of pending.entries()) outcomes.set(p.index, alone[k] as DeliveryOutcome);
      }
      pending = [];
      break;
    }
    const left = unprocessed.map((item) => byKey.get(keyIdentity(table, keyNames, item)));
    // An unprocessed item we cannot match: re-send them all (puts of the same items are idempotent).
    const next = left.includes(undefined) ? pending : (left as PutItem[]);
    const leftIndexes = new Set(next.map((p) => p.index));
    for (const p of pending) if (!leftIndexes.has(p.index)) outcomes.set(p.index, DELIVERED);
    pending = next;
  }
  const error = new DeliveryError(
    DeliveryErrorCode.Throttled,
    `DynamoDB BatchWriteItem on table "${table}": item still unprocessed after ${MAX_ATTEMPTS} attempts`,
  );
  for (const p of pending) outcomes.set(p.index, failed(error));
  return items.map((p) => outcomes.get(p.index) as DeliveryOutcome);
}
