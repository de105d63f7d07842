import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { sleep } from "../resilience/sleep.ts";

/**
 * The one pull loop of Junction's durable consumers: SDK workers, partitioned workers and the bridge's
 * stream routes each add only what is theirs (handlers and dead letters, ownership, fan-out and lanes).
 */
export interface PullOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly consumer: string;
  /** Messages held (fetched, not settled) at most. */
  readonly concurrency: number;
  /** Messages asked for per pull at most. */
  readonly fetchBatch: number;
  readonly ackWaitMs: number;
  /** How long one pull waits for messages (default 3 s); a stop waits for the pull in progress to end. */
  readonly expiresMs?: number;
  /** Aborted: fetching ends, held messages settle, then `pull` resolves. */
  readonly signal: AbortSignal;
  /**
   * Per-key order: after a pull that ended abnormally (messages the server sent to it may be lost,
   * coming back only after the ack wait) nothing newer is fetched until they are back.
   */
  readonly ordered: boolean;
  /** Handles one message and settles it (ack, nak, term); the loop holds it until this resolves. */
  dispatch(m: JsMsg): Promise<void>;
  /** While true nothing is fetched (an open circuit breaker downstream). */
  paused?(): boolean;
  /** While true at most one message is held (the half-open breaker's trial). */
  trial?(): boolean;
  /** False: held messages get no more `working()` (a fenced partition must let its ack wait run out). */
  extending?(): boolean;
  /** A held message's ack deadline is extended for this long at most (default: as long as it is held). */
  readonly maxExtendMs?: number;
  /** After a failed pull, before the next: recreate the consumer, say. */
  recover?(): Promise<void>;
  /** A failed pull (consumer gone, heartbeats missed, disconnect). Retried with a capped backoff. */
  onError?(err: unknown): void;
  /** The number held, after every change. */
  onHeld?(held: number): void;
}

export interface Pull {
  /** Messages held now. */
  held(): number;
  /**
   * Hands a message back for redelivery (nak). Once stopping, the nak waits until the pull under way
   * has ended, and all such naks go out together in stream order: a nak while that pull is still open
   * would have the server redeliver the message into it, and its next hand-back would queue it behind
   * later messages of its key.
   */
  handBack(m: JsMsg, delayMs?: number): void;
  /** Resolves once fetching has ended and nothing is held: false when a pull ended abnormally. */
  readonly done: Promise<boolean>;
}

interface Held {
  readonly since: number;
  at: number;
}

/** Default pull lifetime: nats.js checks a pull's heartbeats every half of it; shorter, and a busy process misses them. */
const FETCH_EXPIRES_MS = 3000;
/** After the ack wait, the server's redelivery timer needs a moment to queue the expired messages. */
const REDELIVERY_MARGIN_MS = 1000;
/** Poll interval while waiting for deliveries to settle. */
const SETTLE_POLL_MS = 200;

/** Longer than any pull lives (its expiry plus the cut-off grace): a pull still waiting after it is another process's. */
const PULL_LIFETIME_MS = 10_000;

/**
 * Waits until a consumer has no delivery outstanding beyond the `holding()` we hold and no pull
 * waiting, or until the ack wait (plus the margin) has passed since the last pull was seen waiting:
 * then whatever was outstanding is queued for redelivery, in stream order, ahead of anything newer.
 * The ack wait counts from the last waiting pull because that pull (a crashed or fenced owner's) may
 * receive messages until it ends. A consumer whose pulls never stop waiting is shared with other
 * processes, where no order is promised: then the wait ends after one pull lifetime more.
 */
export async function settled(
  info: () => Promise<{ num_ack_pending: number; num_waiting: number }>,
  holding: () => number,
  ackWaitMs: number,
  signal: AbortSignal,
): Promise<void> {
  const wait = ackWaitMs + REDELIVERY_MARGIN_MS;
  const cap = performance.now() + wait + PULL_LIFETIME_MS;
  let deadline = performance.now() + wait;
  while (!signal.aborted) {
    const i = await info().catch(() => undefined);
    const now = performance.now();
    if (now > cap) return;
    if (i !== undefined && i.num_waiting > 0) deadline = Math.min(cap, now + wait);
    const late = now > deadline;
    if (i === undefined ? late : i.num_waiting === 0 && (i.num_ack_pending <= holding() || late)) return;
    await sleep(SETTLE_POLL_MS, signal);
  }
}

/**
 * Pulls in batches, never more than the free slots, and pulls again once a worthwhile batch is free (a
 * pull per freed slot would cost a round trip per message). Held messages get their ack deadline
 * extended every third of the ack wait. A stop never cancels a pull in progress — a message the server
 * sent to a cancelled pull would come back only after the ack wait, behind later ones of its key — it
 * lets the pull run out; one that does not end (its connection is gone) is cut off after a grace period.
 */
