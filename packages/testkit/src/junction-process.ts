import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TestkitTimeoutError } from "./errors.ts";

/** The `junction` command running as its own process, from source (tsx), for end-to-end tests. */
export interface JunctionProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** stderr alone. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Exit code, or the signal's name when a signal ended it. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (default SIGKILL) unless it has exited; resolves when it has. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

const main = join(dirname(fileURLToPath(import.meta.resolve("junction/package.json"))), "src", "main.ts");
const tsx = import.meta.resolve("tsx");

export function spawnJunction(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): JunctionProcess {
  const child = spawn(process.execPath, ["--conditions=source", "--import", tsx, main, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  const append = (b: Buffer) => {
    output += b.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
    append(b);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      resolve(code ?? signal ?? "unknown");
      for (const l of listeners) l();
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    stderr: () => stderr,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) done(() => resolve(match));
          else if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`junction ${args[0]} exited before ${pattern}:\n${output}`)));
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new TestkitTimeoutError(
                  `no ${pattern} from junction ${args[0]} in ${timeoutMs} ms:\n${output}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
