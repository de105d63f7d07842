import { dirname, join, resolve } from "node:path";
import {
  type AwsClientSet,
  applyProvision,
  awsEndpoint,
  createAwsClients,
  type LoadedConfig,
  type ProvisionAction,
  type ProvisionPlan,
  planProvision,
} from "@junction/bridge";
import { type LocalAws, type NatsServer, startLocalAws, startNatsServer } from "@junction/local";
import { connect, type JunctionClient, splitServerCredentials } from "@junction/sdk";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { type NatsTarget, natsFailure, natsTarget, printableServers } from "../nats-options.ts";
import type { StackEndpoints } from "../stack-endpoints.ts";
import { createProcessMetrics } from "../telemetry/registry.ts";
import { startTracing } from "../telemetry/tracing.ts";
import { startBridge } from "./bridge.ts";
import { reloadGateway, startGateway } from "./gateway.ts";
import type { StackState } from "./state.ts";

export interface StackProgress {
  step(text: string): void;
  provisioned(action: ProvisionAction): void;
  /** After provisioning: what the plan could not create. */
  planned(plan: ProvisionPlan): void;
}

export interface RunningStack {
  readonly endpoints: StackEndpoints;
  /** The bridge's registry (reloads are counted there). */
  readonly registry: Registry;
  /** The config in force. */
  current(): LoadedConfig;
  /** Provisions what `next` adds, swaps the bridge's routes, inbound and mirrors, restarts a changed gateway. */
  reload(next: LoadedConfig): Promise<void>;
  /** Stops everything it started, in reverse order. */
  stop(): Promise<void>;
}

/**
 * `junction up`: an embedded nats-server (JetStream in the config's state directory) unless the config
 * points at other servers, the local AWS edge endpoint unless the config points at another AWS, then
 * provisioning. Whatever started is stopped again when a later step fails. The caller has checked the
 * ports and claimed the state directory (emptied unless the data persists).
 */
export async function startStack(
  loaded: LoadedConfig,
  options: { state: StackState; persist: boolean; logger: Logger },
  progress: StackProgress,
): Promise<RunningStack> {
  const { config } = loaded;
  const stopping: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stopping.reverse()) await fn().catch(() => undefined);
  };
  try {
    let target: NatsTarget;
    if (config.nats.servers === "local") {
      const dir = resolve(options.state.natsDir);
      progress.step(`starting nats-server (JetStream in ${options.state.natsDir})`);
      const nats: NatsServer = await startNatsServer({
        port: config.local.natsPort,
        storeDir: join(dir, "store"),
        configDir: dir,
        logFile: join(dir, "nats-server.log"),
      });
      stopping.push(() => nats.stop());
      target = natsTarget(loaded, { urls: [nats.url], origin: "nats.servers" }, "junction up");
    } else {
      target = natsTarget(
        loaded,
        { urls: [config.nats.servers].flat(), origin: "nats.servers" },
        "junction up",
      );
    }
    const natsUrls = [target.options.servers ?? []].flat();

    let aws: LocalAws | undefined;
    if (config.aws.endpoint === "local") {
      progress.step("starting the AWS edge endpoint (SQS, DynamoDB, EventBridge, Lambda)");
      aws = await startLocalAws({
        port: config.local.awsPort,
        functions: config.functions,
        baseDir: loaded.file === undefined ? process.cwd() : dirname(resolve(loaded.file)),
        ...(options.persist ? { persistDir: resolve(options.state.awsDir) } : {}),
      });
      const started = aws;
      stopping.push(() => started.close());
    }

    progress.step(`connecting to NATS at ${printableServers(natsUrls)}`);
    const tracing = startTracing(config.telemetry);
    if (tracing !== undefined) stopping.push(() => tracing.shutdown());
    const metrics = createProcessMetrics();
    const client: JunctionClient = await connect({
      ...target.options,
      telemetry: metrics.telemetry,
    }).catch((err: unknown) => {
      throw natsFailure(err, target) ?? err;
    });
    stopping.push(() => client.drain());
    const clients: AwsClientSet = createAwsClients(awsEndpoint(config, aws?.url));
    stopping.push(async () => clients.destroy());

    progress.step("provisioning");
    const plan = planProvision(config);
    await applyProvision(plan, { nats: client, aws: clients }, progress.provisioned);
    progress.planned(plan);

    progress.step(`starting the bridge (${config.routes.length} routes)`);
    const bridge = await startBridge(loaded, {
      client,
      aws: clients,
      logger: options.logger,
      registry: metrics.registry,
    });
    stopping.push(() => bridge.stop());

    if (config.gateway !== undefined) {
      progress.step(
        `starting the gateway (${config.gateway.routes.length} routes, ${config.operations.length} operations)`,
      );
    }
    const gatewayDeps = { client, logger: options.logger, registry: metrics.registry };
    let gateway = await startGateway(loaded, gatewayDeps);
    // Stopped first (stops run in reverse): HTTP callers get their answers before NATS goes away.
    stopping.push(async () => gateway?.stop());
    let current = loaded;

    const endpoints: StackEndpoints = {
      // Without credentials: the endpoints file and the printed `export NATS_URL=…` hold no secret.
      nats: splitServerCredentials(natsUrls).servers.join(","),
      ...(aws === undefined ? {} : { aws: aws.url }),
      ...(gateway === undefined ? {} : { gateway: gateway.url }),
      metrics: `${bridge.opsUrl}/metrics`,
      ops: bridge.opsUrl,
    };
    const reload = async (next: LoadedConfig) => {
      await applyProvision(planProvision(next.config), { nats: client, aws: clients }, () => {});
      await bridge.swap(next);
      gateway = await reloadGateway(current, next, gateway, gatewayDeps);
      current = next;
    };
    return { endpoints, registry: bridge.registry, current: () => current, reload, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