export function pullMessages(o: PullOptions): Pull {
  const expires = o.expiresMs ?? FETCH_EXPIRES_MS;
  /** Held messages: when fetched, and when their ack deadline last started (fetch or `working()`). */
  const held = new Map<JsMsg, Held>();
  /** The held message of each stream sequence, to recognise the server's copy of one held here. */
  const heldSeq = new Map<number, Held>();
  let wakeSlot: (() => void) | undefined;
  let drained: (() => void) | undefined;
  let lost = false;
  const handedBack: JsMsg[] = [];
  const handBack = (m: JsMsg, delayMs?: number) => {
    if (o.signal.aborted) handedBack.push(m);
    else m.nak(delayMs);
  };

  const maxExtendMs = o.maxExtendMs ?? Number.POSITIVE_INFINITY;
  const dispatch = (m: JsMsg) => {
    const now = performance.now();
    const seq = m.info.streamSequence;
    const original = heldSeq.get(seq);
    // The server redelivered a message still held here: its deadline ran out unextended (a stalled
    // event loop, an unconfirmed partition owner). The held one settles it, so this copy is not run a
    // second time. Past `maxExtendMs` the redelivery is the point (a hung handler), so it runs.
    if (original !== undefined && now - original.since < maxExtendMs) return;
    const h: Held = { since: now, at: now };
    held.set(m, h);
    heldSeq.set(seq, h);
    o.onHeld?.(held.size);
    void o
      .dispatch(m)
      .catch((err: unknown) => o.onError?.(err))
      .finally(() => {
        held.delete(m);
        if (heldSeq.get(seq) === h) heldSeq.delete(seq);
        o.onHeld?.(held.size);
        wakeSlot?.();
        if (held.size === 0) drained?.();
      });
  };

  // A deadline is restarted once a third of the ack wait has passed, checked every sixth: half the ack
  // wait is left for a busy event loop, whose late timers would otherwise let a held message expire
  // and come back as a duplicate.
  const extendAfterMs = Math.max(100, o.ackWaitMs / 3);
  const heartbeat = setInterval(() => {
    if (o.extending?.() === false) return;
    const now = performance.now();
    for (const [m, h] of held) {
      if (now - h.at < extendAfterMs || now - h.since >= maxExtendMs) continue;
      m.working();
      h.at = now;
    }
  }, extendAfterMs / 2);
  heartbeat.unref();
  const wake = () => wakeSlot?.();
  o.signal.addEventListener("abort", wake, { once: true });

  const lowWater = Math.max(1, Math.min(o.fetchBatch, Math.floor(o.concurrency / 4)));
  const run = async (): Promise<boolean> => {
    let consumer: Consumer | undefined;
    const info = async () => {
      consumer ??= await o.js.consumers.get(o.stream, o.consumer);
      return consumer.info();
    };
    let failures = 0;
    while (!o.signal.aborted) {
      if (lost && o.ordered) {
        await settled(info, () => held.size, o.ackWaitMs, o.signal);
        lost = false;
        continue;
      }
      const trial = o.trial?.() === true;
      if (o.paused?.() === true || (trial && held.size > 0)) {
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
          max_messages: trial ? 1 : Math.min(free, o.fetchBatch),
          expires,
        });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cutOff = () => {
          timer = setTimeout(() => {
            lost = true;
            iter.stop();
          }, expires + 2000).unref();
        };
        if (o.signal.aborted) cutOff();
        else o.signal.addEventListener("abort", cutOff, { once: true });
        try {
          for await (const m of iter) dispatch(m);
        } finally {
          o.signal.removeEventListener("abort", cutOff);
          clearTimeout(timer);
        }
        failures = 0;
      } catch (err) {
        lost = true;
        consumer = undefined;
        if (o.signal.aborted) break;
        o.onError?.(err);
        await sleep(Math.min(5000, 100 * 2 ** failures++), o.signal);
        if (!o.signal.aborted) await o.recover?.().catch((e: unknown) => o.onError?.(e));
      }
    }
    if (held.size > 0) await new Promise<void>((resolve) => (drained = resolve));
    handedBack.sort((a, b) => a.info.streamSequence - b.info.streamSequence);
    for (const m of handedBack.splice(0)) {
      try {
        m.nak();
      } catch (err) {
        o.onError?.(err); // connection gone: the ack wait returns it, in order too
      }
    }
    return !lost;
  };
  const done = run().finally(() => {
    clearInterval(heartbeat);
    o.signal.removeEventListener("abort", wake);
  });
  return { held: () => held.size, handBack, done };
}
