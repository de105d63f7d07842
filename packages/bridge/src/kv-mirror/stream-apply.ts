import { isDeepStrictEqual } from "node:util";
import type { AttributeValue as DynamoDbValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue, _Record as StreamRecord } from "@aws-sdk/client-dynamodb-streams";
import { checkKey, KvArgumentError, type KvBucket, KvConflictError } from "@junction/sdk/kv";
import type { Logger } from "@junction/sdk/telemetry";
import { MirrorStopped, type RetryTiming, waitToRetry } from "./backoff.ts";
import { decodeValue } from "./encode.ts";
import { Attr } from "./layout.ts";

/** The key's last entry in the bucket (deletes included), or undefined if it never existed. */
export interface KvLatest {
  readonly revision: number;
  readonly operation: "PUT" | "DEL" | "PURGE";
}

export type Decision =
  /** Put `value`, compare-and-set on `expected` (undefined: only if the key has no value). */
  | { readonly kind: "put"; readonly value: Uint8Array; readonly expected?: number }
  | { readonly kind: "delete"; readonly expected: number }
  /** The mirror's own write coming back, or a change the bucket has already moved past. */
  | { readonly kind: "echo" }
  /** Written in DynamoDB, but the value is the same (another attribute changed): nothing to apply. */
  | { readonly kind: "unchanged" }
  | { readonly kind: "ignore"; readonly reason: string };

export type StreamResult = "applied" | "echo" | "unchanged" | "conflict" | "ignored";

type Image = Record<string, AttributeValue> | undefined;

/** The KV key a stream record is about (the default layout's `key`), if it has one. */
export function recordKey(record: StreamRecord): string | undefined {
  return record.dynamodb?.Keys?.[Attr.key]?.S;
}

/**
 * What a change read from the table's stream means for the bucket. The mirror always writes a larger
 * revision than the item had (its writes are conditioned on it), and the bucket holds that revision
 * by then; a change that did not raise the revision, or raised it past anything the bucket knows, was
 * made in DynamoDB. Such a change is applied with compare-and-set on the revision it was made from,
 * so it loses against anything the bucket received meanwhile (the bucket wins conflicts), and the
 * bucket's new revision comes back as the mirror's own write — an echo, never applied again.
 */
export function decide(record: StreamRecord, latest: KvLatest | undefined): Decision {
  const newImage: Image = record.dynamodb?.NewImage;
  const oldImage: Image = record.dynamodb?.OldImage;
  const oldRevision = revisionOf(oldImage);
  if (newImage === undefined) {
    // REMOVE (or a TTL removal, which DynamoDB Local reports under an unknown event name).
    if (oldImage === undefined) return { kind: "ignore", reason: "no old image (stream view type?)" };
    if (operationOf(oldImage) !== "PUT") return { kind: "echo" }; // a tombstone went: already deleted
    if (latest === undefined || latest.operation !== "PUT") return { kind: "echo" };
    if (oldRevision === undefined) return { kind: "ignore", reason: "removed item had no revision" };
    if (latest.revision !== oldRevision) return { kind: "echo" }; // the bucket has moved past that item
    return { kind: "delete", expected: oldRevision };
  }
  const newRevision = revisionOf(newImage);
  const raised = newRevision !== undefined && (oldRevision === undefined || newRevision > oldRevision);
  if (raised && latest !== undefined && latest.revision >= newRevision) return { kind: "echo" };
  const value = newImage[Attr.value];
  if (value === undefined) return { kind: "ignore", reason: `item has no "${Attr.value}" attribute` };
  if (oldImage !== undefined && isDeepStrictEqual(oldImage[Attr.value], value)) return { kind: "unchanged" };
  return {
    kind: "put",
    value: decodeValue(value as DynamoDbValue),
    ...(oldRevision === undefined ? {} : { expected: oldRevision }),
  };
}

function revisionOf(image: Image): number | undefined {
  const text = image?.[Attr.revision]?.N;
  const revision = text === undefined ? Number.NaN : Number(text);
  return Number.isSafeInteger(revision) && revision > 0 ? revision : undefined;
}

function operationOf(image: Image): string {
  return image?.[Attr.operation]?.S ?? "PUT";
}

export interface ApplyDeps {
  readonly bucket: KvBucket<Uint8Array>;
  readonly logger: Logger;
  readonly retry: RetryTiming;
  readonly signal: AbortSignal;
}

/**
 * Applies one stream record to the bucket. NATS failures are retried until they pass or the mirror
 * stops (`MirrorStopped`: the record is read again after a restart); a lost compare-and-set is a
 * conflict the bucket won; a record that cannot be applied (no key, invalid key, no value) is logged
 * and skipped.
 */
export async function applyRecord(record: StreamRecord, deps: ApplyDeps): Promise<StreamResult> {
  const key = recordKey(record);
  const at = { key, sequence: record.dynamodb?.SequenceNumber };
  if (key === undefined) return ignored(deps, at, `no "${Attr.key}" string key`);
  try {
    checkKey(deps.bucket.name, key);
  } catch (err) {
    return ignored(deps, at, (err as Error).message);
  }
  for (let attempt = 1; ; attempt++) {
    if (deps.signal.aborted) throw new MirrorStopped();
    try {
      const entry = await deps.bucket.raw.get(key);
      const latest = entry === null ? undefined : { revision: entry.revision, operation: entry.operation };
      const decision = decide(record, latest);
      if (decision.kind === "echo" || decision.kind === "unchanged") return decision.kind;
      if (decision.kind === "ignore") return ignored(deps, at, decision.reason);
      if (decision.kind === "delete") {
        await deps.bucket.delete(key, { expectedRevision: decision.expected });
      } else if (decision.expected === undefined) {
        await deps.bucket.create(key, decision.value);
      } else {
        await deps.bucket.update(key, decision.value, decision.expected);
      }
      deps.logger.debug(
        { ...at, change: decision.kind },
        "kv mirror: applied a DynamoDB change to the bucket",
      );
      return "applied";
    } catch (err) {
      if (err instanceof KvConflictError) {
        deps.logger.warn(
          { ...at, expectedRevision: err.expectedRevision },
          "kv mirror: a DynamoDB change lost to a newer bucket revision; the bucket's value stands",
        );
        return "conflict";
      }
      if (err instanceof KvArgumentError) return ignored(deps, at, err.message);
      if (attempt === 1 || attempt % 10 === 0)
        deps.logger.warn(
          { ...at, attempt, err: (err as Error).message },
          "kv mirror: could not apply a DynamoDB change; retrying",
        );
      await waitToRetry(deps.retry, attempt, deps.signal);
    }
  }
}

function ignored(deps: ApplyDeps, at: object, reason: string): StreamResult {
  deps.logger.warn(
    { ...at, reason },
    "kv mirror: a DynamoDB change cannot be applied to the bucket; skipped",
  );
  return "ignored";
}
