import {
  headerRecord,
  identityOf,
  type MessageIdentity,
  type SubjectMatch,
  type SubjectRouter,
} from "@junction/sdk";
import type { CompiledRoute } from "../routes/compile.ts";
import type { RouteMessage } from "../targets/message.ts";
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
 * messages (stable across redeliveries), else a fresh id. Headers, identity and time are read on first
 * use and kept: a route whose templates need none of them (`body: "{$data}"`) never parses headers.
 */
export function routeMessage(
  m: InboundMessage,
  source: { readonly stream: string; readonly seq: number; readonly time: () => Date } | undefined,
): RouteMessage {
  return new ReceivedMessage(m, source);
}

class ReceivedMessage implements RouteMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly seq: number | undefined;
  readonly #received: InboundMessage;
  readonly #source: Parameters<typeof routeMessage>[1];
  #identity: MessageIdentity | undefined;
  #headers: Record<string, string> | undefined;
  #time: Date | undefined;

  constructor(m: InboundMessage, source: Parameters<typeof routeMessage>[1]) {
    this.subject = m.subject;
    this.data = m.data;
    this.seq = source?.seq;
    this.#received = m; // nats.js parses headers when they are first read
    this.#source = source;
  }
  get headers(): Record<string, string> {
    this.#headers ??= headerRecord(this.#carrier());
    return this.#headers;
  }
  get id(): string {
    return this.#identify().id;
  }
  get correlationId(): string {
    return this.#identify().correlationId;
  }
  get causationId(): string | undefined {
    return this.#identify().causationId;
  }
  get time(): Date {
    this.#time ??= this.#source?.time() ?? new Date();
    return this.#time;
  }
  #identify(): MessageIdentity {
    const source = this.#source;
    this.#identity ??=
      source === undefined
        ? identityOf(this.#carrier())
        : identityOf(this.#carrier(), () => `${source.stream}:${source.seq}`);
    return this.#identity;
  }
  #carrier(): { headers?: MsgHeaders } {
    const headers = this.#received.headers;
    return headers === undefined ? {} : { headers };
  }
}
