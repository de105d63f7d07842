import type { Msg } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import {
  headerRecord,
  identityFromScan,
  type JunctionHeaders,
  type MessageIdentity,
  type MessageKind,
  newMessageId,
  readHeader,
  scanJunctionHeaders,
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

/**
 * Identity, kind and idempotency key are read on first use, in one pass over the headers: a reply whose
 * caller only decodes the payload costs no header lookups at all.
 */
class Received<T> implements ReceivedMessage<T> {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly raw: Msg;
  readonly #codec: Codec<T>;
  readonly #fallbackId: (() => string) | undefined;
  #meta: JunctionHeaders | undefined;
  #identity: MessageIdentity | undefined;
  #headers: Record<string, string> | undefined;
  #decoded: { value: T } | undefined;

  constructor(msg: Msg, codec: Codec<T>, fallbackId: (() => string) | undefined) {
    this.subject = msg.subject;
    this.data = msg.data;
    this.raw = msg;
    this.#codec = codec;
    this.#fallbackId = fallbackId;
  }

  get #junction(): JunctionHeaders {
    if (this.#meta === undefined) this.#meta = scanJunctionHeaders(this.raw);
    return this.#meta;
  }

  get identity(): MessageIdentity {
    if (this.#identity === undefined) {
      this.#identity = identityFromScan(this.#junction, this.#fallbackId ?? newMessageId);
    }
    return this.#identity;
  }

  get kind(): MessageKind | undefined {
    return this.#junction.kind;
  }

  get idempotencyKey(): string | undefined {
    return this.#junction.idempotencyKey;
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= headerRecord(this.raw);
    return this.#headers;
  }

  header(name: string): string | undefined {
    return readHeader(this.raw, name);
  }

  decode(): T {
    this.#decoded ??= { value: this.#codec.decode(this.data) };
    return this.#decoded.value;
  }
}

export function receivedMessage<T>(msg: Msg, codec: Codec<T>, fallbackId?: () => string): ReceivedMessage<T> {
  return new Received(msg, codec, fallbackId);
}
