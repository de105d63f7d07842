// One side of a benchmark in a process of its own, so that its CPU time is its alone. The parent forks
// the worker module, sends it its setup, says "go", and later asks for the CPU used since "go".
import { type ChildProcess, fork } from "node:child_process";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { quietAwsNodeNotice } from "junction/bench-support";

type ToWorker<S> = { readonly kind: "setup"; readonly setup: S } | { readonly kind: "go" | "report" };
type FromWorker =
  | { readonly kind: "ready"; readonly info?: unknown }
  | { readonly kind: "report"; readonly cpuMicros: number }
  | { readonly kind: "error"; readonly message: string };

export interface WorkerProcess<I = unknown> {
  /** What the worker's setup answered besides its start function (e.g. the URL it listens on). */
  readonly info: I;
  go(): void;
  /** Throws what the worker reported as failed. */
  check(): void;
  /** CPU time (user + system, µs) the worker used since `go()`, or since it started without one. */
  report(): Promise<number>;
  stop(): void;
  /** Its process id. */
  readonly pid: number;
  /** SIGKILL, no goodbye (a crash); resolves once it exited. */
  kill(): Promise<void>;
}

/** What a worker's setup answers: how to start the measured work, and anything the parent needs. */
export interface WorkerReady<I = unknown> {
  readonly start?: () => void;
  readonly info?: I;
}

/**
 * Forks `<module>.ts|.js` next to this file (the same loader as this process: tsx from source, plain
 * node from dist) and waits until its setup is done. JUNCTION_BENCH_WORKER_ARGS adds Node options to
 * every worker, e.g. "--cpu-prof --cpu-prof-dir=prof".
 */
export async function startWorkerProcess<S, I = undefined>(
  module: string,
  label: string,
  setup: S,
): Promise<WorkerProcess<I>> {
  const here = fileURLToPath(import.meta.url);
  const child: ChildProcess = fork(join(here, "..", `${module}${extname(here)}`), {
    execArgv: [
      ...process.execArgv,
      ...(process.env.JUNCTION_BENCH_WORKER_ARGS ?? "").split(" ").filter(Boolean),
    ],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let failure: string | undefined;
  const waiting: ((m: FromWorker) => void)[] = [];
  child.on("message", (m: FromWorker) => {
    if (m.kind === "error") failure = m.message;
    waiting.shift()?.(m);
  });
  child.on("exit", (code) => {
    failure ??= `the ${label} worker exited (${code})`;
    for (const w of waiting.splice(0)) w({ kind: "error", message: failure });
  });
  const next = () => new Promise<FromWorker>((resolve) => waiting.push(resolve));
  const reply = next();
  child.send({ kind: "setup", setup } satisfies ToWorker<S>);
  const ready = await reply;
  if (ready.kind !== "ready") {
    child.kill("SIGKILL");
    throw new Error(`${label} worker: ${ready.kind === "error" ? ready.message : ready.kind}`);
  }
  return {
    info: ready.info as I,
    go: () => child.send({ kind: "go" } satisfies ToWorker<S>),
    check: () => {
      if (failure !== undefined) throw new Error(`${label} worker: ${failure}`);
    },
    async report() {
      const answer = next();
      child.send({ kind: "report" } satisfies ToWorker<S>);
      const m = await answer;
      if (m.kind !== "report") throw new Error(`${label} worker: ${m.kind === "error" ? m.message : m.kind}`);
      return m.cpuMicros;
    },
    pid: child.pid ?? -1,
    kill: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    stop: () => {
      child.removeAllListeners("exit");
      // Disconnecting lets it exit by itself (and write a CPU profile); a stuck one is killed.
      if (!child.connected) return;
      child.disconnect();
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    },
  };
}

/**
 * The worker's side: `setup` prepares everything and answers the function that starts the measured
 * work on "go" (a server that just serves needs none). Failures are reported to the parent, which
 * fails the benchmark.
 */
export function serveWorker<S>(setup: (s: S, fail: (err: unknown) => void) => Promise<WorkerReady>): void {
  quietAwsNodeNotice();
  const send = (m: FromWorker) => process.send?.(m);
  const fail = (err: unknown) => send({ kind: "error", message: String(err) });
  let start: (() => void) | undefined;
  let cpuAtGo: NodeJS.CpuUsage | undefined;
  process.on("message", (message: ToWorker<S>) => {
    if (message.kind === "setup") {
      setup(message.setup, fail).then((ready) => {
        start = ready.start;
        send({ kind: "ready", info: ready.info });
      }, fail);
    } else if (message.kind === "go") {
      cpuAtGo = process.cpuUsage();
      start?.();
    } else {
      const used = process.cpuUsage(cpuAtGo);
      send({ kind: "report", cpuMicros: used.user + used.system });
    }
  });
  process.on("disconnect", () => process.exit(0));
}
