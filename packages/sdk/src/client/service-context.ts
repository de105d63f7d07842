import type { Msg } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import type { MessageIdentity } from "../identity/index.ts";
import type { ClientContext } from "./context.ts";
import type { ReceivedMessage } from "./message.ts";
import { type OutgoingOptions, prepareOutgoing } from "./outgoing.ts";
import { publish } from "./publish.ts";
import { type RequestOptions, request } from "./request.ts";
import { serviceErrorHeaders } from "./service-error.ts";

/** A reply is always derived from its request (causation = request id) and of kind `reply`. */
export type ReplyOptions = Omit<OutgoingOptions, "causedBy" | "kind">;

/** What a service handler gets for one message. */
export interface ServiceContext<T = unknown> {
  readonly message: ReceivedMessage<T>;
  readonly subject: string;
  /** Values of the pattern's `{name}` / `{name>}` tokens. */
  readonly captures: Readonly<Record<string, string>>;
  readonly identity: MessageIdentity;
  /** The decoded payload (decoded on first read; a bad payload throws `CodecError` → reply 400). */
  readonly data: T;
  /** Aborted when the service stops: finish up quickly. */
  readonly signal: AbortSignal;
  /** True once a reply or error reply has been sent. */
  readonly replied: boolean;
  /** Sends the reply; `undefined` when the message had no reply subject (a plain publish). */
  reply(data?: unknown, options?: ReplyOptions): MessageIdentity | undefined;
  /** Replies with `Nats-Service-Error-Code: code` and `Nats-Service-Error: message`. */
  respondError(code: number, message: string): MessageIdentity | undefined;
  /** Publishes a message derived from this one (same correlation id, causation = this message). */
  publish(subject: string, data?: unknown, options?: OutgoingOptions): MessageIdentity;
  /** Requests, with the outgoing message derived from this one. */
  request<R = unknown>(
    subject: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<ReceivedMessage<R>>;
}

export interface ServiceContextInit<T> {
  readonly msg: Msg;
  readonly message: ReceivedMessage<T>;
  readonly captures: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly replyCodec: Codec<unknown>;
}

export function createServiceContext<T>(ctx: ClientContext, init: ServiceContextInit<T>): ServiceContext<T> {
  const { msg, message } = init;
  const identity = message.identity;
  let replied = false;
  const derived = <O extends OutgoingOptions>(options: O | undefined): O =>
    ({ ...options, causedBy: options?.causedBy ?? identity }) as O;

  const reply = (data?: unknown, options: ReplyOptions = {}) => {
    if (msg.reply === undefined || msg.reply === "") return undefined;
    const out = prepareOutgoing(ctx, data, {
      ...options,
      codec: options.codec ?? init.replyCodec,
      causedBy: identity,
      kind: "reply",
    });
    ctx.nc.publish(msg.reply, out.payload, { headers: out.headers });
    replied = true;
    return out.identity;
  };

  return {
    message,
    subject: msg.subject,
    captures: init.captures,
    identity,
    get data() {
      return message.decode();
    },
    signal: init.signal,
    get replied() {
      return replied;
    },
    reply,
    respondError: (code, text) => {
      const identityOut = sendError(ctx, msg, identity, code, text);
      if (identityOut !== undefined) replied = true;
      return identityOut;
    },
    publish: (subject, data, options) => publish(ctx, subject, data, derived(options)),
    request: <R>(subject: string, data?: unknown, options?: RequestOptions) =>
      request<R>(ctx, subject, data, derived(options)),
  };
}

/** Sends an error reply derived from `parent`; `undefined` when there is nowhere to send it. */
export function sendError(
  ctx: ClientContext,
  msg: Msg,
  parent: MessageIdentity,
  code: number,
  text: string,
): MessageIdentity | undefined {
  if (msg.reply === undefined || msg.reply === "") return undefined;
  const out = prepareOutgoing(ctx, undefined, {
    causedBy: parent,
    kind: "reply",
    headers: serviceErrorHeaders(code, text),
  });
  ctx.nc.publish(msg.reply, out.payload, { headers: out.headers });
  return out.identity;
}
