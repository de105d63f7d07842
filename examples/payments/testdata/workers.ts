// The example's workers as processes, for the conformance test and the example's end-to-end test:
// the Node worker from source (tsx) and the Go worker, built here from go-worker/ with Debian's
// golang-go and nats.go (GOPATH mode: offline, no module download).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const example = fileURLToPath(new URL("..", import.meta.url));
const tsx = import.meta.resolve("tsx");

export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

export type WorkerLanguage = "node" | "go";

/** Builds go-worker/ into `dir` and returns the binary's path. */
export async function buildGoWorker(dir: string): Promise<string> {
  const out = join(dir, "payments-worker");
  try {
    await promisify(execFile)("go", ["build", "-o", out, "."], {
      cwd: join(example, "go-worker"),
      env: {
        ...process.env,
        GO111MODULE: "off",
        GOPATH: process.env.GOPATH ?? "/usr/share/gocode",
        GOFLAGS: "",
      },
      timeout: 120_000,
    });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? "go is not installed: `npm run setup` installs golang-go and golang-github-nats-io-go-nats-dev"
        : `go build failed: ${(err as { stderr?: string }).stderr ?? err}`,
      { cause: err },
    );
  }
  return out;
}

/** Starts a worker and resolves once it printed that it is ready. */
export async function startWorkerProcess(
  language: WorkerLanguage,
  env: NodeJS.ProcessEnv,
  goBinary?: string,
): Promise<WorkerProcess> {
  const [bin, args] =
    language === "node"
      ? [process.execPath, ["--conditions=source", "--import", tsx, join(example, "worker.ts")]]
      : [goBinary ?? "", []];
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!/payments worker \(\w+\) ready/.test(output)) {
    if (child.exitCode !== null) throw new Error(`the ${language} worker exited:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the ${language} worker did not start within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
