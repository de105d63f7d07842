import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JunctionClient } from "@junction/sdk";
import { DLQ_STREAM, DLQ_SUBJECT_PREFIX } from "@junction/sdk/jetstream";
import { partitionOfConsumer } from "@junction/sdk/partitions";
import type { Registry } from "prom-client";
import type { JunctionConfig } from "../config/schema.ts";
import type { JetStreamManager } from "../runtime/nats-types.ts";

/** What `junction status` shows: read from the running stack, as `/status` of the ops endpoint. */
export interface StackStatus {
  readonly time: string;
  readonly routes: readonly RouteStatus[];
  readonly inbound: readonly QueueStatus[];
  readonly kv: readonly KvStatus[];
  readonly gateway?: GatewayStatus;
}

export interface RouteStatus {
  readonly name: string;
  /**
   * Routes with `stream`: their durable consumer, as JetStream reports it. A partitioned route sums
   * its partitions' consumers, except `pending`: each of them reads the whole route, so it is the
   * slowest partition's count of messages not read yet.
   */
  readonly consumer?: { readonly pending: number; readonly ackPending: number; readonly redelivered: number };
  readonly delivered: number;
  readonly failed: number;
  /** Per second, over the last `RATE_WINDOW_MS`. */
  readonly deliveredRate: number;
  readonly failedRate: number;
  /** Per target (`sqs#0` …): closed, half-open or open. */
  readonly breakers: Readonly<Record<string, BreakerState>>;
  readonly deadLetters: number;
}

export type BreakerState = "closed" | "half-open" | "open";

export interface QueueStatus {
  readonly name: string;
  readonly queue: string;
  /** Visible messages waiting; `undefined` when the queue cannot be read (the error says why). */
  readonly depth?: number;
  readonly inFlight?: number;
  readonly error?: string;
}

export interface KvStatus {
  readonly bucket: string;
  readonly table: string;
  readonly lag: number;
}

export interface GatewayStatus {
  readonly inFlight: number;
  /** Refused requests by reason (429 backpressure, 503 …). */
  readonly rejected: Readonly<Record<string, number>>;
}

export interface StatusReader {
  read(): Promise<StackStatus>;
  /** Stops sampling the counters for rates. */
  close(): void;
}

const RATE_WINDOW_MS = 10_000;
const SAMPLE_EVERY_MS = 1_000;
const BREAKER_STATES: readonly BreakerState[] = ["closed", "half-open", "open"];

type Totals = Map<string, number>;

/**
 * Assembles the status from what the stack already keeps: JetStream's consumer and DLQ stream state,
 * the SQS queues' attributes and the Prometheus series of the bridge, inbound, KV mirrors and gateway
 * (`currentConfig()` and `registries()` are read on each call: a reloaded config and a gateway started
 * later are included).
 */
