import { type JetStreamManager, RetentionPolicy } from "@nats-io/jetstream";
import type { Msg, MsgHdrs, NatsConnection, Subscription } from "@nats-io/nats-core";
import { JetStreamError, JetStreamErrorCode } from "../errors/index.ts";
import { Headers, identityOf, type MessageIdentity } from "../identity/index.ts";
import { withHeaders } from "./job.ts";
import type { AckPipeline, PublishAck } from "./publisher.ts";
import { ensureStream } from "./streams.ts";

/** Junction's dead-letter stream, where SDK workers and the bridge both write. */
export const DLQ_STREAM = "JUNCTION_DLQ";
export const DLQ_SUBJECT_PREFIX = "junction.dlq";

/**
 * Headers of a dead letter (docs/protocol.md §6), the same for every writer. The original headers
 * follow as `Junction-Dlq-Header-<name>`.
 */
export const DlqHeaders = {
  Reason: "Junction-Dlq-Reason",
  Error: "Junction-Dlq-Error",
  ErrorCode: "Junction-Dlq-Error-Code",
  Subject: "Junction-Dlq-Subject",
  Stream: "Junction-Dlq-Stream",
  Sequence: "Junction-Dlq-Sequence",
  /** The durable consumer it came from (a worker's durable, or the bridge route's). */
  Consumer: "Junction-Dlq-Consumer",
  DeliveryCount: "Junction-Dlq-Delivery-Count",
  /** When it was dead-lettered (ISO-8601). */
  Time: "Junction-Dlq-Time",
  /** The original message id (the dead letter's own `Nats-Msg-Id` is its dedup id). */
  MessageId: "Junction-Dlq-Message-Id",
  /** Origin, one of: the SDK worker (its durable) … */
  Worker: "Junction-Dlq-Worker",
  /** … or the bridge route and its target (`<service>#<index>`, or `reply`). */
  Route: "Junction-Dlq-Route",
  Target: "Junction-Dlq-Target",
  HeaderPrefix: "Junction-Dlq-Header-",
} as const;

export interface DlqOptions {
  /** DLQ stream, created if missing; default `JUNCTION_DLQ`. */
  readonly stream?: string;
  /** Dead letters go to `<subjectPrefix>.<durable>`; default `junction.dlq`. */
  readonly subjectPrefix?: string;
}

/**
 * Why a message left its consumer, for every writer: `rejected` — it can never succeed (the handler
 * said poison, the payload cannot be decoded or mapped, the target refused it); `exhausted` — its
 * allowed deliveries ran out (failures, or deliveries never finished: crash, hang, ack timeout; the
 * error code tells which).
 */
export type DeadLetterReason = "rejected" | "exhausted";

/** Who dead-lettered it: an SDK worker, or one target of a bridge route. */
export type DeadLetterOrigin =
  | { readonly worker: string }
  | { readonly route: string; readonly target: string };

/** One dead letter as every writer gives it. */
export interface DeadLetterRecord {
  readonly reason: DeadLetterReason;
  readonly error: { readonly code: string; readonly message: string };
  readonly origin: DeadLetterOrigin;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
  /** Deliveries so far, the last one included. */
  readonly attempts: number;
  /** The original message's identity. */
  readonly identity: MessageIdentity;
  /** Source stream and sequence (absent for the bridge's core routes). */
  readonly stream?: string | undefined;
  readonly seq?: number | undefined;
  /** Default: now. */
  readonly time?: Date;
}

/** A dead letter read back from the DLQ stream. */
export interface StoredDeadLetter extends Omit<DeadLetterRecord, "identity" | "time"> {
  readonly time: Date;
  /** The original message id. */
  readonly messageId: string;
  /** Its own sequence in the DLQ stream. */
  readonly dlqSeq?: number | undefined;
}

/** `worker <durable>` or `<route> <target>`, for one-line listings. */
export function originText(origin: DeadLetterOrigin): string {
  return "worker" in origin ? `worker ${origin.worker}` : `${origin.route} ${origin.target}`;
}

/**
 * Dedup id: a worker's copy is `dlq:<stream>:<seq>` (its two paths, handler and advisory, store one);
 * a route's is `dlq:<route>:<stream>:<seq>:<target>` (one per failed target, however many bridge
 * processes send it).
 */
