import type { MsgHdrs } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import { PayloadTooLargeError } from "../errors/index.ts";
import { type MessageIdentity, type MessageKind, newIdentity, writeHeaders } from "../identity/index.ts";
import type { ClientContext } from "./context.ts";

/** Options every outgoing message takes: identity, kind, headers, codec. */
export interface OutgoingOptions {
  /** The message this one was caused by: it becomes a derived message (same correlation id). */
  readonly causedBy?: MessageIdentity;
  /** Message id; default a fresh NUID. Also the JetStream dedup id. */
  readonly id?: string;
  /**
   * The whole identity, as received from elsewhere (a bridge restoring it from SQS attributes);
   * overrides `id` and `causedBy`.
   */
  readonly identity?: MessageIdentity;
  readonly kind?: MessageKind;
  readonly idempotencyKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Payload codec; default the client's (JSON). */
  readonly codec?: Codec<unknown>;
}

export interface Outgoing {
  readonly identity: MessageIdentity;
  readonly headers: MsgHdrs;
  readonly payload: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Encodes the payload and writes the identity headers. Throws `CodecError` before anything is sent.
 * `undefined` is an empty body (a bare command or acknowledgement), and bytes pass through unless a
 * codec is given explicitly.
 */
export function prepareOutgoing(ctx: ClientContext, data: unknown, options: OutgoingOptions = {}): Outgoing {
  const codec = options.codec ?? ctx.codec;
  // Bytes are sent as they are, with no Content-Type claiming the codec's encoding.
  const raw = data instanceof Uint8Array && options.codec === undefined;
  const payload = data === undefined ? EMPTY : raw ? data : codec.encode(data);
  const identity = options.identity ?? newIdentity(options.causedBy, options.id);
  const headers = writeHeaders({
    identity,
    kind: options.kind,
    idempotencyKey: options.idempotencyKey,
    contentType: data === undefined || raw ? undefined : codec.contentType,
    headers: options.headers,
  });
  checkSize(ctx, payload, headers);
  return { identity, headers, payload };
}

/**
 * Room kept for headers written after `prepareOutgoing`: trace context (`traceparent`, and `tracestate`
 * of up to 512 characters) and a JetStream publish's expectations.
 */
export const LATER_HEADER_BYTES = 1024;
// Below this much short of max_payload, no headers could push a payload over: no need to measure them.
const HEADER_ROOM = 64 * 1024;

/**
 * nats.js refuses a message whose payload and headers exceed the server's `max_payload` with an error
 * that says nothing of the limit; refusing it here gives a typed error with the real limit (a gateway
 * answers it 413). Headers are only measured for payloads near the limit.
 */
function checkSize(ctx: ClientContext, payload: Uint8Array, headers: MsgHdrs): void {
  const max = ctx.nc.info?.max_payload;
  if (max === undefined || payload.length + HEADER_ROOM <= max) return;
  // nats.js's headers have `encode()` (the bytes it sends), though its MsgHdrs interface does not say so.
  const headerBytes = (headers as MsgHdrs & { encode(): Uint8Array }).encode().length;
  const limit = max - headerBytes - LATER_HEADER_BYTES;
  if (payload.length > limit) throw new PayloadTooLargeError(payload.length, limit, max);
}
