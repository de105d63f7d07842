import type { JunctionJetStream } from "@junction/sdk/jetstream";
import type { JetStreamClient } from "../runtime/nats-types.ts";
import type { MirrorEntry } from "./layout.ts";

type OrderedOptions = NonNullable<Exclude<Parameters<JetStreamClient["consumers"]["get"]>[1], string>>;
type DeliverPolicy = NonNullable<OrderedOptions["deliver_policy"]>;

export interface BucketChanges extends AsyncIterable<MirrorEntry> {
  stop(): void;
}

/**
 * The bucket's changes after revision `after` (0: all it keeps), in revision order, through an ordered
 * pull consumer on its stream. Not the KV watcher: nats.js answers a push watcher's flow control as
 * messages arrive, so a mirror slower than the bucket would buffer the whole backlog in memory; a pull
 * consumer only fetches what is asked for. A first run reads every revision the bucket keeps rather
 * than the last per key: nats-server 2.9's last-per-subject consumers skip messages written while
 * they deliver, and a bucket usually keeps one revision per key anyway.
 */
export async function readBucket(
  js: JunctionJetStream,
  bucket: string,
  after: number,
  batch = 256,
): Promise<BucketChanges> {
  const prefix = `$KV.${bucket}.`;
  const options: Partial<OrderedOptions> = {
    filter_subjects: `${prefix}>`,
    deliver_policy: "by_start_sequence" as DeliverPolicy,
    opt_start_seq: after + 1,
  };
  const consumer = await js.js.consumers.get(`KV_${bucket}`, options);
  const messages = await consumer.consume({ max_messages: batch });
  return {
    stop: () => {
      void messages.close().catch(() => undefined);
    },
    async *[Symbol.asyncIterator]() {
      for await (const m of messages) {
        const op = m.headers?.get("KV-Operation");
        yield {
          key: m.subject.slice(prefix.length),
          revision: m.seq,
          operation: op === "DEL" || op === "PURGE" ? op : "PUT",
          value: m.data,
          time: m.time,
        };
      }
    },
  };
}
