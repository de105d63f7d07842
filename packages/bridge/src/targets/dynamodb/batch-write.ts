import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { BatchCalls } from "../../aws/batch-calls.ts";
import { DELIVERED, failed, type Limiter } from "../batching.ts";
import { classifyError, isMissingResource } from "../classify.ts";
import { DeliveryError, DeliveryErrorCode, type DeliveryOutcome } from "../delivery.ts";
import { keyIdentity, missingTable } from "./keys.ts";

/** BatchWriteItem: at most 25 requests and 16 MB (counted in decimal megabytes, to stay on the safe side). */
export const MAX_ITEMS_PER_CALL = 25;
export const MAX_CALL_BYTES = 16_000_000;

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
 * One BatchWriteItem call of plain puts on one table, keys all distinct. `UnprocessedItems` (AWS could
 * not take them now, usually for throughput) are reported Throttled: retries are the runtime's, with
 * the route's backoff and delivery limit. Returns outcomes aligned with `items`.
 */
export async function writeChunk(
  ctx: BatchWriteContext,
  table: string,
  keyNames: readonly string[],
  items: readonly PutItem[],
): Promise<DeliveryOutcome[]> {
  const request = { [table]: items.map((p) => ({ PutRequest: { Item: p.item } })) };
  let unprocessed: Record<string, AttributeValue>[];
  try {
    const out = await ctx.limit(() => ctx.calls.batchWriteItem({ RequestItems: request }, ctx.signal));
    unprocessed = (out.UnprocessedItems?.[table] ?? []).flatMap((w) =>
      w.PutRequest?.Item === undefined ? [] : [w.PutRequest.Item],
    );
  } catch (err) {
    const error = classifyError(err, `DynamoDB BatchWriteItem on table "${table}"`);
    if (isMissingResource(error)) return items.map(() => failed(missingTable(table, err)));
    if (error.retryable || items.length === 1) return items.map(() => failed(error));
    // One invalid item (over 400 KB, a bad attribute) fails the whole call: put each alone so only
    // that one is rejected.
    return Promise.all(items.map((p) => ctx.putAlone(p.index)));
  }
  if (unprocessed.length === 0) return items.map(() => DELIVERED);
  const byKey = new Map(items.map((p) => [keyIdentity(table, keyNames, p.item), p]));
  const left = unprocessed.map((item) => byKey.get(keyIdentity(table, keyNames, item)));
  // An unprocessed item we cannot match: all of them count as not written (a retried put is harmless).
  const notWritten = new Set(left.includes(undefined) ? items : (left as PutItem[]));
  const throttled = failed(
    new DeliveryError(
      DeliveryErrorCode.Throttled,
      `DynamoDB BatchWriteItem on table "${table}": item left unprocessed (over the table's throughput)`,
    ),
  );
  return items.map((p) => (notWritten.has(p) ? throttled : DELIVERED));
}
