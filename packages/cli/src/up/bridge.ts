import { dirname, resolve } from "node:path";
import {
  type AwsClientSet,
  type AwsService,
  ConfigError,
  createAwsInbound,
  createBridge,
  createConsole,
  createKvMirrors,
  createOpsAuth,
  createSender,
  createStatusReader,
  createUnroutedWatch,
  formatProblem,
  KvMirrorError,
  type LoadedConfig,
  startOpsServer,
} from "@junction/bridge";
import type { JunctionClient } from "@junction/sdk";
import { defaultMemberId } from "@junction/sdk/partitions";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { listenerOf, orPortInUse } from "./ports.ts";

export interface RunningBridge {
  /** Where /metrics (the whole process's registry), /status, /healthz and /readyz are served. */
  readonly opsUrl: string;
  /** The process's registry: the ops endpoint serves it, reloads count themselves in it. */
  readonly registry: Registry;
  /**
   * Runs `next` instead: the current routes, inbound queues and mirrors drain (in-flight messages
   * finish or go back to their durable consumers), then the new ones start on the same consumers and
   * the same ops endpoint, and the consumers of routes `next` no longer has are removed.
   */
  swap(next: LoadedConfig): Promise<void>;
  /** Stops fetching, lets in-flight batches finish (bounded), closes the ops endpoint. */
  stop(): Promise<void>;
}

type Deps = {
  readonly client: JunctionClient;
  readonly aws: AwsClientSet;
  readonly logger: Logger;
  /** The process's one registry (the gateway's series go there too). */
  readonly registry: Registry;
};

/** The bridge for a loaded config, with its operations endpoint. Used by `junction run` and `junction up`. */
export async function startBridge(loaded: LoadedConfig, deps: Deps): Promise<RunningBridge> {
  const { registry } = deps;
  // One identity per process in every partition group and election it joins (see /metrics).
  const memberId = defaultMemberId();
  let current = loaded;
  let pipeline = createPipeline(loaded, deps, memberId);
  const status = createStatusReader(() => current.config, {
    ...deps,
    sqs: deps.aws.sqs,
    registries: () => [registry],
  });
  const senders = new Map<AwsService, ReturnType<typeof createSender>>();
  const auth = await opsAuth(loaded).catch((err: unknown) => {
    status.close();
    throw err;
  });
  const ops = await startOpsServer({
    listen: loaded.config.ops.listen,
    registry,
    ready: () => pipeline.ready(),
    status: () => status.read(),
    ...(auth === undefined ? {} : { auth }),
    console: createConsole({
      loaded: () => current,
      client: deps.client,
      registry,
      status: () => status.read(),
      listen: loaded.config.ops.listen,
      authenticated: auth !== undefined,
      senderFor: (service) => {
        const sender = senders.get(service) ?? createSender(service, deps.aws);
        senders.set(service, sender);
        return sender;
      },
    }),
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
    swap: async (next) => {
      await pipeline.stop();
      const removed = current.routes.routes.filter(
        (r) =>
          r.stream !== undefined &&
          !next.routes.routes.some((n) => n.name === r.name && n.stream === r.stream),
      );
      current = next;
      pipeline = createPipeline(next, deps, memberId);
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

/**
 * The ops listener's auth (`ops.auth`), or undefined when it has none. An unset key variable or an
 * unreadable JWKS ends the command like any config problem: exit 2, one `path: message` line each.
 */
async function opsAuth(loaded: LoadedConfig) {
  const config = loaded.config.ops.auth;
  if (config === undefined) return undefined;
  const baseDir = loaded.file === undefined ? process.cwd() : dirname(resolve(loaded.file));
  try {
    return await createOpsAuth(config, { env: process.env, baseDir });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.problems.map(formatProblem).join("\n");
    throw new CliExit(ExitCode.Invalid, `${loaded.file ?? "config"}:\n${lines}`, { cause: err });
  }
}

interface Pipeline {
  ready(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Everything of one config that moves messages: routes, inbound queues, KV mirrors, the unrouted watch. */
function createPipeline(loaded: LoadedConfig, deps: Deps, memberId: string): Pipeline {
  const { registry } = deps;
  const bridge = createBridge(loaded, { ...deps, registry, createSender, memberId });
  // AWS → NATS: inbound queues and subscriptions, polled into JetStream.
  const inbound = createAwsInbound(loaded, { ...deps, registry });
  // JetStream KV ⇄ DynamoDB, one mirror per `kv:` entry, each on one elected process of the fleet.
  const { leaseMs, replicas } = loaded.config.fleet;
  const mirrors = createKvMirrors(
    loaded.config.kv,
    { ...deps, dynamodb: deps.aws.dynamodb, registry },
    { memberId, leaseMs, replicas },
  );
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
