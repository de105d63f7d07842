/**
 * Durable request/reply, for operations that must run once even when callers time out and retry
 * (payments). The caller publishes the command into JetStream with `Nats-Msg-Id = dr:<key>` and
 * `Junction-Idempotency-Key`, so a retried command within the stream's duplicate window is dropped
 * by the server, and names its inbox in `Junction-Reply-To` (the core reply subject is taken by the
 * PubAck). A durable worker runs the command unless the outcome bucket (KV, default
 * `JUNCTION_OUTCOMES`) already holds an outcome for the key, stores the outcome with `create()` (the
 * first outcome wins), acks, and replies to the inbox in case the caller still waits. Outcomes are the
 * handler's value, or a `ServiceError` it threw (a definite business answer, not retried); other
 * errors are retried and, once dead-lettered, stored as a 500 so callers stop waiting.
 * A caller that timed out calls `outcome(key)`, or `durableRequest` again with the same key: both read
 * the stored outcome; the command does not run twice. KV record (JSON, for workers in any language):
 * `{"ok":true,"data":"<base64 payload>"}` or `{"ok":false,"code":409,"message":"…"}`.
 * Limit: a copy published after the duplicate window while the first still runs may run concurrently;
 * give command streams a duplicate window longer than a command can take.
 */
import type { Msg } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import { RequestTimeoutError, ServiceError } from "../client/errors.ts";
import { type OutgoingOptions, prepareOutgoing } from "../client/outgoing.ts";
import { serviceErrorHeaders, serviceErrorOf } from "../client/service-error.ts";
import type { Codec } from "../codecs/index.ts";
import { Headers, identityOf, type MessageIdentity, readHeader } from "../identity/index.ts";
import { KvConflictError } from "../kv/errors.ts";
import type { KvBucket } from "../kv/kv.ts";
import type { DeadLetter } from "./dlq.ts";
import { PoisonMessageError } from "./errors.ts";
import { type Job, withHeaders } from "./job.ts";
import type { AckPipeline } from "./publisher.ts";

export const ReplyToHeader = "Junction-Reply-To";

export type OutcomeRecord =
  | { readonly ok: true; readonly data: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

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

/** KV keys allow `[-/_=.\w]`: plain keys stay readable, anything else is base64url under `b64.`. */
export function outcomeKey(idempotencyKey: string): string {
  return /^[-_=A-Za-z0-9]+$/.test(idempotencyKey)
    ? idempotencyKey
    : `b64.${Buffer.from(idempotencyKey).toString("base64url")}`;
}

export function toOutcome<R>(record: OutcomeRecord, codec: Codec<unknown>): DurableOutcome<R> {
  return record.ok
    ? { ok: true, value: codec.decode(Buffer.from(record.data, "base64")) as R }
    : { ok: false, error: new ServiceError(record.code, record.message) };
}

function unwrap<R>(outcome: DurableOutcome<R>): R {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

export async function durableRequest<R>(
  ctx: ClientContext,
  kv: KvBucket<OutcomeRecord>,
  publish: AckPipeline["publish"],
  subject: string,
  data: unknown,
  options: DurableRequestOptions,
): Promise<R> {
  const codec = options.codec ?? ctx.codec;
  const key = outcomeKey(options.idempotencyKey);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // No look at the outcome store first: a command already answered is a duplicate publish (its
  // outcome is then watched below) or, after the duplicate window, one the worker answers from the
  // store. That saves a round trip on every new command, the common case.
  const expected = ctx.replies.expect(subject, timeoutMs);
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
    const ack = await publish(subject, data, {
      id: `dr:${options.idempotencyKey}`,
      idempotencyKey: options.idempotencyKey,
      kind: "command",
      headers: { ...options.headers, [ReplyToHeader]: expected.inbox },
      ...(options.causedBy === undefined ? {} : { causedBy: options.causedBy }),
      ...(options.codec === undefined ? {} : { codec: options.codec }),
      timeoutMs: Math.min(timeoutMs, 5000),
    }).catch((err: unknown) => {
      // No PubAck: the command may be stored anyway. Same answer as any timeout: retry with the key.
      if (err instanceof RequestTimeoutError) {
        throw new DurableRequestTimeoutError(subject, timeoutMs, options.idempotencyKey);
      }
      throw err;
    });
    const racers: Promise<DurableOutcome<R> | undefined>[] = [reply];
    if (ack.duplicate) {
      // An earlier copy holds the reply subject: watch for its outcome instead (a stored one comes first).
      const w = await kv.watch({ key });
      watcher = w;
      racers.push(
        (async () => {
          for await (const e of w) if (e.operation === "PUT") return toOutcome<R>(e.value, codec);
          return new Promise<never>(() => {});
        })(),
      );
    }
    const outcome =
      (await Promise.race(racers)) ?? (await kv.get(key).then((e) => e && toOutcome<R>(e.value, codec)));
    if (outcome) return unwrap(outcome);
    throw new DurableRequestTimeoutError(subject, timeoutMs, options.idempotencyKey);
  } finally {
    expected.cancel();
    watcher?.stop();
  }
}

function fromReply<R>(msg: Msg, codec: Codec<unknown>): DurableOutcome<R> {
  const error = serviceErrorOf(msg);
  return error ? { ok: false, error } : { ok: true, value: codec.decode(msg.data) as R };
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

/** Answers the caller's inbox, if it named one (it may have stopped waiting: that is fine). */
function replyTo(ctx: ClientContext, inbox: string | undefined, cause: MessageIdentity, r: OutcomeRecord) {
  if (!inbox) return;
  const options: OutgoingOptions = { causedBy: cause, kind: "reply" };
  if (r.ok) {
    const out = prepareOutgoing(ctx, Buffer.from(r.data, "base64"), options);
    ctx.nc.publish(inbox, out.payload, { headers: out.headers });
  } else {
    const out = prepareOutgoing(ctx, undefined, {
      ...options,
      headers: serviceErrorHeaders(r.code, r.message),
    });
    ctx.nc.publish(inbox, out.payload, { headers: out.headers });
  }
}

/** Wraps a responder handler into a worker handler that runs each idempotency key once. */
export function durableHandler<T, R>(
  ctx: ClientContext,
  kv: KvBucket<OutcomeRecord>,
  handler: (job: Job<T>) => R | Promise<R>,
  codec: Codec<unknown>,
) {
  return async (job: Job<T>) => {
    const idem = job.idempotencyKey;
    if (idem === undefined) throw new PoisonMessageError(`durable command without ${Headers.IdempotencyKey}`);
    const key = outcomeKey(idem);
    let record = (await kv.get(key))?.value;
    if (record === undefined) {
      try {
        const value = await handler(job);
        record = { ok: true, data: Buffer.from(codec.encode(value)).toString("base64") };
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err; // transient: retried, dead-lettered at the end
        record = { ok: false, code: err.serviceCode, message: err.serviceMessage };
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
  const code = letter.reason === "poison" ? 400 : 500;
  const record = await storeOnce(kv, outcomeKey(idem), { ok: false, code, message: letter.error.message });
  const cause = identityOf(h, () => `${letter.stream}:${letter.streamSequence}`);
  replyTo(ctx, readHeader(h, ReplyToHeader), cause, record);
}
