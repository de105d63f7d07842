/**
 * Durable request/reply, for operations that must run once even when callers time out and retry
 * (payments). A command is scoped by its subject (the operation and its captures, e.g. the merchant)
 * and the caller's idempotency key: `idempotencyScope(subject, key)` names its stored outcome and, as
 * `Nats-Msg-Id = dr:<outcome key>`, its JetStream dedup id, so the same key sent by another tenant or
 * to another operation is another command. The caller publishes the command into JetStream with that
 * id and `Junction-Idempotency-Key`, so a retried command within the stream's duplicate window is
 * dropped by the server, and names its inbox in `Junction-Reply-To` (the core reply subject is taken
 * by the PubAck). A durable worker runs the command unless the outcome bucket (KV, default
 * `JUNCTION_OUTCOMES`) already holds an outcome for it, stores the outcome with `create()` (the first
 * outcome wins) along with the request's fingerprint (SHA-256 of its payload), acks, and replies to
 * the inbox in case the caller still waits. Outcomes are the handler's value, or a `ServiceError` it
 * threw (a definite business answer, not retried); other errors are retried and, once dead-lettered,
 * stored as a 500 so callers stop waiting. The caller compares the fingerprint of the outcome it gets
 * with its own request's: another request under the same key is refused with
 * `IdempotencyKeyReusedError` (as payment APIs answer 422), never answered with the first one's outcome.
 * A caller that timed out calls `outcome(subject, key)`, or `durableRequest` again with the same key:
 * both read the stored outcome; the command does not run twice. KV record (JSON, for workers in any
 * language): `{"ok":true,"data":"<base64 payload>","fingerprint":"<hex>"}` or
 * `{"ok":false,"code":409,"message":"…","fingerprint":"<hex>"}` (docs/protocol.md §14).
 * Limit: a copy published after the duplicate window while the first still runs may run concurrently;
 * give command streams a duplicate window longer than a command can take.
 */
import { hash } from "node:crypto";
import type { Msg } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import { prepareOutgoing } from "../client/outgoing.ts";
import { serviceErrorHeaders, serviceErrorOf } from "../client/service-error.ts";
import type { Codec } from "../codecs/index.ts";
import {
  IdempotencyKeyReusedError,
  PoisonMessageError,
  RequestTimeoutError,
  ServiceError,
} from "../errors/index.ts";
import { Headers, identityOf, type MessageIdentity, readHeader } from "../identity/index.ts";
import { KvConflictError } from "../kv/errors.ts";
import type { KvBucket } from "../kv/kv.ts";
import type { DeadLetter } from "./dlq.ts";
import { type Job, withHeaders } from "./job.ts";
import type { AckPipeline } from "./publisher.ts";

export const ReplyToHeader = "Junction-Reply-To";
/** On a worker's reply: the fingerprint of the request whose outcome it carries. */
export const FingerprintHeader = "Junction-Request-Fingerprint";

/** `fingerprint` is absent only in records written before fingerprints existed. */
export type OutcomeRecord = (
  | { readonly ok: true; readonly data: string }
  | { readonly ok: false; readonly code: number; readonly message: string }
) & { readonly fingerprint?: string };

export type DurableOutcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: ServiceError };

export interface DurableRequestOptions {
  /** Required: the command's identity for dedup and for its stored outcome. */
  readonly idempotencyKey: string;
  /** How long to wait for the outcome (default 30 s); the command keeps going after it. */
  readonly timeoutMs?: number;
  readonly causedBy?: MessageIdentity;
  readonly headers?: Readonly<Record<string, string>>;
  readonly codec?: Codec<unknown>;
}

/** No outcome within the deadline. The command is durable: ask `outcome(idempotencyKey)` later. */
export class DurableRequestTimeoutError extends RequestTimeoutError {
  readonly idempotencyKey: string;
  constructor(subject: string, timeoutMs: number, idempotencyKey: string) {
    super(subject, timeoutMs);
    this.idempotencyKey = idempotencyKey;
  }
}

