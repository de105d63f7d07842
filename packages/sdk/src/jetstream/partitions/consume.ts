import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { pullMessages } from "../pull.ts";
import { partitionOf } from "./hash.ts";
import type { Lanes } from "./lanes.ts";

/** Why a partition stops: `fenced` means this member may no longer be its owner (see group.ts). */
export type StopReason = "rebalance" | "stopping" | "fenced" | "stolen";

export interface ConsumePartitionOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly consumer: string;
  readonly partition: number;
  readonly partitions: number;
  readonly lanes: Lanes;
  /** Prefix of lane keys, so several groups can share one `Lanes`. */
  readonly lanePrefix: string;
  /** The message's ordering key; undefined (or a throw) counts as the empty key. */
  keyOf(m: JsMsg): string | undefined;
  /**
   * Handles one message of this partition and settles it through `settle` (ack, or nak to hand it
   * back). Runs in its key's lane.
   */
  handle(m: JsMsg, key: string, settle: Settle): Promise<void>;
  /** Messages of this partition held (fetched, not settled) at most. */
  readonly concurrency: number;
  readonly fetchBatch: number;
  readonly ackWaitMs: number;
  /** Aborted with a `StopReason`: fetching ends, held messages finish or are handed back in order. */
  readonly signal: AbortSignal;
  /** False while ownership is unconfirmed (the lease's `confirmed`): ack deadlines are not extended. */
  confirmed?(): boolean;
  /** While true nothing is fetched (an open circuit breaker downstream). */
  paused?(): boolean;
  /** Every message fetched, with whether it belongs to this partition (others are acked unseen). */
  onFetched?(m: JsMsg, mine: boolean): void;
  onError?(err: unknown): void;
}

export interface Settle {
  ack(): void;
  nak(delayMs?: number): void;
}

/**
 * Serves one partition from its own durable consumer, which sees every message of the group's filter:
 * messages of other partitions are acked and skipped (nats-server 2.9 has no server-side partitioning).
 * This partition's messages go through their key's lane, so a key's messages run one after another
 * in stream order while different keys run in parallel.
 *
 * A stop never cancels a pull in progress (a message the server sent to a cancelled pull would come
 * back only after the ack wait, behind later ones): the pull runs out. Then, on a graceful stop
 * (`rebalance`, `stopping`) every held message is finished; when fenced or stolen, messages not
 * started yet are left alone (no nak: a nak would queue them for redelivery ahead of their key's
 * earlier, still unacked messages), so the ack wait returns them all, in stream order.
 * Resolves once nothing is held: true when every message was acked, false when one was handed back
 * (its redelivery is then queued at the server, and the next owner must wait for it).
 */
export async function consumePartition(o: ConsumePartitionOptions): Promise<boolean> {
  let handedBack = false;
  const abandoned = () => o.signal.aborted && (o.signal.reason === "fenced" || o.signal.reason === "stolen");
  const dispatch = async (m: JsMsg) => {
    let key: string;
    try {
      key = o.keyOf(m) ?? "";
    } catch {
      key = "";
    }
    const mine = partitionOf(key, o.partitions) === o.partition;
    o.onFetched?.(m, mine);
    if (!mine) return m.ack();
    await o.lanes.run(`${o.lanePrefix}\u0000${key}`, async () => {
      if (abandoned()) return;
      const settle: Settle = {
        ack: () => m.ack(),
        nak: (delayMs) => {
          handedBack = true;
          loop.handBack(m, delayMs);
        },
      };
      try {
        await o.handle(m, key, settle);
      } catch (err) {
        // Handed back from inside the lane, so the key's next message cannot overtake it.
        o.onError?.(err);
        settle.nak();
      }
    });
  };
  const loop = pullMessages({
    js: o.js,
    stream: o.stream,
    consumer: o.consumer,
    concurrency: o.concurrency,
    fetchBatch: o.fetchBatch,
    ackWaitMs: o.ackWaitMs,
    signal: o.signal,
    ordered: true,
    dispatch,
    // Once fenced, the next owner's wait for the ack wait to pass must not be prolonged from here.
    extending: () => !abandoned() && o.confirmed?.() !== false,
    ...(o.paused === undefined ? {} : { paused: o.paused }),
    ...(o.onError === undefined ? {} : { onError: o.onError }),
  });
  const clean = await loop.done;
  return clean && !handedBack;
}
