// `junction up` on a YAML config in a directory of its own, started the way every end-to-end test
// starts it, with the endpoints it wrote once ready.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type JunctionProcess, spawnJunction } from "./junction-process.ts";
import { makeTempDir, removeDir } from "./temp-dir.ts";

/** What `junction up` writes to `.junction/endpoints.json` once its stack is ready. */
export interface UpEndpoints {
  readonly nats: string;
  readonly aws: string;
  readonly gateway?: string;
  readonly metrics?: string;
  readonly ops?: string;
}

/** The running `junction up`: its process, directory and endpoints (`E`: those its config makes). */
export interface JunctionUp<E = UpEndpoints> extends JunctionProcess {
  /** Where it runs, with its junction.yaml and `.junction/`. */
  readonly dir: string;
  readonly endpoints: E;
  /** Ends it (SIGKILL unless told) unless it has exited, then removes `dir`. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface JunctionUpOptions {
  /** A directory the test prepared (e.g. with function handlers); default a new temporary one. Removed by `stop()`. */
  readonly dir?: string;
  /** Arguments after `up`. */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** What it prints once ready; default `ready in`. */
  readonly ready?: RegExp;
  readonly timeoutMs?: number;
}

/** Writes `config` as junction.yaml and starts `junction up` there; a start that fails ends it and removes its directory. */
export async function startJunctionUp<E extends Partial<UpEndpoints> = UpEndpoints>(
  config: string,
  options: JunctionUpOptions = {},
): Promise<JunctionUp<E>> {
  const dir = options.dir ?? (await makeTempDir("up"));
  await writeFile(join(dir, "junction.yaml"), config);
  const junction = spawnJunction(["up", ...(options.args ?? [])], {
    cwd: dir,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const stop = async (signal?: NodeJS.Signals) => {
    await junction.kill(signal);
    await removeDir(dir);
  };
  try {
    await junction.waitForOutput(options.ready ?? /ready in/, options.timeoutMs ?? 60_000);
    const endpoints = JSON.parse(await readFile(join(dir, ".junction", "endpoints.json"), "utf8")) as E;
    return { ...junction, dir, endpoints, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
