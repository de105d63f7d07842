import { bridgePermissions } from "@junction/bridge";
import { gatewayPermissions, servedGateway } from "@junction/gateway";
import { mergePermissions, type NatsPermissions } from "@junction/sdk/permissions";
import { type Command, Option } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { loadConfigOrExit } from "./config-file.ts";

type Role = "run" | "bridge" | "gateway";

const ROLES: Record<Role, string> = {
  run: "`junction run`: the bridge and the gateway over one connection",
  bridge: "the bridge: routes, dead letters, inbound, KV mirrors",
  gateway: "the gateway: its routes and the operation catalogue",
};

export function registerPermissions(program: Command): void {
  program
    .command("permissions")
    .description(
      "print the least NATS permissions a config's bridge and gateway need, as a nats-server authorization block",
    )
    .option("-c, --config <file>", "config file", "junction.yaml")
    .addOption(
      new Option("--for <role>", "run (bridge and gateway), bridge or gateway")
        .choices(Object.keys(ROLES))
        .default("run"),
    )
    .action(async (opts: { config: string; for: Role }) => {
      const loaded = await loadConfigOrExit(opts.config);
      const gateway = servedGateway(loaded.config);
      if (opts.for === "gateway" && gateway === undefined) {
        throw new CliExit(
          ExitCode.Invalid,
          `${opts.config} has no gateway: section, so no gateway permissions`,
        );
      }
      const bridge = () => bridgePermissions(loaded);
      const ofGateway = () => (gateway === undefined ? undefined : gatewayPermissions(gateway));
      const set =
        opts.for === "bridge"
          ? bridge()
          : opts.for === "gateway"
            ? (ofGateway() as NatsPermissions)
            : mergePermissions(bridge(), ofGateway() ?? { publish: [], subscribe: [] });
      const user = loaded.config.nats.user ?? "junction";
      process.stdout.write(
        [
          `# NATS permissions of ${ROLES[opts.for]}, for ${opts.config}.`,
          "# Printed by `junction permissions`; the password comes from $JUNCTION_NATS_PASSWORD in nats-server's environment.",
          "# `junction provision` creates streams, buckets and consumers: run it as a user allowed $JS.API.>.",
          "authorization {",
          "  users: [",
          "    {",
          `      user: ${JSON.stringify(user)}`,
          "      password: $JUNCTION_NATS_PASSWORD",
          "      permissions: {",
          `        publish: { allow: ${list(set.publish)} }`,
          `        subscribe: { allow: ${list(set.subscribe)} }`,
          ...(set.allowResponses === true ? ["        allow_responses: true"] : []),
          "      }",
          "    }",
          "  ]",
          "}",
          "",
        ].join("\n"),
      );
    });
}

function list(subjects: readonly string[]): string {
  return `[\n${subjects.map((s) => `          ${JSON.stringify(s)}`).join("\n")}\n        ]`;
}