export function deadLetterId(letter: Pick<DeadLetterRecord, "origin" | "stream" | "seq" | "identity">) {
  const source =
    letter.stream !== undefined && letter.seq !== undefined
      ? `${letter.stream}:${letter.seq}`
      : letter.identity.id;
  return "worker" in letter.origin
    ? `dlq:${source}`
    : `dlq:${letter.origin.route}:${source}:${letter.origin.target}`;
}

/** Publishes to `<prefix>.<worker or route>` and waits for the stream's ack (the stream must exist). */
export function writeDeadLetter(
  publish: AckPipeline["publish"],
  letter: DeadLetterRecord,
  prefix = DLQ_SUBJECT_PREFIX,
): Promise<PublishAck> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(letter.headers)) {
    headers[`${DlqHeaders.HeaderPrefix}${key}`] = value;
    if (key.toLowerCase() === "content-type") headers["Content-Type"] = value;
  }
  const consumer = "worker" in letter.origin ? letter.origin.worker : letter.origin.route;
  headers[DlqHeaders.Reason] = letter.reason;
  headers[DlqHeaders.Error] = headerSafe(letter.error.message);
  headers[DlqHeaders.ErrorCode] = headerSafe(letter.error.code);
  headers[DlqHeaders.Subject] = letter.subject;
  headers[DlqHeaders.DeliveryCount] = `${letter.attempts}`;
  headers[DlqHeaders.Consumer] = consumer;
  if ("worker" in letter.origin) headers[DlqHeaders.Worker] = letter.origin.worker;
  else {
    headers[DlqHeaders.Route] = letter.origin.route;
    headers[DlqHeaders.Target] = letter.origin.target;
  }
  headers[DlqHeaders.Time] = (letter.time ?? new Date()).toISOString();
  headers[DlqHeaders.MessageId] = letter.identity.id;
  if (letter.stream !== undefined) headers[DlqHeaders.Stream] = letter.stream;
  if (letter.seq !== undefined) headers[DlqHeaders.Sequence] = `${letter.seq}`;
  // Derived from the original: same correlation id, so replay by correlation finds dead letters too.
  return publish(`${prefix}.${consumer}`, letter.data, {
    id: deadLetterId(letter),
    causedBy: letter.identity,
    headers,
  });
}

/** A message read from the DLQ stream (a `JsMsg`, or a `StoredMsg` with `header` renamed `headers`). */
export interface DeadLetterSource {
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs | Readonly<Record<string, string>> | undefined;
  readonly seq?: number;
  /** When the DLQ stream stored it: the time of a letter written without `Junction-Dlq-Time`. */
  readonly time?: Date;
}

/**
 * Parses a dead letter back; the original headers come back under their own names. Letters written
 * before the format was shared (no time, message id or origin header) get the stored time, the
 * original `Nats-Msg-Id` and their consumer as a worker.
 */
export function readDeadLetter(msg: DeadLetterSource): StoredDeadLetter {
  const all = headerEntries(msg.headers);
  const get = (name: string) => all.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const headers: Record<string, string> = {};
  const prefix = DlqHeaders.HeaderPrefix.toLowerCase();
  for (const [k, v] of all) if (k.toLowerCase().startsWith(prefix)) headers[k.slice(prefix.length)] = v;
  const number = (name: string) => {
    const text = get(name);
    return text === undefined || !/^\d+$/.test(text) ? undefined : Number(text);
  };
  const time = get(DlqHeaders.Time);
  const route = get(DlqHeaders.Route);
  const origin: DeadLetterOrigin =
    route === undefined
      ? { worker: get(DlqHeaders.Worker) ?? get(DlqHeaders.Consumer) ?? "" }
      : { route, target: get(DlqHeaders.Target) ?? "" };
  const reason = get(DlqHeaders.Reason);
  return {
    // `poison` is what workers wrote before the reasons were shared.
    reason: reason === "rejected" || reason === "poison" ? "rejected" : "exhausted",
    origin,
    subject: get(DlqHeaders.Subject) ?? "",
    headers,
    data: msg.data,
    error: { code: get(DlqHeaders.ErrorCode) ?? "", message: get(DlqHeaders.Error) ?? "" },
    attempts: number(DlqHeaders.DeliveryCount) ?? 0,
    messageId: get(DlqHeaders.MessageId) ?? headers[Headers.MsgId] ?? "",
    time: time === undefined ? (msg.time ?? new Date(0)) : new Date(time),
    stream: get(DlqHeaders.Stream),
    seq: number(DlqHeaders.Sequence),
    dlqSeq: msg.seq,
  };
}

