import { setMaxListeners } from "node:events";
import type { JunctionClient } from "@junction/sdk";
import { type JunctionJetStream, writeDeadLetter } from "@junction/sdk/jetstream";
import { createLanes, defaultMemberId } from "@junction/sdk/partitions";
import type { BreakerOptions } from "@junction/sdk/resilience";
import { type Logger, silentLogger } from "@junction/sdk/telemetry";
import type { Registry } from "prom-client";
import type { AwsClientSet } from "../aws/clients.ts";
import type { LoadedConfig } from "../config/load.ts";
import type { CompiledRoute } from "../routes/compile.ts";
import type { AwsService, TargetSender } from "../targets/index.ts";
import { createTargetChannel, type TargetChannel } from "./channel.ts";
import { watchConnection } from "./connection.ts";
import { type CoreRoute, startCoreRoute } from "./core-route.ts";
import { createDeliveredMemory, type DeliveredMemory } from "./delivered.ts";
import { ensureDlqStream } from "./dlq/format.ts";
import type { HandleDeps } from "./handle.ts";
import { type BridgeMetrics, createBridgeMetrics } from "./metrics.ts";
import { startPartitionedRoute } from "./partitioned-route.ts";
import { ensureRouteConsumer, type RouteConsumer, startRouteConsumer } from "./stream-route.ts";

export interface BridgeDeps {
  readonly client: JunctionClient;
  readonly aws: AwsClientSet;
  readonly logger?: Logger;
  /** Senders by service (tests inject doubles); the others come from `createSender`. */
  readonly senders?: Partial<Record<AwsService, TargetSender>>;
  /** The real senders' factory (targets/index.ts `createSender`). */
  readonly createSender?: (service: AwsService, aws: AwsClientSet) => TargetSender;
  readonly registry?: Registry;
  /** Per-target breaker; default 5 consecutive outages, 2 s before the half-open trial. */
  readonly breaker?: Partial<BreakerOptions>;
  /** How long stop() lets held messages finish before it gives up on them (default 10 s). */
  readonly stopTimeoutMs?: number;
  readonly lagSampleMs?: number;
  /** Fan-out memory; default the KV bucket `JUNCTION_DELIVERED`. */
  readonly delivered?: DeliveredMemory;
  /** This process in the partitioned groups of ordered routes (default `<host>-<pid>-<random>`). */
  readonly memberId?: string;
}

export interface RouteStats {
  readonly route: string;
  readonly kind: "stream" | "core";
  readonly inflight: number;
  readonly paused: boolean;
  /** Ordered stream routes: the partitions this process serves now (see docs/scaling.md). */
  readonly partitions?: readonly number[];
}

export interface BridgeStats {
  readonly started: boolean;
  readonly routes: readonly RouteStats[];
}

export interface Bridge {
  /** Ensures the DLQ stream and the routes' consumers, then starts consuming. */
  start(): Promise<void>;
  /** Drains: stops fetching, lets held messages finish (or hands them back), then resolves. */
  stop(): Promise<void>;
  /** True between a successful start() and stop(). */
  ready(): boolean;
  stats(): BridgeStats;
  readonly metrics: BridgeMetrics;
}

