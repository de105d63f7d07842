import type { MessageIdentity } from "@junction/sdk";
import { DlqHeaders, type JunctionJetStream, type PublishAck } from "@junction/sdk/jetstream";
import type { MsgHeaders } from "../nats-types.ts";

/** The SDK's dead-letter headers plus the bridge's own (docs/protocol.md). */
export const DeadLetterHeaders = {
  ...DlqHeaders,
  Route: "Junction-Dlq-Route",
  Target: "Junction-Dlq-Target",
  Time: "Junction-Dlq-Time",
  /** The original message id (the dead letter's own `Nats-Msg-Id` is its dedup id). */
  MessageId: "Junction-Dlq-Message-Id",
} as const;

export const DLQ_STREAM = "JUNCTION_DLQ";
export const DLQ_SUBJECT_PREFIX = "junction.dlq";

/**
 * `rejected`: the target refused it, or it could not be mapped (permanent); `exhausted`: the last
 * allowed delivery failed.
 */
export type DeadLetterReason = "rejected" | "exhausted";

/** One message that one target of one route could not take. */
export interface DeadLetterInput {
  readonly reason: DeadLetterReason;
  readonly route: string;
  /** `<service>#<index>` of the route's `to`, or `reply`. */
  readonly target: string;
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
  readonly error: { readonly code: string; readonly message: string };
  /** Deliveries so far, this one included. */
  readonly attempts: number;
  readonly identity: MessageIdentity;
  /** Source stream and sequence, for stream routes. */
  readonly stream?: string | undefined;
  readonly seq?: number | undefined;
  readonly time?: Date;
}

export interface DeadLetter extends Omit<DeadLetterInput, "identity" | "time"> {
  readonly time: Date;
  /** The original message id. */
  readonly messageId: string;
  /** The dead letter's own sequence in `JUNCTION_DLQ`, when read from the stream. */
  readonly dlqSeq?: number | undefined;
}

/** Creates `JUNCTION_DLQ` (subjects `junction.dlq.>`) if missing; never reconfigures an existing one. */
export async function ensureDlqStream(js: JunctionJetStream, replicas = 1): Promise<void> {
  await js.ensureStream(
    { name: DLQ_STREAM, subjects: [`${DLQ_SUBJECT_PREFIX}.>`], num_replicas: replicas },
    { update: false },
  );
}

/** Dedup id: one dead letter per (route, message, target), however many paths or instances send it. */
export function deadLetterId(
  letter: Pick<DeadLetterInput, "route" | "target" | "stream" | "seq" | "identity">,
) {
  const source =
    letter.stream !== undefined && letter.seq !== undefined
      ? `${letter.stream}:${letter.seq}`
      : letter.identity.id;
  return `dlq:${letter.route}:${source}:${letter.target}`;
}

/** Publishes to `junction.dlq.<route>` and waits for the stream's ack (the stream must exist). */
export function writeDeadLetter(js: JunctionJetStream, letter: DeadLetterInput): Promise<PublishAck> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(letter.headers))
    headers[`${DlqHeaders.HeaderPrefix}${key}`] = value;
  headers[DeadLetterHeaders.Reason] = letter.reason;
  headers[DeadLetterHeaders.Error] = headerSafe(letter.error.message);
  headers[DeadLetterHeaders.ErrorCode] = headerSafe(letter.error.code);
  headers[DeadLetterHeaders.Subject] = letter.subject;
  headers[DeadLetterHeaders.DeliveryCount] = `${letter.attempts}`;
  headers[DeadLetterHeaders.Route] = letter.route;
  headers[DeadLetterHeaders.Consumer] = letter.route;
  headers[DeadLetterHeaders.Target] = letter.target;
  headers[DeadLetterHeaders.Time] = (letter.time ?? new Date()).toISOString();
  headers[DeadLetterHeaders.MessageId] = letter.identity.id;
  if (letter.stream !== undefined) headers[DeadLetterHeaders.Stream] = letter.stream;
  if (letter.seq !== undefined) headers[DeadLetterHeaders.Sequence] = `${letter.seq}`;
  // Derived from the original: same correlation id, so replay by correlation finds dead letters too.
  return js.publish(`${DLQ_SUBJECT_PREFIX}.${letter.route}`, letter.data, {
    id: deadLetterId(letter),
    causedBy: letter.identity,
    headers,
  });
}

/** A message read from `JUNCTION_DLQ` (a `JsMsg`, or a `StoredMsg` with `header` renamed `headers`). */
export interface DeadLetterSource {
  readonly data: Uint8Array;
  readonly headers?: MsgHeaders | Readonly<Record<string, string>> | undefined;
  readonly seq?: number;
}

/** Parses a dead letter back; the original headers come back under their own names. */
export function readDeadLetter(msg: DeadLetterSource): DeadLetter {
  const all = headerEntries(msg.headers);
  const get = (name: string) => all.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const headers: Record<string, string> = {};
  const prefix = DlqHeaders.HeaderPrefix.toLowerCase();
  for (const [k, v] of all) if (k.toLowerCase().startsWith(prefix)) headers[k.slice(prefix.length)] = v;
  const number = (name: string) => {
    const text = get(name);
    return text === undefined || !/^\d+$/.test(text) ? undefined : Number(text);
  };
  const time = get(DeadLetterHeaders.Time);
  return {
    reason: get(DeadLetterHeaders.Reason) === "rejected" ? "rejected" : "exhausted",
    route: get(DeadLetterHeaders.Route) ?? get(DeadLetterHeaders.Consumer) ?? "",
    target: get(DeadLetterHeaders.Target) ?? "",
    subject: get(DeadLetterHeaders.Subject) ?? "",
    headers,
    data: msg.data,
    error: { code: get(DeadLetterHeaders.ErrorCode) ?? "", message: get(DeadLetterHeaders.Error) ?? "" },
    attempts: number(DeadLetterHeaders.DeliveryCount) ?? 0,
    messageId: get(DeadLetterHeaders.MessageId) ?? "",
    time: time === undefined ? new Date(0) : new Date(time),
    stream: get(DeadLetterHeaders.Stream),
    seq: number(DeadLetterHeaders.Sequence),
    dlqSeq: msg.seq,
  };
}

function headerEntries(headers: DeadLetterSource["headers"]): [string, string][] {
  if (headers === undefined) return [];
  if (typeof headers.keys === "function" && typeof headers.get === "function") {
    const h = headers as MsgHeaders;
    return h.keys().map((k) => [k, h.values(k).join(", ")]);
  }
  return Object.entries(headers as Readonly<Record<string, string>>);
}

// Header values are one line; error messages may not be.
function headerSafe(value: string): string {
  const line = value.replace(/[\r\n]+/g, " ").trim();
  return line.length > 1000 ? `${line.slice(0, 999)}…` : line || "-";
}
