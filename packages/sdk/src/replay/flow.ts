import type { JunctionClient } from "../connect/client.ts";
import { toJetStreamError } from "../errors/jetstream.ts";
import { type CausationNode, causationTree } from "./causation.ts";
import { readStream } from "./read.ts";
import { type StoredMessage, storedMessage } from "./stored.ts";

export interface FlowReadOptions {
  /** Only this subject filter (e.g. when subjects carry the correlation id: `orders.*.<id>.>`). */
  readonly filterSubject?: string;
  /** Skip what was stored before this time: the flow cannot be older than its root. */
  readonly startTime?: Date;
  /** Read at most this many messages per stream (default 100,000); `truncated` says if that cut it. */
  readonly maxMessages?: number;
  /** Fetch the payloads of the flow's messages (default true; `false` for a trace, which shows headers only). */
  readonly withData?: boolean;
}

/** One flow (all messages with one correlation id), as stored. */
export interface Flow {
  readonly correlationId: string;
  /** Causal order: parents before children, then stream order. */
  readonly messages: readonly StoredMessage[];
  readonly roots: readonly CausationNode[];
  /** Messages read to find it, across streams. */
  readonly scanned: number;
  /** A stream had more than `maxMessages` to read: the flow may be incomplete. */
  readonly truncated: boolean;
}

export const DEFAULT_FLOW_SCAN_LIMIT = 100_000;

/**
 * Finds a flow by correlation id. nats-server 2.9 cannot filter a consumer by header, so each stream is
 * read in full (from `startTime`), headers only, and filtered here: the cost is one pass over every
 * message's headers, bounded by `maxMessages`; only the flow's own payloads are then fetched, one by one.
 * Put the correlation id in a subject token and pass `filterSubject` to read only the flow itself.
 */
export async function readFlow(
  client: JunctionClient,
  streams: readonly string[],
  correlationId: string,
  options: FlowReadOptions = {},
): Promise<Flow> {
  const found: StoredMessage[] = [];
  let scanned = 0;
  let truncated = false;
  for (const stream of streams) {
    const read = readStream(client, {
      stream,
      headersOnly: true,
      maxMessages: options.maxMessages ?? DEFAULT_FLOW_SCAN_LIMIT,
      ...(options.filterSubject === undefined ? {} : { filterSubject: options.filterSubject }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    });
    for await (const m of read) if (m.identity.correlationId === correlationId) found.push(m);
    scanned += read.scanned;
    truncated ||= read.truncated;
  }
  const messages = options.withData === false ? found : await withPayloads(client, found);
  const tree = causationTree(messages);
  return { correlationId, messages: tree.ordered, roots: tree.roots, scanned, truncated };
}

async function withPayloads(client: JunctionClient, messages: StoredMessage[]): Promise<StoredMessage[]> {
  if (messages.length === 0) return messages;
  const jsm = await client.jetstream().manager();
  return Promise.all(
    messages.map(async (m) => {
      try {
        const full = await jsm.streams.getMessage(m.stream, { seq: m.seq });
        return full ? storedMessage(m.stream, m.seq, full.subject, full.time, full.header, full.data) : m;
      } catch (err) {
        throw toJetStreamError(err, m.stream);
      }
    }),
  );
}
