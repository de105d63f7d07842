import type { JsMsg } from "@nats-io/jetstream";
import type { Msg, MsgHdrs } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import type { ReceivedMessage } from "../client/message.ts";
import type { OutgoingOptions } from "../client/outgoing.ts";
import { publish as corePublish } from "../client/publish.ts";
import { type RequestOptions, request } from "../client/request.ts";
import type { Codec } from "../codecs/index.ts";
import {
  headerRecord,
  identityOf,
  type MessageIdentity,
  type MessageKind,
  readHeader,
  scanJunctionHeaders,
} from "../identity/index.ts";
import type { AckPipeline, JetStreamPublishOptions, PublishAck } from "./publisher.ts";

/** One delivery of a stream message to a worker handler. */
export interface Job<T = unknown> {
  readonly subject: string;
  /** The decoded payload (a payload the codec rejects never reaches the handler: it is poison). */
  readonly data: T;
  /** From the headers; a message without `Nats-Msg-Id` gets `<stream>:<seq>`, stable across redeliveries. */
  readonly identity: MessageIdentity;
  readonly kind: MessageKind | undefined;
  readonly idempotencyKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
  readonly stream: string;
  readonly durable: string;
  readonly streamSequence: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** The nats.js message. Acking is the worker's job: do not ack, nak or term it yourself. */
  readonly raw: JsMsg;
  /** Tells the server the job is still running: the ack deadline starts again. */
  working(): void;
  /** Marks the message as poison: once the handler returns it goes to the DLQ and is never retried. */
  term(reason?: string): void;
  /** Core publish of a message derived from this one (same correlation id, causation = this id). */
  publish(subject: string, data?: unknown, options?: OutgoingOptions): MessageIdentity;
  /** JetStream publish of a derived message. Pass a deterministic `id` to make redeliveries idempotent. */
  jsPublish(subject: string, data?: unknown, options?: JetStreamPublishOptions): Promise<PublishAck>;
  /** Request/reply with a derived message (the client's `request`: deadline, retries, breaker). */
  request<R = unknown>(
    subject: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<ReceivedMessage<R>>;
}

export interface JobState {
  termReason: string | undefined;
}

/** Builds the handler's view of a delivery. Throws `CodecError` when the payload cannot be decoded. */
export function createJob<T>(
  ctx: ClientContext,
  publishJs: AckPipeline["publish"],
  m: JsMsg,
  durable: string,
  codec: Codec<T>,
  identity: MessageIdentity,
  state: JobState,
): Job<T> {
  const info = m.info;
  const data = codec.decode(m.data);
  const h = withHeaders(m.headers);
  const meta = scanJunctionHeaders(h);
  let headers: Record<string, string> | undefined;
  const derived = <O extends OutgoingOptions>(options: O | undefined): O =>
    ({ causedBy: identity, ...options }) as O;
  return {
    subject: m.subject,
    data,
    identity,
    kind: meta.kind,
    idempotencyKey: meta.idempotencyKey,
    get headers() {
      headers ??= headerRecord(h);
      return headers;
    },
    header: (name) => readHeader(h, name),
    stream: info.stream,
    durable,
    streamSequence: info.streamSequence,
    deliveryCount: info.deliveryCount,
    raw: m,
    working: () => m.working(),
    term: (reason) => {
      state.termReason = reason ?? "terminated by the handler";
    },
    publish: (subject, payload, options) => corePublish(ctx, subject, payload, derived(options)),
    jsPublish: (subject, payload, options) => publishJs(subject, payload, derived(options)),
    request: <R>(subject: string, payload?: unknown, options?: RequestOptions) =>
      request<R>(ctx, subject, payload, derived(options)),
  };
}

/** The identity of a stream message; without `Nats-Msg-Id`, `<stream>:<seq>` (stable across redeliveries). */
export function streamIdentity(m: JsMsg): MessageIdentity {
  return identityOf(withHeaders(m.headers), () => `${m.info.stream}:${m.info.streamSequence}`);
}

/** Headers in the shape the identity readers take (nats.js types them optional, not `| undefined`). */
export function withHeaders(headers: MsgHdrs | undefined): Pick<Msg, "headers"> {
  return headers === undefined ? {} : { headers };
}

/** A backoff schedule: delays in ms by delivery (the last repeats), or a function of the delivery count. */
export type Backoff = readonly number[] | ((deliveryCount: number) => number);

/** Default: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffDelay(backoff: Backoff | undefined, deliveryCount: number): number {
  if (typeof backoff === "function") return Math.max(0, backoff(deliveryCount));
  if (backoff && backoff.length > 0) return backoff[Math.min(deliveryCount, backoff.length) - 1] ?? 0;
  return Math.min(30_000, 1000 * 2 ** Math.max(0, deliveryCount - 1));
}
