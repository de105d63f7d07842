import {
  type AwsClientSet,
  createAwsInbound,
  createBridge,
  createKvMirrors,
  createSender,
  KvMirrorError,
  type LoadedConfig,
  startOpsServer,
} from "@junction/bridge";
import { defaultMemberId, type JunctionClient } from "@junction/sdk";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { CliExit, ExitCode } from "../exit-codes.ts";

export interface RunningBridge {
  /** Where /metrics, /healthz and /readyz are served. */
  readonly opsUrl: string;
  /** Stops fetching, lets in-flight batches finish (bounded), closes the ops endpoint. */
  stop(): Promise<void>;
}

/** The bridge for a loaded config, with its operations endpoint. Used by `junction run` and `junction up`. */
export async function startBridge(
  loaded: LoadedConfig,
  deps: { readonly client: JunctionClient; readonly aws: AwsClientSet; readonly logger: Logger },
): Promise<RunningBridge> {
  const registry = new Registry();
  // The process's own memory, CPU and event-loop lag next to the bridge's metrics: what an operator
  // watches when a target is down and messages pile up.
  collectDefaultMetrics({ register: registry });
  // One identity per process in every partition group and election it joins (see /metrics).
  const memberId = defaultMemberId();
  const bridge = createBridge(loaded, { ...deps, registry, createSender, memberId });
  // AWS → NATS: inbound queues and subscriptions, polled into JetStream.
  const inbound = createAwsInbound(loaded, { ...deps, sqs: deps.aws.sqs, registry });
  // JetStream KV ⇄ DynamoDB, one mirror per `kv:` entry, each on one elected process of the fleet.
  const { leaseMs, replicas } = loaded.config.fleet;
  const mirrors = createKvMirrors(
    loaded.config.kv,
    { ...deps, dynamodb: deps.aws.dynamodb, registry },
    { memberId, leaseMs, replicas },
  );
  const ops = await startOpsServer({
    listen: loaded.config.ops.listen,
    registry,
    ready: () => bridge.ready() && inbound.ready() && mirrors.ready(),
  });
  try {
    await bridge.start();
    inbound.start();
    await mirrors.start();
  } catch (err) {
    await Promise.allSettled([inbound.stop(), bridge.stop()]);
    await ops.close();
    // A mirror that cannot start says why in one line (missing table, no stream …).
    if (err instanceof KvMirrorError) throw new CliExit(ExitCode.Failure, err.message, { cause: err });
    throw err;
  }
  return {
    opsUrl: ops.url,
    stop: async () => {
      await mirrors.stop();
      await inbound.stop();
      await bridge.stop();
      await ops.close();
    },
  };
}
