import { nuid } from "@nats-io/nats-core";
import { Headers, headerValue } from "./headers.ts";

/** Who a message is and where it came from (docs/protocol.md, "Identity"). */
export interface MessageIdentity {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
}

export const MessageKind = {
  Command: "command",
  Event: "event",
  Query: "query",
  Reply: "reply",
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** A fresh message id (NUID: 22 characters, unique, safe as an SQS dedup id). */
export function newMessageId(): string {
  return nuid.next();
}

/**
 * A new identity: a root (correlation id = its own id, no causation) or, given the message it was
 * caused by, a derived one (same correlation id, causation id = the parent's id).
 */
export function newIdentity(parent?: MessageIdentity, id: string = newMessageId()): MessageIdentity {
  return parent === undefined
    ? { id, correlationId: id }
    : { id, correlationId: parent.correlationId, causationId: parent.id };
}

/** The Junction headers of a message (names compared case-insensitively); a value may be absent. */
export interface JunctionHeaders {
  readonly id?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
  readonly kind?: MessageKind | undefined;
  readonly idempotencyKey?: string | undefined;
}

/**
 * The identity those headers describe. A message without `Nats-Msg-Id` gets `fallbackId` (for stream
 * messages, something stable across redeliveries), and a message without a correlation id is a root:
 * its correlation id is its own id.
 */
export function identityFromScan(h: JunctionHeaders, fallbackId: () => string): MessageIdentity {
  const id = h.id || fallbackId();
  const correlationId = h.correlationId || id;
  return h.causationId ? { id, correlationId, causationId: h.causationId } : { id, correlationId };
}

/** `identityFromScan` over a plain header record (as the bridge and `translate` hold them). */
export function readIdentity(
  headers: Readonly<Record<string, string>>,
  fallbackId: () => string,
): MessageIdentity {
  const get = (name: string) => headerValue(headers, name);
  return identityFromScan(
    {
      id: get(Headers.MsgId),
      correlationId: get(Headers.CorrelationId),
      causationId: get(Headers.CausationId),
    },
    fallbackId,
  );
}
