import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { sleep } from "../resilience/sleep.ts";
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
  /** While true nothing is fetched (an open circuit breaker downstream). */
  paused?(): boolean;
  /** Every message fetched, with whether it belongs to this partition (others are acked unseen). */
  onFetched?(m: JsMsg, mine: boolean): void;
  onError?(err: unknown): void;
}

/** After the ack wait, the server's redelivery timer needs a moment to queue the expired messages. */
const REDELIVERY_MARGIN_MS = 1000;

/**
 * Waits until a consumer has no delivery outstanding beyond the `holding()` we hold and no pull
 * waiting, or until its ack wait (plus the margin) has passed: then whatever was outstanding is queued
 * for redelivery, in stream order, ahead of anything newer.
 */
export async function settled(
  info: () => Promise<{ num_ack_pending: number; num_waiting: number }>,
  holding: () => number,
  ackWaitMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + ackWaitMs + REDELIVERY_MARGIN_MS;
  while (!signal.aborted) {
    const i = await info().catch(() => undefined);
    if (i !== undefined && i.num_waiting === 0) {
      if (i.num_ack_pending <= holding() || performance.now() > deadline) return;
    }
    await sleep(SETTLE_POLL_MS, signal);
  }
}

/** Poll interval while waiting for deliveries to settle. */
const SETTLE_POLL_MS = 200;

export interface Settle {
  ack(): void;
  nak(delayMs?: number): void;
}

/**
 * How long one pull waits for messages; a stop waits for the pull in progress to end. (nats.js checks
 * a pull's heartbeats every half of it: much shorter, and a busy process misses them.)
 */
const FETCH_EXPIRES_MS = 3000;

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
  const held = new Map<JsMsg, number>();
  let handedBack = false;
  // A pull that ended abnormally (failed, or cut off) may have had messages sent to it that we never
  // saw: they come back only after the ack wait, so nothing newer may be fetched before they do.
  let lost = false;
  const abandoned = () => o.signal.aborted && (o.signal.reason === "fenced" || o.signal.reason === "stolen");
  let wakeSlot: (() => void) | undefined;
  let drained: (() => void) | undefined;

  const dispatch = (m: JsMsg) => {
    let key: string;
    try {
      key = o.keyOf(m) ?? "";
    } catch {
      key = "";
    }
    const mine = partitionOf(key, o.partitions) === o.partition;
    o.onFetched?.(m, mine);
    if (!mine) return m.ack();
    held.set(m, performance.now());
    void o.lanes
      .run(`${o.lanePrefix}\u0000${key}`, async () => {
        if (abandoned()) return;
        const settle: Settle = {
          ack: () => m.ack(),
          nak: (delayMs) => {
            handedBack = true;
            m.nak(delayMs);
          },
        };
        try {
          await o.handle(m, key, settle);
        } catch (err) {
          // Handed back from inside the lane, so the key's next message cannot overtake it.
          o.onError?.(err);
          settle.nak();
        }
      })
      .finally(() => {
        held.delete(m);
        wakeSlot?.();
        if (held.size === 0) drained?.();
      });
  };

  // Held messages get their ack deadline extended every third of the ack wait, except once fenced:
  // then the next owner's wait for the ack wait to pass must not be prolonged from here.
  const beatMs = Math.max(100, o.ackWaitMs / 3);
  const heartbeat = setInterval(() => {
    if (abandoned()) return;
    const due = performance.now() - beatMs;
    for (const [m, since] of held) if (since <= due) m.working();
  }, beatMs);
  heartbeat.unref();
  const wake = () => wakeSlot?.();
  o.signal.addEventListener("abort", wake, { once: true });

  const lowWater = Math.max(1, Math.min(o.fetchBatch, Math.floor(o.concurrency / 4)));
  let consumer: Consumer | undefined;
  let failures = 0;
  try {
    while (!o.signal.aborted) {
      if (lost && consumer !== undefined) {
        const c = consumer;
        await settled(
          () => c.info(),
          () => held.size,
          o.ackWaitMs,
          o.signal,
        );
        lost = false;
        continue;
      }
      if (o.paused?.()) {
        await sleep(50, o.signal);
        continue;
      }
      const free = o.concurrency - held.size;
      if (free < (held.size === 0 ? 1 : lowWater)) {
        await new Promise<void>((resolve) => {
          wakeSlot = resolve;
        });
        wakeSlot = undefined;
        continue;
      }
      try {
        consumer ??= await o.js.consumers.get(o.stream, o.consumer);
        const iter = await consumer.fetch({
          max_messages: Math.min(free, o.fetchBatch),
          expires: FETCH_EXPIRES_MS,
        });
        // A pull normally ends by itself within its expiry; one that does not (its connection is gone)
        // is cut off after a grace period, so a stop cannot hang on it.
        const cutOff = () =>
          setTimeout(() => {
            lost = true;
            iter.stop();
          }, FETCH_EXPIRES_MS + 2000).unref();
        if (o.signal.aborted) cutOff();
        else o.signal.addEventListener("abort", cutOff, { once: true });
        try {
          for await (const m of iter) dispatch(m);
        } finally {
          o.signal.removeEventListener("abort", cutOff);
        }
        failures = 0;
      } catch (err) {
        lost = true;
        if (o.signal.aborted) break;
        o.onError?.(err);
        await sleep(Math.min(5000, 100 * 2 ** failures++), o.signal);
      }
    }
    if (held.size > 0) await new Promise<void>((resolve) => (drained = resolve));
    return !handedBack && !lost;
  } finally {
    clearInterval(heartbeat);
    o.signal.removeEventListener("abort", wake);
  }
}
