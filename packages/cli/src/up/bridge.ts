import {
  type AwsClientSet,
  createAwsInbound,
  createBridge,
  createKvMirrors,
  createSender,
  createStatusReader,
  createUnroutedWatch,
  KvMirrorError,
  type LoadedConfig,
  startOpsServer,
} from "@junction/bridge";
import type { JunctionClient } from "@junction/sdk";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { listenerOf, orPortInUse } from "./ports.ts";

export interface RunningBridge {
  /** Where /metrics, /status, /healthz and /readyz are served. */
  readonly opsUrl: string;
  /** Its Prometheus registry: the ops endpoint serves it, reloads count themselves in it. */
  readonly registry: Registry;
  /** Adds another component's series (the gateway's) to what /status reports. */
  showInStatus(registry: Registry): void;
  /**
   * Runs `next` instead: the current routes, inbound queues and mirrors drain (in-flight messages
   * finish or go back to their durable consumers), then the new ones start on the same consumers and
   * the same ops endpoint, and the consumers of routes `next` no longer has are removed.
   */
  swap(next: LoadedConfig): Promise<void>;
  /** Stops fetching, lets in-flight batches finish (bounded), closes the ops endpoint. */
  stop(): Promise<void>;
}

type Deps = { readonly client: JunctionClient; readonly aws: AwsClientSet; readonly logger: Logger };

/** The bridge for a loaded config, with its operations endpoint. Used by `junction run` and `junction up`. */
export async function startBridge(loaded: LoadedConfig, deps: Deps): Promise<RunningBridge> {
  const registry = new Registry();
  // The process's own memory, CPU and event-loop lag next to the bridge's metrics: what an operator
  // watches when a target is down and messages pile up.
  collectDefaultMetrics({ register: registry });
  let current = loaded;
  let pipeline = createPipeline(loaded, deps, registry);
  const registries = [registry];
  const status = createStatusReader(() => current.config, {
    ...deps,
    sqs: deps.aws.sqs,
    registries: () => registries,
  });
  const ops = await startOpsServer({
    listen: loaded.config.ops.listen,
    registry,
    ready: () => pipeline.ready(),
    status: () => status.read(),
  }).catch((err: unknown) => {
    status.close();
    throw orPortInUse(err, listenerOf(loaded.config, "ops.listen"));
  });
  try {
    await pipeline.start();
  } catch (err) {
    await ops.close();
    status.close();
    throw err;
  }
  return {
    opsUrl: ops.url,
    registry,
    showInStatus: (more) => {
      if (!registries.includes(more)) registries.push(more);
    },
    swap: async (next) => {
      await pipeline.stop();
      const removed = current.routes.routes.filter(
        (r) =>
          r.stream !== undefined &&
          !next.routes.routes.some((n) => n.name === r.name && n.stream === r.stream),
      );
      current = next;
      pipeline = createPipeline(next, deps, registry);
      await pipeline.start();
      const jsm = await deps.client.jetstream().manager();
      for (const route of removed)
        await jsm.consumers.delete(route.stream as string, route.name).catch(() => false);
    },
    stop: async () => {
      await pipeline.stop();
      await ops.close();
      status.close();
    },
  };
}

interface Pipeline {
  ready(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Everything of one config that moves messages: routes, inbound queues, KV mirrors, the unrouted watch. */
function createPipeline(loaded: LoadedConfig, deps: Deps, registry: Registry): Pipeline {
  const bridge = createBridge(loaded, { ...deps, registry, createSender });
  // AWS → NATS: inbound queues and subscriptions, polled into JetStream.
  const inbound = createAwsInbound(loaded, { ...deps, sqs: deps.aws.sqs, registry });
  // JetStream KV ⇄ DynamoDB, one mirror per `kv:` entry.
  const mirrors = createKvMirrors(loaded.config.kv, { ...deps, dynamodb: deps.aws.dynamodb, registry });
  // Stream messages no route takes: counted and warned about, never silently left behind.
  const unrouted = createUnroutedWatch(loaded, { ...deps, registry });
  const stop = async () => {
    await unrouted.stop();
    await mirrors.stop();
    await inbound.stop();
    await bridge.stop();
  };
  return {
    ready: () => bridge.ready() && inbound.ready() && mirrors.ready(),
    start: async () => {
      try {
        await bridge.start();
        inbound.start();
        await mirrors.start();
        await unrouted.start();
      } catch (err) {
        await Promise.allSettled([unrouted.stop(), inbound.stop(), bridge.stop()]);
        // A mirror that cannot start says why in one line (missing table, no stream …).
        if (err instanceof KvMirrorError) throw new CliExit(ExitCode.Failure, err.message, { cause: err });
        throw err;
      }
    },
    stop,
  };
}
