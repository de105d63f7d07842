import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Logger } from "@junction/sdk/telemetry";
import { classifyError } from "../targets/classify.ts";
import { DeliveryErrorCode } from "../targets/delivery.ts";
import { MirrorStopped, type RetryTiming, waitToRetry } from "./backoff.ts";
import { type MirrorEntry, type MirrorWrite, refusedWrite } from "./layout.ts";
import type { KvMirrorMetrics } from "./metrics.ts";

/** Tries before a refused value is given up and its item written without it. */
export const REFUSED_TRIES = 3;

export interface WriterDeps {
  readonly dynamodb: DynamoDBClient;
  readonly logger: Logger;
  readonly metrics: KvMirrorMetrics;
  readonly labels: { readonly bucket: string; readonly table: string };
  readonly retry: RetryTiming;
  /** Aborted by stop(): waiting retries end with `MirrorStopped`, the entry stays unconfirmed. */
  readonly signal: AbortSignal;
}

export type WriteOutcome = "written" | "stale" | "refused";

/**
 * Sends one entry's writes in order. Throttling and unavailability are retried with backoff for as
 * long as it takes (nothing is skipped, the lag metric shows it). A permanent refusal is retried
 * `REFUSED_TRIES` times; if the write carries a value, its item is then written without it and with
 * `valueError` (docs/kv-mirror.md, "Failures"). A refusal that is not about the value (the item is
 * refused without it too: missing table, access denied) holds the entry and retries the real write,
 * logging each time, until it succeeds or the mirror stops — skipping it would leave DynamoDB silently
 * behind the bucket.
 */
export async function sendWrites(
  entry: MirrorEntry,
  writes: readonly MirrorWrite[],
  deps: WriterDeps,
): Promise<WriteOutcome> {
  let outcome: WriteOutcome = "written";
  for (const write of writes) {
    const result = await sendOne(entry, write, deps);
    if (result === "refused") outcome = "refused";
    else if (result === "stale" && outcome === "written") outcome = "stale";
  }
  return outcome;
}

async function sendOne(entry: MirrorEntry, original: MirrorWrite, deps: WriterDeps): Promise<WriteOutcome> {
  const { logger, metrics, labels } = deps;
  const at = { ...labels, key: entry.key, revision: entry.revision };
  let write = original;
  /** Still possible that the value is what DynamoDB refuses (until the item without it was refused too). */
  let valueSuspect = original.kind === "put" && original.hasValue;
  let attempt = 0;
  let permanent = 0;
  for (;;) {
    if (deps.signal.aborted) throw new MirrorStopped();
    try {
      if (write.kind === "put") await deps.dynamodb.send(new PutItemCommand(write.input));
      else await deps.dynamodb.send(new DeleteItemCommand(write.input));
      metrics.writes.inc({ ...labels, operation: entry.operation });
      if (write === original) return "written";
      metrics.refused.inc(labels);
      return "refused";
    } catch (err) {
      const error = classifyError(
        err,
        `DynamoDB ${write.kind === "put" ? "PutItem" : "DeleteItem"} to table "${labels.table}"`,
      );
      if (error.code === DeliveryErrorCode.ConditionFailed) {
        metrics.stale.inc(labels);
        return "stale";
      }
      metrics.failures.inc({ ...labels, code: error.code });
      attempt++;
      if (error.retryable) {
        if (attempt === 1 || attempt % 10 === 0)
          logger.warn({ ...at, attempt, err: error.message }, "kv mirror: DynamoDB write failed; retrying");
      } else if (write !== original) {
        // Refused even without its value: the value is not the problem. Hold the real write.
        valueSuspect = false;
        write = original;
        attempt = 0;
        continue;
      } else if (valueSuspect && ++permanent >= REFUSED_TRIES && original.kind === "put") {
        logger.error(
          { ...at, err: error.message },
          "kv mirror: DynamoDB refused the value; writing the item without it (valueError says why)",
        );
        write = refusedWrite(original, error.message);
        continue;
      } else if (!valueSuspect) {
        logger.error(
          { ...at, attempt, err: error.message },
          "kv mirror: DynamoDB refuses this write; holding the mirror and retrying",
        );
      }
      await waitToRetry(deps.retry, attempt, deps.signal);
    }
  }
}