export function createStatusReader(
  currentConfig: () => JunctionConfig,
  deps: {
    readonly client: JunctionClient;
    readonly sqs: SQSClient;
    readonly registries: () => readonly Registry[];
  },
): StatusReader {
  const samples: { at: number; delivered: Totals; failed: Totals }[] = [];
  const sample = async () => {
    const [delivered, failed] = await Promise.all([
      perRoute(deps.registries(), "junction_bridge_delivered_total"),
      perRoute(deps.registries(), "junction_bridge_failed_total"),
    ]);
    samples.push({ at: Date.now(), delivered, failed });
    while (samples.length > 1 && Date.now() - (samples[0]?.at ?? 0) > RATE_WINDOW_MS) samples.shift();
    return { delivered, failed };
  };
  const timer = setInterval(() => void sample().catch(() => undefined), SAMPLE_EVERY_MS);
  timer.unref();

  const rate = (key: "delivered" | "failed", route: string, now: Totals): number => {
    const first = samples[0];
    if (first === undefined) return 0;
    const seconds = (Date.now() - first.at) / 1000;
    return seconds <= 0 ? 0 : round(((now.get(route) ?? 0) - (first[key].get(route) ?? 0)) / seconds);
  };

  return {
    close: () => clearInterval(timer),
    async read() {
      const config = currentConfig();
      const registries = deps.registries();
      const jsm = await deps.client.jetstream().manager();
      const [now, breakers, deadLetters, lags, inFlight, rejected] = await Promise.all([
        sample(),
        values(registries, "junction_bridge_breaker_state"),
        jsm.streams
          .info(DLQ_STREAM, { subjects_filter: `${DLQ_SUBJECT_PREFIX}.>` })
          .then((info) => info.state.subjects ?? {})
          .catch(() => ({}) as Record<string, number>),
        values(registries, "junction_kv_mirror_lag_revisions"),
        values(registries, "junction_gateway_in_flight"),
        values(registries, "junction_gateway_rejected_total"),
      ]);
      const streams = [
        ...new Set(config.routes.flatMap((r) => (r.from.stream === undefined ? [] : [r.from.stream]))),
      ];
      const consumersOf = new Map(
        await Promise.all(streams.map(async (stream) => [stream, await listConsumers(jsm, stream)] as const)),
      );
      const routes = await Promise.all(
        config.routes.map(async (route): Promise<RouteStatus> => {
          const stream = route.from.stream;
          const consumer =
            stream === undefined ? undefined : routeConsumer(consumersOf.get(stream) ?? [], route.name);
          const routeBreakers: Record<string, BreakerState> = {};
          for (const b of breakers.filter((v) => v.labels.route === route.name)) {
            routeBreakers[String(b.labels.target)] = BREAKER_STATES[b.value] ?? "closed";
          }
          return {
            name: route.name,
            ...(consumer === undefined ? {} : { consumer }),
            delivered: now.delivered.get(route.name) ?? 0,
            failed: now.failed.get(route.name) ?? 0,
            deliveredRate: rate("delivered", route.name, now.delivered),
            failedRate: rate("failed", route.name, now.failed),
            breakers: routeBreakers,
            deadLetters: deadLetters[`${DLQ_SUBJECT_PREFIX}.${route.name}`] ?? 0,
          };
        }),
      );
      const queues = [
        ...config.inbound.map((i) => ({ name: i.name, queue: i.from.queue })),
        ...config.subscriptions.map((s) => ({ name: s.name, queue: `junction-${s.name}` })),
      ];
      const inbound = await Promise.all(queues.map((q) => queueStatus(deps.sqs, q.name, q.queue)));
      const kv = config.kv.map((k) => ({
        bucket: k.bucket,
        table: k.table,
        lag: lags.find((v) => v.labels.bucket === k.bucket)?.value ?? 0,
      }));
      const rejectedBy: Record<string, number> = {};
      for (const r of rejected) {
        const reason = String(r.labels.reason);
        rejectedBy[reason] = (rejectedBy[reason] ?? 0) + r.value;
      }
      return {
        time: new Date().toISOString(),
        routes,
        inbound,
        kv,
        ...(config.gateway === undefined
          ? {}
          : { gateway: { inFlight: inFlight.reduce((n, v) => n + v.value, 0), rejected: rejectedBy } }),
      };
    },
  };
}

async function queueStatus(sqs: SQSClient, name: string, queue: string): Promise<QueueStatus> {
  try {
    const url = queue.includes("://")
      ? queue
      : ((await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl as string);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return {
      name,
      queue,
      depth: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } catch (err) {
    return { name, queue, error: err instanceof Error ? err.message : String(err) };
  }
}

type Labelled = { labels: Record<string, string | number>; value: number };

/** Every value of the series `name` in any of the registries. */
async function values(registries: readonly Registry[], name: string): Promise<Labelled[]> {
  const found: Labelled[] = [];
  for (const registry of registries) {
    const metric = registry.getSingleMetric(name);
    if (metric !== undefined) found.push(...((await metric.get()).values as Labelled[]));
  }
  return found;
}

async function perRoute(registries: readonly Registry[], name: string): Promise<Totals> {
  const totals: Totals = new Map();
  for (const v of await values(registries, name)) {
    const route = String(v.labels.route);
    totals.set(route, (totals.get(route) ?? 0) + v.value);
  }
  return totals;
}

const round = (n: number) => Math.round(n * 100) / 100;

type ConsumerState = {
  readonly name: string;
  readonly num_pending: number;
  readonly num_ack_pending: number;
  readonly num_redelivered: number;
};

async function listConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerState[]> {
  const out: ConsumerState[] = [];
  try {
    for await (const info of jsm.consumers.list(stream)) out.push(info);
  } catch {
    // no stream (yet), or JetStream unreachable: the routes show no consumer
  }
  return out;
}

/**
 * A route's consumer state: its partitions' consumers (`<route>-p<n>`) when it has them — a shared
 * consumer it ran on before may still exist, stale — else its own.
 */
function routeConsumer(consumers: readonly ConsumerState[], route: string): RouteStatus["consumer"] {
  const parts = consumers.filter((c) => partitionOfConsumer(route, c.name) !== undefined);
  const serving = parts.length > 0 ? parts : consumers.filter((c) => c.name === route);
  if (serving.length === 0) return undefined;
  return {
    pending: Math.max(...serving.map((c) => c.num_pending)),
    ackPending: serving.reduce((n, c) => n + c.num_ack_pending, 0),
    redelivered: serving.reduce((n, c) => n + c.num_redelivered, 0),
  };
}
