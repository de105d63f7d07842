import { ProvisionError } from "@junction/bridge";
import { NatsServerMissingError, NatsServerStartError, PortInUseError } from "@junction/local";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { createLogger } from "../logger.ts";
import { removeStackEndpoints, STACK_DIR, writeStackEndpoints } from "../stack-endpoints.ts";
import { waitForStopSignal } from "../up/signals.ts";
import { startStack } from "../up/stack.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { formatAction, formatSkipped } from "./provision-report.ts";

/** How long a stop may take before the process ends anyway (DESIGN.md: within 10 seconds). */
const STOP_DEADLINE_MS = 9_000;

interface UpOptions {
  config: string;
  persist?: boolean;
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .description(
      "run the whole stack locally: nats-server, the AWS edge endpoint, provisioning; Ctrl-C stops it",
    )
    .option("-c, --config <file>", "config file", "junction.yaml")
    .option("--persist", `keep DynamoDB data in ${STACK_DIR}/ (JetStream data is always kept there)`)
    .action(async (opts: UpOptions) => {
      const started = performance.now();
      // Armed before anything starts, as in `run`: a SIGTERM that arrives as the stack becomes ready
      // must stop it in order, not kill the process with the stack half running.
      const stopSignal = waitForStopSignal();
      const loaded = await loadConfigOrExit(opts.config);
      const out = process.stdout;
      let stack: Awaited<ReturnType<typeof startStack>>;
      try {
        stack = await startStack(
          loaded,
          // Human progress goes to stdout; the bridge's own log (warnings and errors) to stderr.
          { persist: opts.persist === true, logger: createLogger("junction", "warn") },
          {
            step: (text) => out.write(`• ${text}\n`),
            provisioned: (action) => out.write(formatAction(action)),
            planned: (plan) => out.write(formatSkipped(plan)),
          },
        );
      } catch (err) {
        if (
          err instanceof PortInUseError ||
          err instanceof NatsServerMissingError ||
          err instanceof NatsServerStartError ||
          err instanceof ProvisionError
        ) {
          throw new CliExit(ExitCode.Failure, err.message, { cause: err });
        }
        throw err;
      }
      writeStackEndpoints(stack.endpoints);
      out.write(
        `\nready in ${Math.round(performance.now() - started)} ms — endpoints in ${STACK_DIR}/endpoints.json\n`,
      );
      for (const [name, url] of Object.entries(stack.endpoints)) out.write(`  ${name.padEnd(8)} ${url}\n`);
      out.write(
        `  export AWS_ENDPOINT_URL=${stack.endpoints.aws ?? "(real AWS)"} NATS_URL=${stack.endpoints.nats}\n`,
      );
      out.write("Ctrl-C to stop.\n");
      await stopSignal;
      out.write("stopping… (Ctrl-C again to stop at once)\n");
      process.once("SIGINT", () => process.exit(130));
      const deadline = setTimeout(() => {
        process.stderr.write("junction: stop took too long; exiting\n");
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      removeStackEndpoints();
      await stack.stop();
      clearTimeout(deadline);
      out.write("stopped.\n");
      // Everything was stopped in order; a handle some library leaves behind must not keep us alive.
      setTimeout(() => process.exit(0), 1_000).unref();
    });
}
