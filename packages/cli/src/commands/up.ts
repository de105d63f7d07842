import { loadConfigFile, ProvisionError } from "@junction/bridge";
import { NatsServerMissingError, NatsServerStartError, PortInUseError } from "@junction/local";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { createLogger } from "../logger.ts";
import { removeStackEndpoints, STACK_DIR, writeStackEndpoints } from "../stack-endpoints.ts";
import { openBrowser } from "../up/open-browser.ts";
import {
  applyPortFlags,
  assertListenersFree,
  listenersOf,
  type PortFlags,
  parsePort,
  portInUse,
} from "../up/ports.ts";
import { watchConfig } from "../up/reload.ts";
import { waitForStopSignal } from "../up/signals.ts";
import { startStack } from "../up/stack.ts";
import { claimState } from "../up/state.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { formatAction, formatSkipped } from "./provision-report.ts";

/** How long a stop may take before the process ends anyway (DESIGN.md: within 10 seconds). */
const STOP_DEADLINE_MS = 9_000;

interface UpOptions extends PortFlags {
  config: string;
  persist?: boolean;
  reset?: boolean;
  open?: boolean;
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .description(
      "run the whole stack locally: nats-server, the AWS edge endpoint, provisioning; Ctrl-C stops it",
    )
    .option("-c, --config <file>", "config file", "junction.yaml")
    .option("--persist", `keep JetStream, DynamoDB and SQS data for the next run, in ${STACK_DIR}/`)
    .option("--reset", "start with no data even with --persist")
    .option("--nats-port <port>", "port of the embedded nats-server (local.natsPort; 0 = random)", parsePort)
    .option("--aws-port <port>", "port of the AWS edge endpoint (local.awsPort; 0 = random)", parsePort)
    .option("--gateway-port <port>", "port of the gateway (gateway.listen; 0 = random)", parsePort)
    .option("--ops-port <port>", "port of the ops endpoint (ops.listen; 0 = random)", parsePort)
    .option("--open", "open the console (the ops endpoint's /) in a browser, where there is one")
    .action(async (opts: UpOptions) => {
      const started = performance.now();
      // Armed before anything starts, as in `run`: a SIGTERM that arrives as the stack becomes ready
      // must stop it in order, not kill the process with the stack half running.
      const stopSignal = waitForStopSignal();
      const loaded = applyPortFlags(await loadConfigOrExit(opts.config), opts);
      const listeners = listenersOf(loaded.config, { embedded: true });
      const persist = opts.persist === true;
      const state = claimState(loaded.file, { persist, reset: opts.reset === true });
      const out = process.stdout;
      // Whoever reads our output may be gone (its wrapper was killed): still stop cleanly.
      for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
      let stack: Awaited<ReturnType<typeof startStack>>;
      try {
        // Every port first: a busy one must not be found after half the stack has started.
        await assertListenersFree(listeners);
        stack = await startStack(
          loaded,
          // Human progress goes to stdout; the bridge's own log (warnings and errors) to stderr.
          { state, persist, logger: createLogger("junction", "warn") },
          {
            step: (text) => out.write(`• ${text}\n`),
            provisioned: (action) => out.write(formatAction(action)),
            planned: (plan) => out.write(formatSkipped(plan)),
          },
        );
      } catch (err) {
        state.release();
        throw asCliExit(err, listeners);
      }
      writeStackEndpoints(stack.endpoints);
      out.write(
        `\nready in ${Math.round(performance.now() - started)} ms — endpoints in ${STACK_DIR}/endpoints.json, data in ${state.dir}/${persist ? " (kept: --persist)" : ""}\n`,
      );
      for (const [name, url] of Object.entries(stack.endpoints)) out.write(`  ${name.padEnd(8)} ${url}\n`);
      out.write(`  console  ${stack.endpoints.ops}/\n`);
      out.write(
        `  export AWS_ENDPOINT_URL=${stack.endpoints.aws ?? "(real AWS)"} NATS_URL=${stack.endpoints.nats}\n`,
      );
      if (opts.open && !(await openBrowser(`${stack.endpoints.ops}/`))) {
        out.write("(no browser to open here: visit the console's address above)\n");
      }
      out.write("Ctrl-C (or `junction down`) to stop; saving the config (or SIGHUP) reloads it.\n");
      const reloads = watchConfig({
        file: opts.config,
        load: async () => applyPortFlags(await loadConfigFile(opts.config), opts),
        current: stack.current,
        apply: stack.reload,
        registry: stack.registry,
        // Reloads are news in a terminal: one line each, at info.
        logger: createLogger("junction"),
      });
      const reason = await stopSignal;
      out.write(`stopping (${reason})… (Ctrl-C again to stop at once)\n`);
      process.once("SIGINT", () => process.exit(130));
      const deadline = setTimeout(() => {
        process.stderr.write("junction: stop took too long; exiting\n");
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      removeStackEndpoints();
      await reloads.close();
      await stack.stop();
      state.release();
      clearTimeout(deadline);
      out.write("stopped.\n");
      // Everything was stopped in order; a handle some library leaves behind must not keep us alive.
      setTimeout(() => process.exit(0), 1_000).unref();
    });
}

/** Expected start-up failures end as one sentence; anything else keeps its stack trace. */
function asCliExit(err: unknown, listeners: ReturnType<typeof listenersOf>): unknown {
  if (err instanceof PortInUseError) {
    const listener = listeners.find((l) => l.flag === "--aws-port");
    return listener === undefined ? err : portInUse(listener, { cause: err });
  }
  if (
    err instanceof NatsServerMissingError ||
    err instanceof NatsServerStartError ||
    err instanceof ProvisionError
  ) {
    return new CliExit(ExitCode.Failure, err.message, { cause: err });
  }
  return err;
}
