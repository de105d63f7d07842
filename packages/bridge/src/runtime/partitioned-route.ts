import { ensureConsumer } from "@junction/sdk/jetstream";
import { consumePartition, type PartitionGroupEvent, partitionConsumer } from "@junction/sdk/partitions";
import type { JetStreamManager, JsMsg } from "./nats-types.ts";
import {
  deliverStreamMessage,
  type PreparedMessage,
  prepareStreamMessage,
  type RouteConsumer,
  routeConsumerSpec,
  type StreamRouteDeps,
} from "./stream-route.ts";

export interface FleetOptions {
  /** Partitions of this route. */
  readonly partitions: number;
  readonly leaseMs: number;
  /** Replicas of the `JUNCTION_GROUPS` bucket when this call creates it. */
  readonly replicas: number;
  /** This process in every group it joins (`/metrics` labels ownership with it). */
  readonly memberId: string;
}

/**
 * An ordered stream route shared by any number of bridge processes: its keys are split into
 * partitions, each served by one process at a time (the SDK's partitioned consumer group, group name
 * = route name, consumers `<route>-p<n>`), so a key's messages reach the targets in stream order
 * across processes, crashes and NATS node failures. Inside a partition the runtime is the usual one:
 * lanes per key, batching, retries in process, dead letters.
 */
export async function startPartitionedRoute(
  deps: StreamRouteDeps,
  jsm: JetStreamManager,
  fleet: FleetOptions,
): Promise<RouteConsumer> {
  const { rt, policy, stream } = deps;
  const route = rt.route;
  const log = deps.logger.child({ route: route.name });
  await continueFromSharedConsumer(jsm, deps, fleet.partitions, log);
  const labels = { route: route.name };
  const prepared = new WeakMap<JsMsg, PreparedMessage | undefined>();
  let held = 0;
  const paused = () => rt.channels.some((c) => c.breaker.state === "open");

  const member = fleet.memberId;
  const onEvent = (e: PartitionGroupEvent) => {
    if (e.type === "assigned") {
      rt.metrics.owned.set({ ...labels, partition: `${e.partition}`, member }, 1);
      rt.metrics.handovers.inc({ ...labels, kind: e.takeover ? "takeover" : "clean" });
      log.info(
        { partition: e.partition, takeover: e.takeover, waitedMs: Math.round(e.waitedMs) },
        "partition assigned",
      );
    } else if (e.type === "released") {
      rt.metrics.owned.set({ ...labels, partition: `${e.partition}`, member }, 0);
      log.info({ partition: e.partition, reason: e.reason }, "partition released");
    } else if (e.type === "fenced") {
      log.warn({ why: e.why }, "stopped serving partitions until this process's lease is confirmed again");
    } else if (e.type === "error") {
      log.warn({ err: e.error }, "partition group");
    }
    // disconnected / reconnected: the bridge logs and counts them once per connection.
  };

  const group = await deps.js.partitionGroup(
    {
      stream,
      group: route.name,
      partitions: fleet.partitions,
      filterSubject: route.pattern.natsSubject,
      ackWaitMs: policy.ackWaitMs,
      maxAckPending: policy.concurrency,
      leaseMs: fleet.leaseMs,
      replicas: fleet.replicas,
      memberId: member,
      onEvent,
    },
    (lease) => {
      // Retries stop and hand back only when this process may no longer own the partition; a graceful
      // stop (rebalance, shutdown) lets held messages finish, so the next owner can start at once.
      const fenced = new AbortController();
      lease.signal.addEventListener("abort", () => {
        if (lease.signal.reason === "fenced" || lease.signal.reason === "stolen") fenced.abort();
      });
      const partitionDeps = { ...deps, stopping: fenced.signal };
      return consumePartition({
        js: deps.js.js,
        stream,
        consumer: lease.consumer,
        partition: lease.partition,
        partitions: lease.partitions,
        lanes: deps.lanes,
        lanePrefix: route.name,
        keyOf: (m) => {
          const p = prepareStreamMessage(deps, m);
          prepared.set(m, p);
          return p?.key;
        },
        handle: async (m, _key, settle) => {
          rt.metrics.messagesIn.inc(labels);
          const p = prepared.get(m);
          if (p === undefined) {
            rt.metrics.skipped.inc(labels);
            return settle.ack();
          }
          rt.metrics.inflight.set(labels, ++held);
          try {
            await deliverStreamMessage(partitionDeps, m, p, settle);
          } finally {
            rt.metrics.inflight.set(labels, --held);
          }
        },
        concurrency: policy.concurrency,
        fetchBatch: policy.fetchBatch,
        ackWaitMs: policy.ackWaitMs,
        signal: lease.signal,
        confirmed: lease.confirmed,
        paused,
        onError: (err) => log.warn({ err, partition: lease.partition }, "partition consumer"),
      });
    },
  );

  // Consumer lag, sampled over the partitions this process serves: each partition's consumer reads
  // the whole route, so the route's lag here is the slowest one's (max across processes in Prometheus).
  const sampler = setInterval(() => {
    const owned = group.owned();
    if (owned.length === 0) return;
    void Promise.all(owned.map((p) => jsm.consumers.info(stream, partitionConsumer(route.name, p)))).then(
      (infos) => rt.metrics.consumerPending.set(labels, Math.max(...infos.map((i) => i.num_pending))),
      () => {},
    );
  }, deps.lagSampleMs ?? 5000);
  sampler.unref();

  return {
    route: route.name,
    inflight: () => held,
    paused,
    owned: () => group.owned(),
    stop: () => {
      clearInterval(sampler);
      return group.stop();
    },
  };
}

/**
 * A route that ran on one shared consumer (named after the route) before it was partitioned keeps its
 * place: partition consumers created now start after what that consumer acknowledged, not at the
 * stream's first message (which would send the whole stream to the targets again). The old consumer
 * is left for bridges of the earlier version still running; it is logged, to be deleted after them.
 */
async function continueFromSharedConsumer(
  jsm: JetStreamManager,
  deps: StreamRouteDeps,
  partitions: number,
  log: StreamRouteDeps["logger"],
): Promise<void> {
  const { stream } = deps;
  const route = deps.rt.route;
  const shared = await jsm.consumers.info(stream, route.name).catch(() => undefined);
  if (shared === undefined) return;
  const startSeq = shared.ack_floor.stream_seq + 1;
  let created = 0;
  for (let p = 0; p < partitions; p++) {
    const durable = partitionConsumer(route.name, p);
    if (
      await jsm.consumers.info(stream, durable).then(
        () => true,
        () => false,
      )
    )
      continue;
    await ensureConsumer(jsm, { ...routeConsumerSpec(deps, durable), startAt: { sequence: startSeq } });
    created++;
  }
  if (created > 0) {
    log.warn(
      { consumer: route.name, startSeq },
      "partitioned route continues where its shared consumer stopped; delete that consumer once no older bridge runs",
    );
  }
}