export function createBridge(loaded: LoadedConfig, deps: BridgeDeps): Bridge {
  const logger = deps.logger ?? silentLogger;
  const metrics = createBridgeMetrics(deps.registry);
  const senders = new Map<AwsService, TargetSender>();
  const senderFor = (service: AwsService): TargetSender => {
    let sender = senders.get(service) ?? deps.senders?.[service];
    if (sender === undefined) {
      if (deps.createSender === undefined) throw new Error(`no sender for ${service} targets`);
      sender = deps.createSender(service, deps.aws);
    }
    senders.set(service, sender);
    return sender;
  };
  const lanes = createLanes();
  const memberId = deps.memberId ?? defaultMemberId();
  const stopping = new AbortController();
  setMaxListeners(0, stopping.signal); // every waiting message listens for stop()
  const running: (RouteConsumer | CoreRoute)[] = [];
  const consumers: RouteConsumer[] = [];
  const channels: TargetChannel[] = [];
  let js: JunctionJetStream | undefined;
  let memory: DeliveredMemory | undefined;
  let started = false;
  let stopped: Promise<void> | undefined;

  const channelsOf = (route: CompiledRoute) =>
    route.targets.map((target, i) => {
      const channel = createTargetChannel({
        route: route.name,
        label: `${target.service}#${i}`,
        sender: senderFor(target.service),
        policy: route.policy,
        metrics,
        ...(deps.breaker === undefined ? {} : { breaker: deps.breaker }),
        ...(target.onConditionFailed === undefined ? {} : { onConditionFailed: target.onConditionFailed }),
      });
      channels.push(channel);
      return channel;
    });

  const start = async () => {
    if (started) return;
    js = deps.client.jetstream();
    const jsm = await js.manager();
    const fleet = loaded.config.fleet;
    await ensureDlqStream(js, { replicas: fleet.replicas, dlq: loaded.config.dlq });
    memory = deps.delivered ?? createDeliveredMemory(deps.client, { replicas: fleet.replicas });
    watchConnection(deps.client, logger, metrics);
    const jetstream = js;
    const handleDeps = (route: CompiledRoute): HandleDeps => ({
      rt: { route, channels: channelsOf(route), metrics },
      policy: route.policy,
      memory: memory ?? createDeliveredMemory(deps.client, { replicas: fleet.replicas }),
      deadLetter: async (letter) => {
        await writeDeadLetter((subject, data, o) => jetstream.publish(subject, data, o), letter);
      },
      logger,
      stopping: stopping.signal,
    });
    for (const route of loaded.routes.routes) {
      const base = handleDeps(route);
      if (route.stream !== undefined) {
        const routeDeps = {
          ...base,
          js: jetstream,
          router: loaded.routes.router,
          lanes,
          stream: route.stream,
          ...(deps.lagSampleMs === undefined ? {} : { lagSampleMs: deps.lagSampleMs }),
        };
        // An ordered route keeps its order across processes: partitions, each owned by one process
        // (docs/scaling.md). Unordered routes, and ordered ones on a work-queue stream, share one consumer.
        let consumer: RouteConsumer;
        if (route.partitions === undefined) {
          await ensureRouteConsumer(jsm, routeDeps);
          consumer = startRouteConsumer(routeDeps, jsm);
        } else {
          consumer = await startPartitionedRoute(routeDeps, jsm, {
            partitions: route.partitions,
            leaseMs: fleet.leaseMs,
            replicas: fleet.replicas,
            memberId,
          });
        }
        consumers.push(consumer);
        running.push(consumer);
      } else {
        const replyChannel =
          route.reply === undefined
            ? undefined
            : createTargetChannel({
                route: route.name,
                label: "reply",
                sender: senderFor(route.reply.service),
                // A request waits for its answer: no linger, one call per request.
                policy: { ...base.policy, batchCount: 1, lingerMs: 0 },
                metrics,
                ...(deps.breaker === undefined ? {} : { breaker: deps.breaker }),
              });
        const timeoutMs = route.replyTimeoutMs ?? 5000;
        running.push(
          startCoreRoute({
            ...base,
            client: deps.client,
            router: loaded.routes.router,
            lanes,
            reply: replyChannel === undefined ? undefined : { channel: replyChannel, timeoutMs },
          }),
        );
      }
      logger.info({ route: route.name, stream: route.stream ?? null }, "route started");
    }
    // Subscriptions are registered with the server before we call ourselves ready.
    await deps.client.nc.flush();
    started = true;
  };

  const stop = () => {
    stopped ??= (async () => {
      started = false;
      stopping.abort();
      const timeoutMs = deps.stopTimeoutMs ?? 10_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = Promise.all(running.map((r) => r.stop())).then(() => true);
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ok = await Promise.race([drained, late]);
      clearTimeout(timer);
      // Messages still held past the bound are not acked: the server redelivers them after ack_wait.
      if (!ok) logger.warn({ timeoutMs }, "stop: in-flight messages left to redelivery");
      await Promise.all(channels.map((c) => c.idle()));
    })();
    return stopped;
  };

  return {
    start,
    stop,
    ready: () => started,
    stats: () => ({
      started,
      routes: running.map((r) => ({
        route: r.route,
        kind: "paused" in r ? "stream" : "core",
        inflight: r.inflight(),
        paused: "paused" in r ? r.paused() : false,
        ...("owned" in r && r.owned !== undefined ? { partitions: r.owned() } : {}),
      })),
    }),
    metrics,
  };
}