/**
 * What an idempotency key means on a subject: SHA-256 in hex of the subject, a newline and the key. It
 * names a durable command's stored outcome (and, after `dr:`, its dedup id), and is the dedup id of a
 * durable publish with a key. The subject carries the operation and its captures (the tenant), so one
 * key used by two tenants, or on two operations, is two things. A subject holds no whitespace, so no
 * two (subject, key) pairs share the hashed text; the hash keeps any key KV-safe and of one length.
 */
export function idempotencyScope(subject: string, idempotencyKey: string): string {
  // One-shot `hash()`: a third of `createHash()`'s cost, and both run on every durable call.
  return hash("sha256", `${subject}\n${idempotencyKey}`, "hex");
}

/** What tells two requests under one key apart: SHA-256 in hex of the command's payload. */
export function requestFingerprint(payload: Uint8Array): string {
  return hash("sha256", payload, "hex");
}

export function toOutcome<R>(record: OutcomeRecord, codec: Codec<unknown>): DurableOutcome<R> {
  return record.ok
    ? { ok: true, value: codec.decode(Buffer.from(record.data, "base64")) as R }
    : { ok: false, error: new ServiceError(record.code, record.message) };
}

/** An outcome as one caller sees it: refused when it answers another request under the same key. */
interface Answer<R> {
  readonly outcome: DurableOutcome<R>;
  /** The fingerprint of the request the outcome answers (absent from records that predate them). */
  readonly fingerprint: string | undefined;
}

export async function durableRequest<R>(
  ctx: ClientContext,
  kv: KvBucket<OutcomeRecord>,
  publishPrepared: AckPipeline["publishPrepared"],
  subject: string,
  data: unknown,
  options: DurableRequestOptions,
): Promise<R> {
  const codec = options.codec ?? ctx.codec;
  const key = idempotencyScope(subject, options.idempotencyKey);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // No look at the outcome store first: a command already answered is a duplicate publish (its
  // outcome is then watched below) or, after the duplicate window, one the worker answers from the
  // store. That saves a round trip on every new command, the common case.
  const expected = ctx.replies.expect(subject, timeoutMs);
  const stored = (record: OutcomeRecord): Answer<R> => ({
    outcome: toOutcome<R>(record, codec),
    fingerprint: record.fingerprint,
  });
  const reply = expected.reply.then(
    (msg) => fromReply<R>(msg, codec),
    (err: unknown) => {
      if (err instanceof RequestTimeoutError) return undefined; // the store decides, below
      throw err;
    },
  );
  reply.catch(() => {}); // observed by the race below; never an unhandled rejection
  let watcher: { stop(): void } | undefined;
  try {
    const out = prepareOutgoing(ctx, data, {
      id: `dr:${key}`,
      idempotencyKey: options.idempotencyKey,
      kind: "command",
      headers: { ...options.headers, [ReplyToHeader]: expected.inbox },
      ...(options.causedBy === undefined ? {} : { causedBy: options.causedBy }),
      ...(options.codec === undefined ? {} : { codec: options.codec }),
    });
    // The outcome answers this request only if it was made for the same payload.
    const fingerprint = requestFingerprint(out.payload);
    const unwrap = (answer: Answer<R>): R => {
      if (answer.fingerprint !== undefined && answer.fingerprint !== fingerprint) {
        throw new IdempotencyKeyReusedError(subject, options.idempotencyKey);
      }
      if (answer.outcome.ok) return answer.outcome.value;
      throw answer.outcome.error;
    };
    const ack = await publishPrepared(subject, out, Math.min(timeoutMs, 5000)).catch((err: unknown) => {
      // No PubAck: the command may be stored anyway. Same answer as any timeout: retry with the key.
      if (err instanceof RequestTimeoutError) {
        throw new DurableRequestTimeoutError(subject, timeoutMs, options.idempotencyKey);
      }
      throw err;
    });
    let first: Answer<R> | undefined;
    if (ack.duplicate) {
      // An earlier copy holds the reply subject: watch for its outcome instead (a stored one comes first).
      const w = await kv.watch({ key });
      watcher = w;
      const watched = (async () => {
        for await (const e of w) if (e.operation === "PUT") return stored(e.value);
        return new Promise<never>(() => {});
      })();
      first = await Promise.race([reply, watched]);
    } else {
      first = await reply; // the common case: no race to set up
    }
    const answer = first ?? (await kv.get(key).then((e) => e && stored(e.value)));
    if (answer) return unwrap(answer);
    throw new DurableRequestTimeoutError(subject, timeoutMs, options.idempotencyKey);
  } finally {
    expected.cancel();
    watcher?.stop();
  }
}

