import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { JunctionError } from "../errors/index.ts";
import { toJetStreamError } from "../errors/jetstream.ts";

export const KvErrorCode = {
  Conflict: "ERR_KV_CONFLICT",
  InvalidArgument: "ERR_KV_INVALID_ARGUMENT",
} as const;

/**
 * A compare-and-set failed: the key's latest revision is not `expectedRevision` (someone wrote first).
 * `create()` is a CAS against revision 0, so "the key exists" is this error too, with `expectedRevision: 0`.
 */
export class KvConflictError extends JunctionError {
  readonly bucket: string;
  readonly key: string;
  readonly expectedRevision: number;
  constructor(bucket: string, key: string, expectedRevision: number, options?: ErrorOptions) {
    super(
      KvErrorCode.Conflict,
      expectedRevision === 0
        ? `KV ${bucket}: key "${key}" already exists`
        : `KV ${bucket}: key "${key}" is not at revision ${expectedRevision}`,
      options,
    );
    this.bucket = bucket;
    this.key = key;
    this.expectedRevision = expectedRevision;
  }
}

/** A key or revision the bucket can never accept (checked before anything is sent). */
export class KvArgumentError extends JunctionError {
  constructor(message: string) {
    super(KvErrorCode.InvalidArgument, message);
  }
}

// Same rule as nats.js (kv.ts validateKey), checked here so the error is typed.
const VALID_KEY = /^[-/=.\w]+$/;
const VALID_PATTERN = /^[-/=.>*\w]+$/;

/** A key, or with `pattern` a watch / keys filter (`*`, `>` allowed). */
export function checkKey(bucket: string, key: string, pattern = false): void {
  if (key.startsWith(".") || key.endsWith(".") || !(pattern ? VALID_PATTERN : VALID_KEY).test(key)) {
    throw new KvArgumentError(`KV ${bucket}: invalid key "${key}" (letters, digits, - / _ = and inner dots)`);
  }
}

/** nats.js → ours: a wrong-last-sequence API error (10071 / 10164) on a CAS write is a conflict. */
export function toKvError(err: unknown, bucket: string, key: string, expectedRevision?: number): Error {
  if (
    expectedRevision !== undefined &&
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  ) {
    return new KvConflictError(bucket, key, expectedRevision, { cause: err });
  }
  return toJetStreamError(err, `KV ${bucket}`);
}
