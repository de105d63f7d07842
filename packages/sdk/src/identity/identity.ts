import { randomUUID } from "node:crypto";
import { Headers, headerValue } from "./headers.ts";

/** Who a message is and where it came from (docs/protocol.md, "Identity"). */
export interface MessageIdentity {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
}

/** A fresh message id: unique, URL- and SQS-dedup-safe. */
export function newMessageId(): string {
  return randomUUID();
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
  const id = headerValue(headers, Headers.MsgId) || fallbackId();
  const correlationId = headerValue(headers, Headers.CorrelationId) || id;
  const causationId = headerValue(headers, Headers.CausationId);
  return causationId ? { id, correlationId, causationId } : { id, correlationId };
}
