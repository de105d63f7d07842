import type { StackStatus } from "@junction/bridge";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { formatStatus } from "../format/status.ts";
import { readStackEndpoints, STACK_DIR } from "../stack-endpoints.ts";

const WATCH_EVERY_MS = 2_000;

interface StatusOptions {
  ops?: string;
  json?: boolean;
  watch?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "what the running bridge is doing: per route its consumer, rates, breakers and dead letters; inbound queue depths; KV mirror lag; the gateway",
    )
    .option(
      "--ops <url>",
      `the ops endpoint (default: the stack running here, from ${STACK_DIR}/endpoints.json)`,
    )
    .option("--json", "print the status as one JSON object")
    .option("--watch", `print it again every ${WATCH_EVERY_MS / 1000} s until Ctrl-C`)
    .action(async (opts: StatusOptions) => {
      const ops = opts.ops ?? readStackEndpoints().ops;
      if (ops === undefined) {
        throw new CliExit(
          ExitCode.Failure,
          "no stack is running from this directory (start one with `junction up`, or pass --ops URL of `junction run`'s ops endpoint)",
        );
      }
      const show = async () => {
        const status = await readStatus(ops);
        if (opts.json) process.stdout.write(`${JSON.stringify(status)}\n`);
        else {
          // On a terminal each refresh replaces the last one.
          if (opts.watch && process.stdout.isTTY) process.stdout.write("\x1b[H\x1b[2J");
          process.stdout.write(`${status.time}\n${formatStatus(status)}`);
        }
      };
      await show();
      if (!opts.watch) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => show().catch((err: unknown) => stop(err)), WATCH_EVERY_MS);
        const stop = (err?: unknown) => {
          clearInterval(timer);
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
          if (err === undefined) resolve();
          else reject(err);
        };
        const onSignal = () => stop();
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
    });
}

async function readStatus(ops: string): Promise<StackStatus> {
  let res: Response;
  try {
    // An ops listener protected by `ops.auth` takes the key from the environment, never from a flag
    // (which `ps` would show).
    const key = process.env.JUNCTION_OPS_KEY;
    res = await fetch(`${ops}/status`, {
      signal: AbortSignal.timeout(10_000),
      ...(key === undefined || key === "" ? {} : { headers: { "x-api-key": key } }),
    });
  } catch (err) {
    throw new CliExit(
      ExitCode.Failure,
      `cannot reach the ops endpoint at ${ops}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!res.ok) {
    throw new CliExit(ExitCode.Failure, `${ops}/status answered ${res.status}: ${(await res.text()).trim()}`);
  }
  return (await res.json()) as StackStatus;
}
