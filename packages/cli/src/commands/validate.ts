import { natsOptions } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit } from "../exit-codes.ts";
import { natsFailure } from "../nats-options.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { configTarget } from "./nats-connection.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a config: exit 0, or exit 2 with one `path: message (line N)` per problem")
    .option("-c, --config <file>", "config file", "junction.yaml")
    .action(async (opts: { config: string }) => {
      const loaded = await loadConfigOrExit(opts.config);
      const { config } = loaded;
      // Reads the credential and TLS files now, so a missing or invalid one is found before `run`.
      const target = configTarget(loaded, "junction validate");
      try {
        natsOptions(target.options);
      } catch (err) {
        const exit = natsFailure(err, target);
        if (exit === undefined) throw err;
        throw new CliExit(exit.exitCode, `${opts.config}:\n${exit.message}`, { cause: err });
      }
      process.stdout.write(
        `${opts.config}: ok (${config.routes.length} routes, ${config.streams.length} streams, ${config.inbound.length} inbound, ${config.subscriptions.length} subscriptions, ${config.operations.length} operations)\n`,
      );
    });
}
