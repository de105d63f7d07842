import type { Msg } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import {
  Headers,
  headerRecord,
  identityOf,
  kindOf,
  type MessageIdentity,
  type MessageKind,
  readHeader,
} from "../identity/index.ts";

/** A received message with its Junction identity. Headers are read case-insensitively. */
export interface ReceivedMessage<T = unknown> {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly identity: MessageIdentity;
  readonly kind: MessageKind | undefined;
  readonly idempotencyKey: string | undefined;
  /** All headers, first value of each, as sent. */
  readonly headers: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
  /** The payload through the codec; a bad payload throws `CodecError`. */
  decode(): T;
  /** The nats.js message, for what this wrapper does not cover. */
  readonly raw: Msg;
}

export function receivedMessage<T>(msg: Msg, codec: Codec<T>, fallbackId?: () => string): ReceivedMessage<T> {
  let headers: Record<string, string> | undefined;
  let decoded: { value: T } | undefined;
  return {
    subject: msg.subject,
    data: msg.data,
    identity: identityOf(msg, fallbackId),
    kind: kindOf(msg),
    idempotencyKey: readHeader(msg, Headers.IdempotencyKey),
    get headers() {
      headers ??= headerRecord(msg);
      return headers;
    },
    header: (name) => readHeader(msg, name),
    decode() {
      decoded ??= { value: codec.decode(msg.data) };
      return decoded.value;
    },
    raw: msg,
  };
}
