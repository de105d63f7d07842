import { type JetStreamManager, RetentionPolicy } from "@nats-io/jetstream";
import type { Msg, MsgHdrs, NatsConnection, Subscription } from "@nats-io/nats-core";
import { JetStreamError, JetStreamErrorCode } from "../errors/index.ts";
import { identityOf } from "../identity/index.ts";
import { withHeaders } from "./job.ts";
import type { AckPipeline, PublishAck } from "./publisher.ts";
import { ensureStream } from "./streams.ts";

/** Headers of a dead letter (docs/protocol.md). The original headers follow as `Junction-Dlq-Header-<name>`. */
export const DlqHeaders = {
  Reason: "Junction-Dlq-Reason",
  Error: "Junction-Dlq-Error",
  ErrorCode: "Junction-Dlq-Error-Code",
  Subject: "Junction-Dlq-Subject",
  Stream: "Junction-Dlq-Stream",
  Sequence: "Junction-Dlq-Sequence",
  Consumer: "Junction-Dlq-Consumer",
  DeliveryCount: "Junction-Dlq-Delivery-Count",
  HeaderPrefix: "Junction-Dlq-Header-",
} as const;

export interface DlqOptions {
  /** DLQ stream, created if missing; default `JUNCTION_DLQ`. */
  readonly stream?: string;
  /** Dead letters go to `<subjectPrefix>.<durable>`; default `junction.dlq`. */
  readonly subjectPrefix?: string;
}

/**
 * Why a message left its consumer: `failed` (the last allowed delivery threw), `poison` (the handler
 * said it can never succeed), `max_deliveries` (the server gave up; the last delivery was never
 * handled: crash, hang, ack timeout).
 */
export type DeadLetterReason = "failed" | "poison" | "max_deliveries";

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
  const stream = options.stream ?? "JUNCTION_DLQ";
  const prefix = options.subjectPrefix ?? "junction.dlq";
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    ready ??= jsm()
      // Created if missing, never reconfigured: an operator may have tuned it.
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
        for (const key of letter.headers.keys()) {
          headers[`${DlqHeaders.HeaderPrefix}${key}`] = letter.headers.values(key).join(", ");
        }
        const contentType = letter.headers.get("Content-Type");
        if (contentType) headers["Content-Type"] = contentType;
      }
      headers[DlqHeaders.Reason] = letter.reason;
      headers[DlqHeaders.Error] = headerSafe(letter.error.message);
      headers[DlqHeaders.ErrorCode] = headerSafe(letter.error.code);
      headers[DlqHeaders.Subject] = letter.subject;
      headers[DlqHeaders.Stream] = letter.stream;
      headers[DlqHeaders.Sequence] = `${letter.streamSequence}`;
      headers[DlqHeaders.Consumer] = letter.durable;
      headers[DlqHeaders.DeliveryCount] = `${letter.deliveryCount}`;
      // Derived from the original: same correlation id, so replay by correlation finds dead letters too.
      const original = identityOf(
        withHeaders(letter.headers),
        () => `${letter.stream}:${letter.streamSequence}`,
      );
      return publish(`${prefix}.${letter.durable}`, letter.data, {
        id: `dlq:${letter.stream}:${letter.streamSequence}`,
        causedBy: original,
        headers,
      });
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
      reason: "max_deliveries",
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