/**
 * What a worker hands its `onDeadLetter` callback (and writes through `writeDeadLetter`): the
 * message as it was delivered.
 */
export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly error: { readonly message: string; readonly code: string };
  readonly subject: string;
  readonly stream: string;
  readonly streamSequence: number;
  readonly durable: string;
  readonly deliveryCount: number;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
}

export interface Dlq {
  readonly stream: string;
  send(letter: DeadLetter): Promise<PublishAck>;
}

/** The DLQ of one worker. Copies are deduplicated by `dlq:<stream>:<seq>`, so two paths may both send. */
export function createDlq(
  jsm: () => Promise<JetStreamManager>,
  publish: AckPipeline["publish"],
  options: DlqOptions = {},
): Dlq {
  const stream = options.stream ?? DLQ_STREAM;
  const prefix = options.subjectPrefix ?? DLQ_SUBJECT_PREFIX;
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    ready ??= jsm()
      // Created if missing, never reconfigured: an operator (or the bridge's config) may have tuned it.
      .then((m) =>
        ensureStream(
          m,
          { name: stream, subjects: [`${prefix}.>`], retention: RetentionPolicy.Limits },
          { update: false },
        ),
      )
      .catch((err: unknown) => {
        ready = undefined; // try again next time
        throw err;
      });
    return ready;
  };
  return {
    stream,
    async send(letter) {
      await ensure();
      const headers: Record<string, string> = {};
      if (letter.headers) {
        for (const key of letter.headers.keys()) headers[key] = letter.headers.values(key).join(", ");
      }
      const identity = identityOf(
        withHeaders(letter.headers),
        () => `${letter.stream}:${letter.streamSequence}`,
      );
      return writeDeadLetter(
        publish,
        {
          reason: letter.reason,
          error: letter.error,
          origin: { worker: letter.durable },
          subject: letter.subject,
          headers,
          data: letter.data,
          attempts: letter.deliveryCount,
          identity,
          stream: letter.stream,
          seq: letter.streamSequence,
        },
        prefix,
      );
    },
  };
}

/**
 * Dead letters for messages the server gave up on (max deliveries reached without a nak on the last
 * one: the handler crashed, hung, or its process died), read back from the stream by sequence.
 * Advisories are core NATS: they reach only the workers of this durable running at the time.
 */
export function watchMaxDeliveries(
  nc: NatsConnection,
  jsm: () => Promise<JetStreamManager>,
  stream: string,
  durable: string,
  onLetter: (letter: Promise<DeadLetter>) => void,
): Subscription {
  const letterOf = async (msg: Msg): Promise<DeadLetter> => {
    const { stream_seq: seq, deliveries } = msg.json<{ stream_seq: number; deliveries: number }>();
    const stored = await (await jsm()).streams.getMessage(stream, { seq });
    if (!stored) throw new JetStreamError(`max deliveries reached for ${stream}:${seq}, but it is gone`);
    return {
      reason: "exhausted",
      error: { message: `not acked after ${deliveries} deliveries`, code: JetStreamErrorCode.MaxDeliveries },
      subject: stored.subject,
      stream,
      streamSequence: seq,
      durable,
      deliveryCount: deliveries,
      headers: stored.header,
      data: stored.data,
    };
  };
  return nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`, {
    callback: (_err, msg) => onLetter(letterOf(msg)),
  });
}

// Header values are one line; error messages may not be.
function headerSafe(value: string): string {
  const line = value.replace(/[\r\n]+/g, " ").trim();
  return line.length > 1000 ? `${line.slice(0, 999)}…` : line || "-";
}

function headerEntries(headers: DeadLetterSource["headers"]): [string, string][] {
  if (headers === undefined) return [];
  if (typeof headers.keys === "function" && typeof headers.get === "function") {
    const h = headers as MsgHdrs;
    return h.keys().map((k) => [k, h.values(k).join(", ")]);
  }
  return Object.entries(headers as Readonly<Record<string, string>>);
}
