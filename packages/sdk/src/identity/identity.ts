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

/**
 * The identity carried by a message's headers. A message without `Nats-Msg-Id` gets `fallbackId`
 * (for stream messages, something stable across redeliveries), and a message without a correlation
 * id is a root: its correlation id is its own id.
 */
export function readIdentity(
  headers: Readonly<Record<string, string>>,
  fallbackId: () => string,
): MessageIdentity {
  return identityFrom((name) => headerValue(headers, name), fallbackId);
}

/** `readIdentity` over any case-insensitive header lookup. */
export function identityFrom(
  get: (name: string) => string | undefined,
  fallbackId: () => string,
): MessageIdentity {
  const id = get(Headers.MsgId) || fallbackId();
  const correlationId = get(Headers.CorrelationId) || id;
  const causationId = get(Headers.CausationId);
  return causationId ? { id, correlationId, causationId } : { id, correlationId };
}
