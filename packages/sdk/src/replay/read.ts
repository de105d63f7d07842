import type { JunctionClient } from "../connect/client.ts";
import { JetStreamError, toJetStreamError } from "../errors/jetstream.ts";
import { checkInteger } from "../resilience/errors.ts";
import { type StoredMessage, storedMessage } from "./stored.ts";

export interface StreamReadOptions {
  readonly stream: string;
  /** One subject filter (nats-server 2.9 takes one only); default every subject. */
  readonly filterSubject?: string;
  /** First sequence to read (inclusive); default the first. */
  readonly startSeq?: number;
  /** Last sequence to read (inclusive); default the last one when reading starts. */
  readonly endSeq?: number;
  /** Read from the first message stored at or after this time. */
  readonly startTime?: Date;
  /** Stop before the first message stored after this time. */
  readonly endTime?: Date;
  /** Read at most this many; `truncated` then says whether more were left. Default unbounded. */
  readonly maxMessages?: number;
  /** Only headers (the server sends no payloads): for scans that only look at identity. */
  readonly headersOnly?: boolean;
  /** Give up when the server sends nothing for this long (default 10 s). */
  readonly idleTimeoutMs?: number;
}

/** Messages in stream order; after the iteration, how many were read and whether the limit cut it short. */
export interface StreamRead extends AsyncIterable<StoredMessage> {
  readonly scanned: number;
  readonly truncated: boolean;
}

/**
 * Reads a stream with an ordered consumer (ephemeral, unacknowledged, flow-controlled; works on
 * nats-server 2.9), from a position or a time to the stream's end as it was when reading started, so
 * the read ends even while messages keep arriving. The consumer is deleted afterwards.
 */
export function readStream(client: JunctionClient, options: StreamReadOptions): StreamRead {
  const { stream } = options;
  const max = options.maxMessages ?? Number.POSITIVE_INFINITY;
  if (options.maxMessages !== undefined) checkInteger("maxMessages", options.maxMessages, 1);
  if (options.startSeq !== undefined) checkInteger("startSeq", options.startSeq, 1);
  const idleMs = options.idleTimeoutMs ?? 10_000;
  let scanned = 0;
  let truncated = false;

  async function* read(): AsyncGenerator<StoredMessage> {
    const js = client.jetstream();
    let consumer: Awaited<ReturnType<typeof js.js.consumers.get>>;
    let last: number;
    try {
      const info = await (await js.manager()).streams.info(stream);
      last = Math.min(info.state.last_seq, options.endSeq ?? Number.POSITIVE_INFINITY);
      if (info.state.messages === 0 || (options.startSeq ?? 1) > last) return;
      consumer = await js.js.consumers.get(stream, {
        ...(options.filterSubject === undefined ? {} : { filter_subjects: options.filterSubject }),
        ...(options.startTime !== undefined
          ? { opt_start_time: options.startTime.toISOString() }
          : options.startSeq !== undefined
            ? { opt_start_seq: options.startSeq }
            : {}),
        ...(options.headersOnly ? { headers_only: true } : {}),
      });
    } catch (err) {
      throw toJetStreamError(err, stream);
    }
    try {
      if ((await consumer.info(true)).num_pending === 0) return;
      const iter = await consumer.consume({ max_messages: 256 });
      let stalled = false;
      let idle: ReturnType<typeof setTimeout> | undefined;
      const watch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          stalled = true;
          iter.stop();
        }, idleMs);
      };
      watch();
      try {
        for await (const m of iter) {
          watch();
          if (m.seq > last || (options.endTime !== undefined && m.time > options.endTime)) break;
          if (scanned >= max) {
            truncated = true;
            break;
          }
          scanned++;
          yield storedMessage(stream, m.seq, m.subject, m.time, m.headers, m.data);
          if (m.info.pending === 0 || m.seq === last) break;
        }
      } finally {
        clearTimeout(idle);
        iter.stop();
      }
      if (stalled) throw new JetStreamError(`reading stream ${stream} stalled: nothing for ${idleMs} ms`);
    } finally {
      consumer.delete().catch(() => {}); // ephemeral anyway: the server drops it after 5 min idle
    }
  }

  return {
    get scanned() {
      return scanned;
    },
    get truncated() {
      return truncated;
    },
    [Symbol.asyncIterator]: read,
  };
}
