import { type ChildProcess, spawn } from "node:child_process";
import { NatsServerMissingError, NatsServerStartError } from "./errors.ts";

/** Spawns `binary -c configFile`, resolving once the OS has started it (or typed-failing). */
export async function spawnNatsServer(binary: string, configFile: string): Promise<ChildProcess> {
  // Its own process group: a terminal's Ctrl-C reaches only Junction, which then drains the bridge and
  // gateway and stops the server last. Sharing the group, the server would quit first and the drain
  // could not ack what was in flight.
  const child = spawn(binary, ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "EACCES")
        reject(new NatsServerMissingError(binary, { cause: err }));
      else
        reject(new NatsServerStartError(`could not spawn "${binary}": ${err.message}`, "", { cause: err }));
    });
  });
  return child;
}

/** Resolves with the exit code (null if killed by a signal) once `child` has exited. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Waits for stderr to drain after exit, so error messages carry the server's last words. */
export function stderrClosed(child: ChildProcess, capMs = 500): Promise<void> {
  if (child.stderr === null || child.stderr.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, capMs);
    child.stderr?.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
