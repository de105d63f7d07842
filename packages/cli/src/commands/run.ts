import { awsEndpoint, createAwsClients, loadConfigFile } from "@junction/bridge";
import type { Command } from "commander";
import { createLogger } from "../logger.ts";
import { readStackEndpoints } from "../stack-endpoints.ts";
import { createProcessMetrics } from "../telemetry/registry.ts";
import { startTracing } from "../telemetry/tracing.ts";
import { startBridge } from "../up/bridge.ts";
import { reloadGateway, startGateway } from "../up/gateway.ts";
import { applyPortFlags, assertListenersFree, listenersOf, parsePort } from "../up/ports.ts";
import { watchConfig } from "../up/reload.ts";
import { waitForStopSignal } from "../up/signals.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { configTarget, connectOrExit } from "./nats-connection.ts";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "run the bridge (and the gateway, with `gateway:`) against the configured NATS and AWS; SIGTERM drains and stops",
    )
    .option("-c, --config <file>", "config file", "junction.yaml")
    .option("--gateway-port <port>", "port of the gateway (gateway.listen; 0 = random)", parsePort)
    .option("--ops-port <port>", "port of the ops endpoint (ops.listen; 0 = random)", parsePort)
    .action(async (opts: { config: string; gatewayPort?: number; opsPort?: number }) => {
      const loaded = applyPortFlags(await loadConfigOrExit(opts.config), opts);
      await assertListenersFree(listenersOf(loaded.config, { embedded: false }));
      const logger = createLogger("junction");
      const tracing = startTracing(loaded.config.telemetry);
      const metrics = createProcessMetrics();
      const client = await connectOrExit(configTarget(loaded, "junction run"), {
        reconnect: true,
        telemetry: metrics.telemetry,
      });
      // Armed before anything starts: a SIGTERM during start-up drains once started, instead of killing.
      const stopSignal = waitForStopSignal();
      const aws = createAwsClients(awsEndpoint(loaded.config, readStackEndpoints().aws));
      const bridge = await startBridge(loaded, { client, aws, logger, registry: metrics.registry }).catch(
        async (err: unknown) => {
          // Nothing may keep the process alive after a refused start (startBridge stopped its own parts).
          aws.destroy();
          await client.drain();
          await tracing?.shutdown();
          throw err;
        },
      );
      logger.info({ ops: bridge.opsUrl, routes: loaded.config.routes.length }, "bridge running");
      const gatewayDeps = { client, logger, registry: metrics.registry };
      let gateway = await startGateway(loaded, gatewayDeps).catch(async (err: unknown) => {
        // Nothing may keep the process alive after a refused start.
        await bridge.stop();
        aws.destroy();
        await client.drain();
        await tracing?.shutdown();
        throw err;
      });
      if (gateway !== undefined) logger.info({ url: gateway.url }, "gateway running");
      let current = loaded;
      const reloads = watchConfig({
        file: opts.config,
        load: async () => applyPortFlags(await loadConfigFile(opts.config), opts),
        current: () => current,
        apply: async (next) => {
          await bridge.swap(next);
          gateway = await reloadGateway(current, next, gateway, gatewayDeps);
          current = next;
        },
        registry: bridge.registry,
        logger,
      });
      const signal = await stopSignal;
      logger.info({ signal }, "draining");
      await reloads.close();
      // The gateway first: it finishes its HTTP requests while NATS is still there for them.
      await gateway?.stop();
      await bridge.stop();
      aws.destroy();
      await client.drain();
      await tracing?.shutdown();
      logger.info({}, "stopped");
    });
}
