import { watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ConfigError, formatProblem, type JunctionConfig, type LoadedConfig } from "@junction/bridge";
import { metricSeries } from "@junction/sdk/telemetry";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** Settles editors' multi-step saves (truncate, write, rename) into one reload. */
const DEBOUNCE_MS = 300;

/** What a running process cannot change in place: what it listens on, connects to or serves itself. */
const FIXED = ["nats", "aws", "local", "ops", "functions"] as const;

export type ReloadResult = "applied" | "unchanged" | "invalid" | "refused" | "failed";

export interface ReloadOptions {
  readonly file: string;
  /** Reads and validates the file (with the command's flags applied); throws `ConfigError`. */
  load(): Promise<LoadedConfig>;
  current(): LoadedConfig;
  /** Provisions and swaps in `next`; the current config stays in force until it resolves. */
  apply(next: LoadedConfig): Promise<void>;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface ConfigWatch {
  /** Reloads now (what SIGHUP and a change of the file do); resolves with what happened. */
  reload(trigger: string): Promise<ReloadResult>;
  /** Stops watching; resolves once a reload under way has finished. */
  close(): Promise<void>;
}

/**
 * Reloads the config on SIGHUP and when its file changes. The new config is validated first: a bad
 * one is reported and the running one stays. One reload at a time; triggers during a reload coalesce
 * into one more. Each reload is one log line and one `junction_config_reloads_total{result}`.
 */
export function watchConfig(options: ReloadOptions): ConfigWatch {
  const reloads = metricSeries(options.registry).counter(
    "junction_config_reloads_total",
    "Config reloads by result: applied, unchanged, invalid, refused, failed",
    ["result"],
  );
  const { logger, file } = options;

  const once = async (trigger: string): Promise<ReloadResult> => {
    let next: LoadedConfig;
    try {
      next = await options.load();
    } catch (err) {
      const problems =
        err instanceof ConfigError
          ? err.problems.map(formatProblem)
          : [err instanceof Error ? err.message : String(err)];
      logger.error({ trigger, problems }, `config reload: ${file} is invalid, the running config stays`);
      return "invalid";
    }
    const current = options.current().config;
    const fixed = fixedChanges(current, next.config);
    if (fixed.length > 0) {
      logger.error(
        { trigger, fields: fixed },
        `config reload: ${fixed.join(", ")} cannot change while running; restart`,
      );
      return "refused";
    }
    if (isDeepStrictEqual(current, next.config)) {
      logger.info({ trigger }, "config reload: no change");
      return "unchanged";
    }
    try {
      await options.apply(next);
    } catch (err) {
      logger.error({ trigger, err }, "config reload failed");
      return "failed";
    }
    logger.info(
      { trigger, routes: next.config.routes.length, inbound: next.config.inbound.length },
      `config reloaded from ${file}`,
    );
    return "applied";
  };

  let chain: Promise<ReloadResult> = Promise.resolve("unchanged");
  let queued: Promise<ReloadResult> | undefined;
  const reload = (trigger: string): Promise<ReloadResult> => {
    // A reload waiting to start already reads the newest file: no need for a second one.
    queued ??= chain.then(async () => {
      queued = undefined;
      const result = await once(trigger);
      reloads.inc({ result });
      return result;
    });
    chain = queued;
    return queued;
  };

  const onHup = () => void reload("SIGHUP");
  process.on("SIGHUP", onHup);
  // The folder, not the file: editors often save by writing a new file and renaming it over the old.
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(resolve(file)), (_event, changed) => {
    if (changed !== null && changed !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload("file changed"), DEBOUNCE_MS);
    timer.unref();
  });
  watcher.on("error", (err) => logger.warn({ err }, `config reload: stopped watching ${file}`));
  watcher.unref();
  return {
    reload,
    close: async () => {
      clearTimeout(timer);
      watcher.close();
      process.off("SIGHUP", onHup);
      await chain;
    },
  };
}

/** The fixed fields (and `gateway.listen`) that differ. */
function fixedChanges(current: JunctionConfig, next: JunctionConfig): string[] {
  const changed: string[] = FIXED.filter((k) => !isDeepStrictEqual(current[k], next[k]));
  if (
    current.gateway !== undefined &&
    next.gateway !== undefined &&
    current.gateway.listen !== next.gateway.listen
  ) {
    changed.push("gateway.listen");
  }
  return changed;
}
