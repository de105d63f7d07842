import { spawnJunction } from "@junction/testkit";

export interface JunctionRun {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one `junction` command to its end (killed after `timeoutMs`: a wedged command must not hang
 * the suite; the bound is generous because the CLI starts from source on a busy machine).
 */
export async function runJunction(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number },
): Promise<JunctionRun> {
  const proc = spawnJunction(args, { cwd: options.cwd, env: { NO_COLOR: "1", ...options.env } });
  let stdout = "";
  proc.child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  const timer = setTimeout(() => void proc.kill(), options.timeoutMs ?? 60_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout, stderr: proc.stderr() };
}
