import { headerRecord, identityOf, type SubjectMatch, type SubjectRouter } from "@junction/sdk";
import type { CompiledRoute } from "../routes/compile.ts";
import type { RouteMessage } from "../routes/message.ts";
import type { MsgHeaders } from "./nats-types.ts";

/** NATS's own subjects: never delivered, even when a wildcard route (`>`) would match them. */
const RESERVED_PREFIXES = ["$JS.", "$SYS.", "$KV.", "_INBOX."];

/**
 * The match of `subject` if `route` owns it, else undefined. With overlapping patterns both routes'
 * consumers (or subscriptions) see the message, but only the most specific route — the one the
 * router picks — delivers it; the other acks and skips it, so each message is delivered once.
 */
export function ownMatch(
  router: SubjectRouter<CompiledRoute>,
  route: CompiledRoute,
  subject: string,
): SubjectMatch<CompiledRoute> | undefined {
  if (RESERVED_PREFIXES.some((p) => subject.startsWith(p))) return undefined;
  const match = router.lookup(subject);
  return match?.value === route ? match : undefined;
}

export interface InboundMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHeaders | undefined;
}

/**
 * The route's view of a received message. Identity: `Nats-Msg-Id`, else `<stream>:<seq>` for stream
 * messages (stable across redeliveries), else a fresh id.
 */
export function routeMessage(
  m: InboundMessage,
  source: { readonly stream: string; readonly seq: number; readonly time: Date } | undefined,
): RouteMessage {
  const carrier = m.headers === undefined ? {} : { headers: m.headers };
  const identity =
    source === undefined ? identityOf(carrier) : identityOf(carrier, () => `${source.stream}:${source.seq}`);
  return {
    subject: m.subject,
    data: m.data,
    headers: headerRecord(carrier),
    ...identity,
    seq: source?.seq,
    time: source?.time ?? new Date(),
  };
}
