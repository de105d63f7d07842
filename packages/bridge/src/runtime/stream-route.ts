import type { SubjectRouter } from "@junction/sdk";
import type { JunctionJetStream } from "@junction/sdk/jetstream";
import type { Lanes } from "@junction/sdk/partitions";
import { sleep } from "@junction/sdk/resilience";
import type { CompiledRoute } from "../routes/compile.ts";
import { createMessageScope, type RouteMessage } from "../targets/message.ts";
import type { TemplateScope } from "../templates/index.ts";
import { deliveredKey } from "./delivered.ts";
import { type HandleDeps, handleMessage } from "./handle.ts";
import type { Consumer, ConsumerMessages, JetStreamManager, JsMsg } from "./nats-types.ts";
import { ownMatch, routeMessage } from "./received.ts";

export interface StreamRouteDeps extends HandleDeps {
  readonly js: JunctionJetStream;
  readonly router: SubjectRouter<CompiledRoute>;
  readonly lanes: Lanes;
  readonly stream: string;
  /** How often consumer lag is sampled (ms). */
  readonly lagSampleMs?: number;
}

export interface RouteConsumer {
  readonly route: string;
  inflight(): number;
  paused(): boolean;
  /** Partitions served by this process (routes with an ordering key only). */
  owned?(): readonly number[];
  /** Stops fetching; resolves once every held message is settled (acked or handed back). */
  stop(): Promise<void>;
}

const NANOS_PER_MS = 1_000_000;

/**
 * Creates or updates the route's durable consumer: explicit acks, the route's subject as filter,
 * `max_ack_pending` bounded by the route's concurrency. The server redelivers without limit
 * (`max_deliver: -1`): the runtime itself dead-letters at `maxDeliver`, and also a message whose
 * deliveries kept ending in a crash, so the server never drops one silently.
 */
export async function ensureRouteConsumer(jsm: JetStreamManager, deps: StreamRouteDeps): Promise<void> {
  const { route } = deps.rt;
  const mutable = {
    ack_wait: deps.policy.ackWaitMs * NANOS_PER_MS,
    max_deliver: -1,
    max_ack_pending: deps.policy.concurrency,
    filter_subject: route.pattern.natsSubject,
  };
  try {
    await jsm.consumers.info(deps.stream, route.name);
  } catch {
    await jsm.consumers.add(deps.stream, { ...mutable, durable_name: route.name, ack_policy: "explicit" });
    return;
  }
  await jsm.consumers.update(deps.stream, route.name, mutable);
}

/** A stream message as its route sees it, with its ordering key; undefined when another route owns it. */
export interface PreparedMessage {
  readonly message: RouteMessage;
  readonly scope: TemplateScope;
  /** Undefined for an unordered route, or when the key cannot be rendered (the targets fail too). */
  readonly key: string | undefined;
}

export function prepareStreamMessage(
  deps: Pick<StreamRouteDeps, "rt" | "router" | "stream">,
  m: JsMsg,
): PreparedMessage | undefined {
  const route = deps.rt.route;
  const match = ownMatch(deps.router, route, m.subject);
  if (match === undefined) return undefined;
  const source = { stream: deps.stream, seq: m.info.streamSequence, time: () => m.time };
  const message = routeMessage(m, source);
  const scope = createMessageScope(message, match.captures);
  let key: string | undefined;
  try {
    key = route.orderingKey?.renderText(scope);
  } catch {
    key = undefined; // unmappable: the targets' mapping fails too and dead-letters it
  }
  return { message, scope, key };
}

/** Delivers a prepared message to its targets and settles it through `settle` (the message, or a wrapper). */
export function deliverStreamMessage(
  deps: StreamRouteDeps,
  m: JsMsg,
  prepared: PreparedMessage,
  settle: { ack(): void; nak(delayMs?: number): void },
): Promise<void> {
  const route = deps.rt.route;
  return handleMessage(
    deps,
    {
      deliveryCount: m.info.deliveryCount,
      stream: deps.stream,
      seq: m.info.streamSequence,
      // Only fan-out routes remember which targets are done.
      memoryKey:
        route.targets.length > 1 ? deliveredKey(route.name, deps.stream, m.info.streamSequence) : undefined,
      ack: () => settle.ack(),
      nak: (delay) => settle.nak(delay),
    },
    prepared.message,
    prepared.scope,
    prepared.key !== undefined,
  );
}

