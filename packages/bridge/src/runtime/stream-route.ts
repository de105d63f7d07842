import type { SubjectRouter } from "@junction/sdk";
import {
  type DurableSpec,
  ensureConsumer,
  type JunctionJetStream,
  pullMessages,
} from "@junction/sdk/jetstream";
import type { Lanes } from "@junction/sdk/partitions";
import type { CompiledRoute } from "../routes/compile.ts";
import { createMessageScope, type RouteMessage } from "../targets/message.ts";
import type { TemplateScope } from "../templates/index.ts";
import { deliveredKey } from "./delivered.ts";
import { type HandleDeps, handleMessage } from "./handle.ts";
import type { JetStreamManager, JsMsg } from "./nats-types.ts";
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

/**
 * Creates or updates the route's durable consumer: explicit acks, the route's subject as filter,
 * `max_ack_pending` bounded by the route's concurrency. The server redelivers without limit
 * (`max_deliver: -1`): the runtime itself dead-letters at `maxDeliver`, and also a message whose
 * deliveries kept ending in a crash, so the server never drops one silently.
 */
export async function ensureRouteConsumer(jsm: JetStreamManager, deps: StreamRouteDeps): Promise<void> {
  await ensureConsumer(jsm, routeConsumerSpec(deps, deps.rt.route.name));
}

/** The settings of a route's durable consumer, the shared one or a partition's. */
export function routeConsumerSpec(deps: StreamRouteDeps, durable: string): DurableSpec {
  return {
    stream: deps.stream,
    durable,
    ackWaitMs: deps.policy.ackWaitMs,
    maxDeliver: -1,
    maxAckPending: deps.policy.concurrency,
    filterSubject: deps.rt.route.pattern.natsSubject,
  };
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

/**
 * The SDK's pull loop (held messages, heartbeats, no pull ever cut short) with what a route adds: each
 * message goes to its key's lane, then to the targets; an open breaker pauses fetching, a half-open
 * one lets one message be the trial.
 */
export function startRouteConsumer(deps: StreamRouteDeps, jsm: JetStreamManager): RouteConsumer {
  const { rt, policy, stream, logger } = deps;
  const route = rt.route;
  const log = logger.child({ route: route.name });
  const labels = { route: route.name };
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
      deliverStreamMessage(deps, m, prepared, {
        ack: () => m.ack(),
        nak: (delay) => loop.handBack(m, delay),
      }),
    );
  };

  const loop = pullMessages({
    js: deps.js.js,
    stream,
    consumer: route.name,
    concurrency: policy.concurrency,
    fetchBatch: policy.fetchBatch,
    ackWaitMs: policy.ackWaitMs,
    signal: halt.signal,
    ordered: route.orderingKey !== undefined,
    dispatch: async (m) => {
      try {
        await handle(m);
      } catch (err) {
        log.error({ err, seq: m.info.streamSequence }, "message handling failed");
        loop.handBack(m, 1000);
      }
    },
    paused,
    trial: halfOpen,
    // Expected now and then (missed heartbeats, a reconnect) and recovered from: a line, no stack.
    onError: (err) =>
      log.warn(
        { reason: err instanceof Error ? err.message : String(err) },
        "fetch failed; recreating the consumer",
      ),
    recover: () =>
      ensureRouteConsumer(jsm, deps).catch((e: unknown) => log.error({ err: e }, "consumer setup failed")),
    onHeld: (n) => rt.metrics.inflight.set(labels, n),
  });

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
    inflight: loop.held,
    paused,
    async stop() {
      clearInterval(sampler);
      // What the pull under way still brings is handed back (handle.ts), in order once it has ended.
      halt.abort();
      await loop.done;
    },
  };
}
