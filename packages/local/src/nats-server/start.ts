import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { findNatsServer } from "./binary.ts";
import { renderNatsConfig } from "./config.ts";
import { NatsServerConfigError, NatsServerStartError } from "./errors.ts";
import { isHealthy } from "./healthz.ts";
import { readLogTail } from "./log-tail.ts";
import { OutputTail } from "./output-tail.ts";
import { poll } from "./poll.ts";
import { type NatsPorts, readPortsFile, removePortsFile } from "./ports-file.ts";
import { exitOf, spawnNatsServer, stderrClosed } from "./spawn.ts";
import type { NatsServer, NatsServerOptions } from "./types.ts";
import { startWatchdog } from "./watchdog.ts";

const DEFAULT_START_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Runs nats-server on 127.0.0.1 and resolves once it is ready: its ports file exists and
 * `/healthz` answers 200 (with JetStream clustered, that means a meta leader is known).
 *
 * Writes `<configDir>/nats.conf` (configDir defaults to the parent of `storeDir`) and the ports file
 * next to it. The child is SIGKILLed if this process exits before `stop()`, and a watchdog stops it
 * when this process is killed outright (SIGKILL), so no server outlives its owner.
 *
 * @throws NatsServerMissingError when the executable is not found.
 * @throws NatsServerStartError when the server exits or is not ready in time (with its last output).
 * @throws NatsServerConfigError when JetStream is on without `storeDir`, or no work dir is known.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const jetstream = options.jetstream !== false;
  if (jetstream && options.storeDir === undefined) {
    throw new NatsServerConfigError(
      "JetStream is on but no `storeDir` was given (or pass `jetstream: false`).",
    );
  }
  const configDir =
    options.configDir ?? (options.storeDir === undefined ? undefined : dirname(options.storeDir));
  if (configDir === undefined) throw new NatsServerConfigError("Pass `configDir` (or `storeDir`).");

  const binary = options.binary ?? findNatsServer();
  const configFile = join(configDir, "nats.conf");
  await mkdir(configDir, { recursive: true });
  if (jetstream && options.storeDir !== undefined) await mkdir(options.storeDir, { recursive: true });
  await writeFile(configFile, renderNatsConfig(options, configDir));

  const child = await spawnNatsServer(binary, configFile);
  const pid = child.pid as number; // set once "spawn" has fired
  const stderr = new OutputTail();
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  // A failed kill() emits "error"; the exit promise already tells the caller what happened.
  child.on("error", () => {});

  // Never leave an orphan server behind when this process ends without calling stop().
  const onParentExit = () => child.kill("SIGKILL");
  process.on("exit", onParentExit);
  const watchdog = startWatchdog(pid);
  const exited = exitOf(child).then((code) => {
    process.removeListener("exit", onParentExit);
    watchdog.dismiss();
    return code;
  });
  void exited.then(() => removePortsFile(configDir, pid));

  const output = async () => {
    await stderrClosed(child);
    const log = options.logFile === undefined ? "" : await readLogTail(options.logFile);
    return [stderr.text(), log].filter((s) => s.trim() !== "").join("\n");
  };
  const fail = async (reason: string): Promise<never> => {
    child.kill("SIGKILL");
    await exited;
    throw new NatsServerStartError(reason, await output());
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const guard = () => {
    if (hasExited()) throw new EarlyExit(child.exitCode, child.signalCode);
  };

  let ports: NatsPorts | undefined;
  let httpUrl: string | undefined;
  try {
    ports = await poll(() => readPortsFile(configDir, pid), { deadline, intervalMs: 25, guard });
    if (ports === undefined) return await fail("timed out waiting for the ports file");
    httpUrl = ports.monitoring?.[0];
    if (httpUrl === undefined) return await fail("the ports file lists no monitoring port");
    const url = httpUrl;
    const healthy = await poll(async () => ((await isHealthy(url)) ? true : undefined), {
      deadline,
      intervalMs: 50,
      guard,
    });
    if (healthy === undefined) return await fail(`timed out waiting for ${url}/healthz`);
  } catch (err) {
    if (err instanceof EarlyExit) throw new NatsServerStartError(err.message, await output());
    child.kill("SIGKILL"); // e.g. the config dir vanished: do not leave the server running
    await exited;
    throw err;
  }

  const url = ports.nats[0] as string;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    httpUrl,
    clusterUrl: ports.cluster?.[0],
    pid,
    storeDir: jetstream ? options.storeDir : undefined,
    configFile,
    exited,
    kill: (signal = "SIGKILL") => {
      child.kill(signal);
    },
    stop: () => {
      stopping ??= (async () => {
        if (hasExited()) return;
        child.kill("SIGTERM");
        const timer = setTimeout(
          () => child.kill("SIGKILL"),
          options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
        );
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Internal signal from the poll guard: the server died while we waited for it. */
class EarlyExit extends Error {
  constructor(code: number | null, signal: NodeJS.Signals | null) {
    super(signal === null ? `exited with code ${code}` : `was killed by ${signal}`);
  }
}
