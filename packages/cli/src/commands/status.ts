import type { StackStatus } from "@junction/bridge";
import type { JunctionClient } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { formatStatus } from "../format/status.ts";
import { readGroups } from "../partition-groups.ts";
import { readStackEndpoints, STACK_DIR } from "../stack-endpoints.ts";
import { connectOrExit, type NatsToolOptions, toolTarget, withServerOption } from "./nats-connection.ts";

const WATCH_EVERY_MS = 2_000;

interface StatusOptions extends NatsToolOptions {
  ops?: string;
  json?: boolean;
  watch?: boolean;
}

export function registerStatus(program: Command): void {
  const command = program
    .command("status")
    .description(
      "what the running bridge is doing: per route its consumer, rates, breakers and dead letters; inbound queue depths; KV mirror lag; the gateway; which member owns which partition of each partitioned route and singleton",
    )
    .option(
      "--ops <url>",
      `the ops endpoint (default: the stack running here, from ${STACK_DIR}/endpoints.json)`,
    )
    .option("--json", "print the status as one JSON object")
    .option("--watch", `print it again every ${WATCH_EVERY_MS / 1000} s until Ctrl-C`);
  withServerOption(command).action(async (opts: StatusOptions) => {
    const ops = opts.ops ?? readStackEndpoints().ops;
    if (ops === undefined) {
      throw new CliExit(
        ExitCode.Failure,
        "no stack is running from this directory (start one with `junction up`, or pass --ops URL of `junction run`'s ops endpoint)",
      );
    }
    const nats = await connectForGroups(opts);
    const show = async () => {
      const status = await readStatus(ops);
      const groups = nats === undefined ? undefined : await readGroups(nats);
      if (opts.json)
        process.stdout.write(`${JSON.stringify(groups === undefined ? status : { ...status, groups })}\n`);
      else {
        // On a terminal each refresh replaces the last one.
        if (opts.watch && process.stdout.isTTY) process.stdout.write("\x1b[H\x1b[2J");
        process.stdout.write(`${status.time}\n${formatStatus(status, groups)}`);
      }
    };
    try {
      await show();
      if (opts.watch) await watch(show);
    } finally {
      await nats?.drain();
    }
  });
}

/** Runs `show` every WATCH_EVERY_MS until Ctrl-C (or SIGTERM), or until it fails. */
function watch(show: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
}

/**
 * NATS for the partition ownership, found as `junction sub` finds it (--server, NATS_URL, the config,
 * the stack running here). The rest comes from the ops endpoint, so an unreachable NATS costs only
 * that table, said once on stderr.
 */
async function connectForGroups(opts: StatusOptions): Promise<JunctionClient | undefined> {
  const target = await toolTarget(opts, "junction status");
  try {
    return await connectOrExit(target);
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    process.stderr.write(`junction: partition ownership not shown: ${err.message}\n`);
    return undefined;
  }
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