function fromReply<R>(msg: Msg, codec: Codec<unknown>): Answer<R> {
  const error = serviceErrorOf(msg);
  return {
    outcome: error ? { ok: false, error } : { ok: true, value: codec.decode(msg.data) as R },
    fingerprint: readHeader(msg, FingerprintHeader),
  };
}

/** Stores the first outcome for the key; a lost race yields the winner's. */
async function storeOnce(kv: KvBucket<OutcomeRecord>, key: string, record: OutcomeRecord) {
  try {
    await kv.create(key, record);
    return record;
  } catch (err) {
    const existing = err instanceof KvConflictError ? await kv.get(key) : undefined;
    if (existing) return existing.value;
    throw err;
  }
}

/**
 * Answers the caller's inbox, if it named one (it may have stopped waiting: that is fine), with the
 * stored outcome and the fingerprint of the request it answers, for the caller to compare with its own.
 */
function replyTo(ctx: ClientContext, inbox: string | undefined, cause: MessageIdentity, r: OutcomeRecord) {
  if (!inbox) return;
  const headers: Record<string, string> = r.ok ? {} : serviceErrorHeaders(r.code, r.message);
  if (r.fingerprint !== undefined) headers[FingerprintHeader] = r.fingerprint;
  const out = prepareOutgoing(ctx, r.ok ? Buffer.from(r.data, "base64") : undefined, {
    causedBy: cause,
    kind: "reply",
    headers,
  });
  ctx.nc.publish(inbox, out.payload, { headers: out.headers });
}

/** Wraps a responder handler into a worker handler that runs each command (subject and key) once. */
export function durableHandler<T, R>(
  ctx: ClientContext,
  kv: KvBucket<OutcomeRecord>,
  handler: (job: Job<T>) => R | Promise<R>,
  codec: Codec<unknown>,
) {
  return async (job: Job<T>) => {
    const idem = job.idempotencyKey;
    if (idem === undefined) throw new PoisonMessageError(`durable command without ${Headers.IdempotencyKey}`);
    const key = idempotencyScope(job.subject, idem);
    let record = (await kv.get(key))?.value;
    if (record === undefined) {
      const fingerprint = requestFingerprint(job.raw.data);
      try {
        const value = await handler(job);
        record = { ok: true, data: Buffer.from(codec.encode(value)).toString("base64"), fingerprint };
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err; // transient: retried, dead-lettered at the end
        record = { ok: false, code: err.serviceCode, message: err.serviceMessage, fingerprint };
      }
      record = await storeOnce(kv, key, record);
    }
    replyTo(ctx, job.header(ReplyToHeader), job.identity, record);
  };
}

/** The outcome for a dead-lettered command, so its caller stops waiting (and the reply it may await). */
export async function storeDeadOutcome(ctx: ClientContext, kv: KvBucket<OutcomeRecord>, letter: DeadLetter) {
  const h = withHeaders(letter.headers);
  const idem = readHeader(h, Headers.IdempotencyKey);
  if (idem === undefined) return;
  const record = await storeOnce(kv, idempotencyScope(letter.subject, idem), {
    ok: false,
    code: letter.reason === "rejected" ? 400 : 500,
    message: letter.error.message,
    fingerprint: requestFingerprint(letter.data),
  });
  const cause = identityOf(h, () => `${letter.stream}:${letter.streamSequence}`);
  replyTo(ctx, readHeader(h, ReplyToHeader), cause, record);
}
