import type { Msg } from "@nats-io/nats-core";
import { type ReceivedMessage, receivedMessage } from "../client/message.ts";
import type { Codec } from "../codecs/index.ts";
import { jsonCodec } from "../codecs/index.ts";
import {
  headerRecord,
  type MessageIdentity,
  type MessageKind,
  newIdentity,
  writeHeaders,
} from "../identity/index.ts";

/** What a fixture is made of: an `Envelope` from `command()` / `event()` / `query()` fits. */
export interface FixtureSpec<T> {
  readonly subject: string;
  readonly data: T;
  readonly kind?: MessageKind;
  readonly idempotencyKey?: string;
}

export interface FixtureOptions {
  /** Message id; default a fresh one. */
  readonly id?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Reply subject of the fake message. */
  readonly reply?: string;
  readonly codec?: Codec<unknown>;
}

/** A message as a handler would receive it, built without a server. */
export interface FixtureMessage<T> {
  readonly subject: string;
  readonly data: T;
  readonly identity: MessageIdentity;
  readonly kind: MessageKind | undefined;
  /** The headers it carries on the wire (identity headers included). */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
  /** A nats.js `Msg` with these headers and payload (`respond()` does nothing). */
  readonly msg: Msg;
  /** The SDK's view of it, as `serve()` handlers get it in `ctx.message`. */
  readonly received: ReceivedMessage<T>;
}

/** A root message: correlation id = its own id, no causation id. */
export function rootMessage<T>(spec: FixtureSpec<T>, options: FixtureOptions = {}): FixtureMessage<T> {
  return fixture(spec, newIdentity(undefined, options.id), options);
}

/** A message derived from `parent`: same correlation id, causation id = the parent's id. */
export function derivedMessage<T>(
  parent: { readonly identity: MessageIdentity },
  spec: FixtureSpec<T>,
  options: FixtureOptions = {},
): FixtureMessage<T> {
  return fixture(spec, newIdentity(parent.identity, options.id), options);
}

function fixture<T>(
  spec: FixtureSpec<T>,
  identity: MessageIdentity,
  options: FixtureOptions,
): FixtureMessage<T> {
  const codec = (options.codec ?? jsonCodec()) as Codec<T>;
  const payload = codec.encode(spec.data);
  const h = writeHeaders({
    identity,
    kind: spec.kind,
    idempotencyKey: spec.idempotencyKey,
    contentType: codec.contentType,
    headers: options.headers,
  });
  const msg = {
    subject: spec.subject,
    sid: 0,
    reply: options.reply,
    data: payload,
    headers: h,
    respond: () => false,
    json: () => codec.decode(payload),
    string: () => new TextDecoder().decode(payload),
  } as unknown as Msg;
  return {
    subject: spec.subject,
    data: spec.data,
    identity,
    kind: spec.kind,
    headers: headerRecord(msg),
    payload,
    msg,
    received: receivedMessage(msg, codec),
  };
}
