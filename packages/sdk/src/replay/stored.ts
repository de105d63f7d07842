import type { MsgHdrs } from "@nats-io/nats-core";
import {
  headerRecord,
  identityOf,
  kindOf,
  type MessageIdentity,
  type MessageKind,
} from "../identity/index.ts";
import { withHeaders } from "../jetstream/job.ts";

/** A message as stored in a stream, with its Junction identity. */
export interface StoredMessage {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  /** When the stream stored it. */
  readonly time: Date;
  readonly headers: Readonly<Record<string, string>>;
  /** The payload; empty when read headers-only. */
  readonly data: Uint8Array;
  /** Without `Nats-Msg-Id`, the id is `<stream>:<seq>` (as workers see it). */
  readonly identity: MessageIdentity;
  readonly kind: MessageKind | undefined;
}

// Added by the server to headers-only deliveries; not part of the message.
const MSG_SIZE = "nats-msg-size";

export function storedMessage(
  stream: string,
  seq: number,
  subject: string,
  time: Date,
  headers: MsgHdrs | undefined,
  data: Uint8Array,
): StoredMessage {
  const h = withHeaders(headers);
  const record = headerRecord(h);
  for (const key of Object.keys(record)) if (key.toLowerCase() === MSG_SIZE) delete record[key];
  return {
    stream,
    seq,
    subject,
    time,
    headers: record,
    data,
    identity: identityOf(h, () => `${stream}:${seq}`),
    kind: kindOf(h),
  };
}

/** Stream order: by sequence within a stream; across streams by time, then stream name. */
export function compareStored(a: StoredMessage, b: StoredMessage): number {
  if (a.stream === b.stream) return a.seq - b.seq;
  return a.time.getTime() - b.time.getTime() || (a.stream < b.stream ? -1 : 1);
}
