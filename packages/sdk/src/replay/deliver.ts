import type { OutgoingOptions } from "../client/outgoing.ts";
import type { JunctionClient } from "../connect/client.ts";
import type { StoredMessage } from "./stored.ts";

/** Header on a message republished as a derived copy: where the original is stored, `<stream>:<seq>`. */
export const ReplayOfHeader = "Junction-Replay-Of";

/**
 * Where replayed messages go: a handler (awaited, one message at a time), or another subject.
 *
 * Republishing is `derived` by default: each copy is a new message (fresh id, the original's correlation
 * id, causation id = the original's id, `Junction-Replay-Of: <stream>:<seq>`). A fresh id matters: a
 * copy with the original id would be dropped by a stream's duplicate window and skipped by idempotent
 * handlers that already processed the original; the causation id keeps the copy in the original flow's
 * tree. `verbatim` keeps every header, ids included: for moving messages to another stream or system that
 * must see the same identities (and deduplicate what it already has).
 */
export type ReplayTarget =
  | ((message: StoredMessage) => unknown)
  | {
      readonly subject: string | ((message: StoredMessage) => string);
      readonly mode?: "derived" | "verbatim";
      /** `jetstream` (default): acknowledged by the stream capturing the subject; `core`: at most once. */
      readonly via?: "jetstream" | "core";
    };

// Set by a publisher for the server, not part of the message: a copy must not carry them.
const SERVER_HEADERS = /^(nats-expected-|nats-msg-size$|nats-ttl$)/i;

/** Delivers messages in the order given; resolves with how many were delivered. */
export async function deliverReplay(
  messages: AsyncIterable<StoredMessage> | Iterable<StoredMessage>,
  target: ReplayTarget,
  deps: { readonly client: JunctionClient },
): Promise<number> {
  let delivered = 0;
  for await (const m of messages) {
    if (typeof target === "function") await target(m);
    else await republish(deps.client, m, target);
    delivered++;
  }
  return delivered;
}

async function republish(
  client: JunctionClient,
  m: StoredMessage,
  target: Exclude<ReplayTarget, (message: StoredMessage) => unknown>,
): Promise<void> {
  const subject = typeof target.subject === "function" ? target.subject(m) : target.subject;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers)) if (!SERVER_HEADERS.test(k)) headers[k] = v;
  const verbatim = target.mode === "verbatim";
  if (!verbatim) headers[ReplayOfHeader] = `${m.stream}:${m.seq}`;
  const options: OutgoingOptions = {
    ...(verbatim ? { identity: m.identity } : { causedBy: m.identity }),
    ...(m.kind === undefined ? {} : { kind: m.kind }),
    headers,
  };
  if (target.via === "core") client.publish(subject, m.data, options);
  else await client.jetstream().publish(subject, m.data, options);
}