/** Pulls in batches (never more than the free in-flight slots) and hands each message to its lane. */
export function startRouteConsumer(deps: StreamRouteDeps, jsm: JetStreamManager): RouteConsumer {
  const { rt, policy, stream, logger } = deps;
  const route = rt.route;
  const log = logger.child({ route: route.name });
  const labels = { route: route.name };
  /** Messages fetched and not settled yet, with when they arrived (for the heartbeat). */
  const held = new Map<JsMsg, number>();
  let drained: (() => void) | undefined;
  let wakeSlot: (() => void) | undefined;
  let stopped = false;
  const halt = new AbortController();

  const paused = () => rt.channels.some((c) => c.breaker.state === "open");
  const halfOpen = () => rt.channels.some((c) => c.breaker.state === "half-open");

  const handle = async (m: JsMsg) => {
    rt.metrics.messagesIn.inc(labels);
    const prepared = prepareStreamMessage(deps, m);
    if (prepared === undefined) {
      rt.metrics.skipped.inc(labels);
      return m.ack();
    }
    const { key } = prepared;
    await deps.lanes.run(key === undefined ? undefined : `${route.name}\u0000${key}`, () =>
      deliverStreamMessage(deps, m, prepared, m),
    );
  };

  const dispatch = async (m: JsMsg) => {
    held.set(m, performance.now());
    rt.metrics.inflight.set(labels, held.size);
    try {
      await handle(m);
    } catch (err) {
      log.error({ err, seq: m.info.streamSequence }, "message handling failed");
      m.nak(1000);
    } finally {
      held.delete(m);
      rt.metrics.inflight.set(labels, held.size);
      wakeSlot?.();
      if (held.size === 0) drained?.();
    }
  };

  // One timer per route, not per message: a message held for a third of ack_wait (a slow target call,
  // an in-process retry, a wait for its lane) gets its ack deadline extended.
  const beatMs = Math.max(100, policy.ackWaitMs / 3);
  const heartbeat = setInterval(() => {
    const due = performance.now() - beatMs;
    for (const [msg, since] of held) if (since <= due) msg.working();
  }, beatMs);
  heartbeat.unref();

  // Pull when a worthwhile batch is free: a pull per freed slot would cost a round trip per message.
  const lowWater = Math.max(1, Math.min(policy.fetchBatch, Math.floor(policy.concurrency / 4)));

  const run = async () => {
    let failures = 0;
    let consumer: Consumer | undefined;
    while (!stopped) {
      // An open breaker pauses fetching; half-open lets the held messages (or one new one) be the trial.
      if (paused() || (halfOpen() && held.size > 0)) {
        await sleep(50, halt.signal);
        continue;
      }
      const free = policy.concurrency - held.size;
      if (free < (held.size === 0 ? 1 : lowWater)) {
        await new Promise<void>((resolve) => {
          wakeSlot = resolve;
        });
        wakeSlot = undefined;
        continue;
      }
      try {
        consumer ??= await deps.js.js.consumers.get(stream, route.name);
        const max = halfOpen() ? 1 : Math.min(free, policy.fetchBatch);
        const iter = await consumer.fetch({ max_messages: max, expires: 1000 });
        if (stopped) iter.stop();
        for await (const m of iter) void dispatch(m);
        failures = 0;
      } catch (err) {
        if (stopped) break;
        // Expected now and then (missed heartbeats, a reconnect) and recovered from: a line, no stack.
        log.warn(
          { reason: err instanceof Error ? err.message : String(err) },
          "fetch failed; recreating the consumer",
        );
        consumer = undefined;
        await sleep(Math.min(5000, 100 * 2 ** failures++), halt.signal);
        await ensureRouteConsumer(jsm, deps).catch((e: unknown) =>
          log.error({ err: e }, "consumer setup failed"),
        );
      }
    }
  };
  const loop = run();

  // Consumer lag, sampled: num_pending is what the stream holds that this consumer has not seen yet.
  const sampler = setInterval(() => {
    void jsm.consumers.info(stream, route.name).then(
      (info) => rt.metrics.consumerPending.set(labels, info.num_pending),
      () => {},
    );
  }, deps.lagSampleMs ?? 5000);
  sampler.unref();

  return {
    route: route.name,
    inflight: () => held.size,
    paused,
    async stop() {
      stopped = true;
      clearInterval(sampler);
      clearInterval(heartbeat);
      // The pull under way is left to end by itself (within its 1 s expiry): stopping it would drop
      // what the server is still sending, left unacked until ack_wait and then redelivered behind
      // later messages of its key. What it brings now is handed straight back (nak), in order.
      halt.abort();
      wakeSlot?.();
      await loop;
      if (held.size > 0) await new Promise<void>((resolve) => (drained = resolve));
    },
  };
}
