import {
  canonicalMIMEHeaderKey,
  InvalidArgumentError,
  type Msg,
  type MsgHdrs,
  MsgHdrsImpl,
} from "@nats-io/nats-core";
import { Headers } from "./headers.ts";
import {
  identityFromScan,
  type JunctionHeaders,
  type MessageIdentity,
  MessageKind,
  newMessageId,
} from "./identity.ts";

/** What an outgoing message says about itself, beyond its payload. */
export interface OutgoingMeta {
  readonly identity: MessageIdentity;
  readonly kind?: MessageKind | undefined;
  readonly idempotencyKey?: string | undefined;
  readonly contentType?: string | undefined;
  /** Extra headers; identity headers always win over these. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

const CONTENT_TYPE = "content-type";
const LINE_BREAK = /[\r\n]/;

/** A header value as nats.js's `set()` takes it: no line breaks (they would split the header), trimmed. */
function checkedValue(value: string): string {
  if (LINE_BREAK.test(value)) {
    throw InvalidArgumentError.format("header", "values cannot contain \\r or \\n");
  }
  return value.trim();
}

/**
 * NATS headers for an outgoing message (docs/protocol.md). Built as one record and handed over whole:
 * nats.js's `set()` scans and copies every key already set, twice, and this runs for every message.
 * The checks are `set()`'s: a name of printable ASCII without a colon, a value without line breaks.
 */
export function writeHeaders(meta: OutgoingMeta): MsgHdrs {
  const h: Record<string, string[]> = Object.create(null);
  let typed = false;
  if (meta.headers) {
    for (const k in meta.headers) {
      canonicalMIMEHeaderKey(k); // throws for a name that is not one
      h[k] = [checkedValue(meta.headers[k] as string)];
      if (!typed && k.toLowerCase() === CONTENT_TYPE) typed = true;
    }
  }
  h[Headers.MsgId] = [checkedValue(meta.identity.id)];
  h[Headers.CorrelationId] = [checkedValue(meta.identity.correlationId)];
  if (meta.identity.causationId !== undefined)
    h[Headers.CausationId] = [checkedValue(meta.identity.causationId)];
  if (meta.kind !== undefined) h[Headers.Kind] = [meta.kind];
  if (meta.idempotencyKey !== undefined) h[Headers.IdempotencyKey] = [checkedValue(meta.idempotencyKey)];
  if (meta.contentType !== undefined && !typed) h["Content-Type"] = [checkedValue(meta.contentType)];
  return MsgHdrsImpl.fromRecord(h);
}

/**
 * Reads a header of a received message regardless of case (peers write `Traceparent`). One pass over
 * the headers: nats.js's `get()` copies and filters every key, and replies are read several times each.
 */
export function readHeader(msg: Pick<Msg, "headers">, name: string): string | undefined {
  if (msg.headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [key, values] of msg.headers) {
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== lower)) continue;
    const value = values[0];
    return value === undefined || value === "" ? undefined : value;
  }
  return undefined;
}

/** All headers of a received message, first value of each. */
export function headerRecord(msg: Pick<Msg, "headers">): Record<string, string> {
  const out: Record<string, string> = {};
  if (msg.headers) for (const key of msg.headers.keys()) out[key] = msg.headers.get(key);
  return out;
}

/** The identity of a received message; one without headers is a root with a fresh id. */
export function identityOf(
  msg: Pick<Msg, "headers">,
  fallbackId: () => string = newMessageId,
): MessageIdentity {
  return identityFromScan(scanJunctionHeaders(msg), fallbackId);
}

export function kindOf(msg: Pick<Msg, "headers">): MessageKind | undefined {
  return scanJunctionHeaders(msg).kind;
}

const KINDS: ReadonlySet<string> = new Set(Object.values(MessageKind));
const MSG_ID = Headers.MsgId.toLowerCase();
const CORRELATION = Headers.CorrelationId.toLowerCase();
const CAUSATION = Headers.CausationId.toLowerCase();
const KIND = Headers.Kind.toLowerCase();
const IDEMPOTENCY = Headers.IdempotencyKey.toLowerCase();

/** The Junction headers of a message, found in one pass over them. */
export function scanJunctionHeaders(msg: Pick<Msg, "headers">): JunctionHeaders {
  const out: { -readonly [K in keyof JunctionHeaders]: JunctionHeaders[K] } = {};
  if (msg.headers === undefined) return out;
  for (const [key, values] of msg.headers) {
    const value = values[0];
    if (value === undefined || value === "") continue;
    switch (key.toLowerCase()) {
      case MSG_ID:
        out.id = value;
        break;
      case CORRELATION:
        out.correlationId = value;
        break;
      case CAUSATION:
        out.causationId = value;
        break;
      case KIND:
        if (KINDS.has(value)) out.kind = value as MessageKind;
        break;
      case IDEMPOTENCY:
        out.idempotencyKey = value;
        break;
    }
  }
  return out;
}
