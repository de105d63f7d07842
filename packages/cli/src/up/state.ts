import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { STACK_DIR } from "../stack-endpoints.ts";

const PID_FILE = "junction.pid";

/** The data directory of one config's stack: `.junction/<config name>-<hash of its path>/`. */
export interface StackState {
  /** Relative to the current directory, for messages. */
  readonly dir: string;
  /** JetStream's store and the nats-server config and log. */
  readonly natsDir: string;
  /** DynamoDB's and SQS's data, when they persist. */
  readonly awsDir: string;
  /** Removes the pid file: no stack runs on this state any more. */
  release(): void;
}

/** A `junction up` running from this directory, as its pid file says. */
export interface RunningUp {
  readonly pid: number;
  readonly config: string;
  readonly dir: string;
}

/**
 * Each config file gets its own directory, so stacks of different configs (the examples) never see
 * each other's messages; the hash keeps two `junction.yaml` in different folders apart.
 */
export function stateDirOf(file: string | undefined): string {
  const path = resolve(file ?? "junction.yaml");
  const hash = createHash("sha256").update(path).digest("hex").slice(0, 8);
  return join(STACK_DIR, `${basename(path, extname(path))}-${hash}`);
}

/**
 * Takes the state directory of `file` for this process. Without `persist` (or with `reset`) it starts
 * empty: every service starts with no data, never some with and some without. Fails when another
 * `junction up` of the same config runs from here: two nats-servers must not share one store.
 */
export function claimState(
  file: string | undefined,
  options: { readonly persist: boolean; readonly reset: boolean },
): StackState {
  const dir = stateDirOf(file);
  const running = readRunning(dir);
  if (running !== undefined && running.pid !== process.pid) {
    throw new CliExit(
      ExitCode.Failure,
      `a stack of ${running.config} already runs from this directory (pid ${running.pid}); stop it with \`junction down\``,
    );
  }
  const natsDir = join(dir, "nats");
  const awsDir = join(dir, "aws");
  if (!options.persist || options.reset) {
    rmSync(natsDir, { recursive: true, force: true });
    rmSync(awsDir, { recursive: true, force: true });
  }
  mkdirSync(natsDir, { recursive: true });
  mkdirSync(awsDir, { recursive: true });
  const pidFile = join(dir, PID_FILE);
  writeFileSync(pidFile, `${JSON.stringify({ pid: process.pid, config: file ?? "(defaults)" })}\n`);
  return {
    dir,
    natsDir,
    awsDir,
    release: () => {
      if (readRunning(dir)?.pid === process.pid) rmSync(pidFile, { force: true });
    },
  };
}

/** Every `junction up` running from this directory (stale pid files of killed ones are skipped). */
export function runningStacks(): RunningUp[] {
  let names: string[];
  try {
    names = readdirSync(STACK_DIR);
  } catch {
    return [];
  }
  return names.flatMap((name) => readRunning(join(STACK_DIR, name)) ?? []);
}

function readRunning(dir: string): RunningUp | undefined {
  let parsed: { pid?: unknown; config?: unknown };
  try {
    parsed = JSON.parse(readFileSync(join(dir, PID_FILE), "utf8"));
  } catch {
    return undefined;
  }
  const { pid, config } = parsed;
  if (typeof pid !== "number" || typeof config !== "string" || !isAlive(pid)) return undefined;
  return { pid, config, dir };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
