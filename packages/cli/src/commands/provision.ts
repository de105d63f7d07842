import {
  applyProvision,
  awsEndpoint,
  createAwsClients,
  ProvisionError,
  planProvision,
} from "@junction/bridge";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { readStackEndpoints } from "../stack-endpoints.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { configTarget, connectOrExit } from "./nats-connection.ts";
import { formatAction, formatSkipped } from "./provision-report.ts";

interface ProvisionOptions {
  config: string;
  nats: boolean;
  aws: boolean;
}

export function registerProvision(program: Command): void {
  program
    .command("provision")
    .description(
      "create the streams, KV buckets, queues (with DLQs), tables and buses a config needs; idempotent",
    )
    .option("-c, --config <file>", "config file", "junction.yaml")
    .option("--no-nats", "leave NATS alone")
    .option("--no-aws", "leave AWS alone")
    .action(async (opts: ProvisionOptions) => {
      const loaded = await loadConfigOrExit(opts.config);
      const { config } = loaded;
      const plan = planProvision(config);
      const nats = opts.nats ? await connectOrExit(configTarget(loaded, "junction provision")) : undefined;
      const aws = opts.aws ? createAwsClients(awsEndpoint(config, readStackEndpoints().aws)) : undefined;
      try {
        await applyProvision(
          plan,
          { ...(nats === undefined ? {} : { nats }), ...(aws === undefined ? {} : { aws }) },
          (action) => process.stdout.write(formatAction(action)),
        );
        process.stdout.write(formatSkipped(plan));
      } catch (err) {
        if (err instanceof ProvisionError) throw new CliExit(ExitCode.Failure, err.message, { cause: err });
        throw err;
      } finally {
        aws?.destroy();
        await nats?.drain();
      }
    });
}
