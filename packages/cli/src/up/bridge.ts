import {
  type AwsClientSet,
  type AwsService,
  createAwsInbound,
  createBridge,
  createConsole,
  createKvMirrors,
  createSender,
  createStatusReader,
  createUnroutedWatch,
  KvMirrorError,
  type LoadedConfig,
  startOpsServer,
} from "@junction/bridge";
import { defaultMemberId, type JunctionClient } from "@junction/sdk";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { listenerOf, orPortInUse } from "./ports.ts";

export interface RunningBridge {
  /** Where /metrics (the whole process's registry), /status, /healthz and /readyz are served. */
  readonly opsUrl: string;
  /** Stops fetching, lets in-flight batches finish (bounded), closes the ops endpoint. */
  stop(): Promise<void>;
}

/** The bridge for a loaded config, with its operations endpoint. Used by `junction run` and `junction up`. */
export async function startBridge(
  loaded: LoadedConfig,
  deps: {
    readonly client: JunctionClient;
    readonly aws: AwsClientSet;
    readonly logger: Logger;
    /** The process's one registry (the gateway's series go there too). */
    readonly registry: Registry;
  },
): Promise<RunningBridge> {
  const { registry } = deps;
  // One identity per process in every partition group and election it joins (see /metrics).
  const memberId = defaultMemberId();
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
  const status = createStatusReader(loaded.config, {
    ...deps,
    sqs: deps.aws.sqs,
    registries: () => [registry],
  });
  const senders = new Map<AwsService, ReturnType<typeof createSender>>();
  const ops = await startOpsServer({
    listen: loaded.config.ops.listen,
    registry,
    ready: () => bridge.ready() && inbound.ready() && mirrors.ready(),
    status: () => status.read(),
    console: createConsole({
      loaded,
      client: deps.client,
      registry,
      status: () => status.read(),
      listen: loaded.config.ops.listen,
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
    await bridge.start();
    inbound.start();
    await mirrors.start();
    await unrouted.start();
  } catch (err) {
    await Promise.allSettled([unrouted.stop(), inbound.stop(), bridge.stop()]);
    await ops.close();
    status.close();
    // A mirror that cannot start says why in one line (missing table, no stream …).
    if (err instanceof KvMirrorError) throw new CliExit(ExitCode.Failure, err.message, { cause: err });
    throw err;
  }
  return {
    opsUrl: ops.url,
    stop: async () => {
      await unrouted.stop();
      await mirrors.stop();
      await inbound.stop();
      await bridge.stop();
      await ops.close();
      status.close();
    },
  };
}
