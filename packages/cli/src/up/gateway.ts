import { dirname, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { LoadedConfig } from "@junction/bridge";
import { createGateway, GatewayConfigError, servedGateway } from "@junction/gateway";
import type { JunctionClient } from "@junction/sdk";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { applyPortFlags, listenerOf, orPortInUse } from "./ports.ts";

export interface RunningGateway {
  /** `http://host:port`; /metrics, /healthz, /readyz and /openapi.json are served there too. */
  readonly url: string;
  /** Drains: stops accepting, lets requests and streams in flight finish (bounded), then closes. */
  stop(): Promise<void>;
}

/**
 * The gateway of a loaded config, or undefined when it has no `gateway:`. Used by `junction run` and
 * `junction up`. What only start-up can find (an unset key variable, an unreadable JWKS) ends the command
 * like any other config problem: exit 2, one `path: message` line each; a port in use is one sentence.
 */
export async function startGateway(
  loaded: LoadedConfig,
  deps: {
    readonly client: JunctionClient;
    readonly logger: Logger;
    /** The process's one registry, served by the ops listener. */
    readonly registry: Registry;
  },
): Promise<RunningGateway | undefined> {
  // The operation catalogue is served as ordinary request routes, after the configured ones.
  const config = servedGateway(loaded.config);
  if (config === undefined) return undefined;
  const gateway = createGateway(config, {
    client: deps.client,
    logger: deps.logger.child({ component: "gateway" }),
    registry: deps.registry,
    baseDir: loaded.file === undefined ? process.cwd() : dirname(resolve(loaded.file)),
  });
  try {
    const url = await gateway.start();
    return { url, stop: () => gateway.stop() };
  } catch (err) {
    if (err instanceof GatewayConfigError) {
      const lines = err.problems.map((p) => `${p.path}: ${p.message}`).join("\n");
      throw new CliExit(ExitCode.Invalid, `${loaded.file ?? "config"}:\n${lines}`, { cause: err });
    }
    throw orPortInUse(err, listenerOf(loaded.config, "gateway.listen"));
  }
}

/**
 * After a reload from `current` to `next`: `running` itself when the served routes did not change,
 * else a new gateway on the same port (also when the config asks for a random one), after `running`
 * has drained.
 */
export async function reloadGateway(
  current: LoadedConfig,
  next: LoadedConfig,
  running: RunningGateway | undefined,
  deps: Parameters<typeof startGateway>[1],
): Promise<RunningGateway | undefined> {
  if (isDeepStrictEqual(servedGateway(current.config), servedGateway(next.config))) return running;
  await running?.stop();
  const port = running === undefined ? undefined : Number(new URL(running.url).port);
  return startGateway(port === undefined ? next : applyPortFlags(next, { gatewayPort: port }), deps);
}
