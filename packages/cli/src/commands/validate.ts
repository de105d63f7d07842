import type { Command } from "commander";
import { loadConfigOrExit } from "./config-file.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a config: exit 0, or exit 2 with one `path: message (line N)` per problem")
    .option("-c, --config <file>", "config file", "junction.yaml")
    .action(async (opts: { config: string }) => {
      const { config } = await loadConfigOrExit(opts.config);
      process.stdout.write(
        `${opts.config}: ok (${config.routes.length} routes, ${config.streams.length} streams, ${config.inbound.length} inbound, ${config.subscriptions.length} subscriptions, ${config.operations.length} operations)\n`,
      );
    });
}
