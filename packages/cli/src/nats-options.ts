import { dirname, resolve } from "node:path";
import type { LoadedConfig } from "@junction/bridge";
import {
  type ConnectOptions,
  ConnectOptionsError,
  NatsAuthError,
  NatsConnectError,
  permissionDenied,
  redactServer,
  splitServerCredentials,
} from "@junction/sdk";
import { CliExit, ExitCode } from "./exit-codes.ts";

/** Where a command's NATS servers came from, to name what to fix in a message. */
export type ServerOrigin = "--server" | "NATS_URL" | "nats.servers" | "the default server";

/** How a command or process reaches NATS: the SDK's options, and where the servers came from. */
export interface NatsTarget {
  readonly options: ConnectOptions;
  readonly origin: ServerOrigin;
}

/**
 * The one way from a config's `nats:` section to the SDK's connection options, for every command and
 * process. `servers` replaces the configured ones (`--server`, `NATS_URL`, a resolved `local`);
 * credentials written in those URLs replace the configured credentials. Credential files are
 * relative to the config file.
 */
export function natsTarget(
  loaded: LoadedConfig | undefined,
  servers: { readonly urls: readonly string[]; readonly origin: ServerOrigin },
  name: string,
): NatsTarget {
  const nats = loaded?.config.nats;
  const base = { servers: servers.urls, name: nats?.name ?? name };
  // The embedded server of `junction up` takes no credentials (validate refuses them with `local`).
  if (nats === undefined || nats.servers === "local") return { options: base, origin: servers.origin };
  const path = (file: string) =>
    resolve(loaded?.file === undefined ? process.cwd() : dirname(resolve(loaded.file)), file);
  const urlCredentials = hasUrlCredentials(servers.urls);
  const tls = nats.tls;
  const options: ConnectOptions = {
    ...base,
    ...(urlCredentials
      ? {}
      : {
          ...(nats.token === undefined ? {} : { token: nats.token }),
          ...(nats.user === undefined ? {} : { user: nats.user }),
          ...(nats.pass === undefined ? {} : { pass: nats.pass }),
          ...(nats.nkeySeed === undefined ? {} : { nkeySeedFile: path(nats.nkeySeed) }),
          ...(nats.creds === undefined ? {} : { credsFile: path(nats.creds) }),
        }),
    ...(tls === undefined
      ? {}
      : {
          tls: {
            ...(tls.ca === undefined ? {} : { caFile: path(tls.ca) }),
            ...(tls.cert === undefined ? {} : { certFile: path(tls.cert) }),
            ...(tls.key === undefined ? {} : { keyFile: path(tls.key) }),
            ...(tls.handshakeFirst === undefined ? {} : { handshakeFirst: tls.handshakeFirst }),
          },
        }),
  };
  return { options, origin: servers.origin };
}

function hasUrlCredentials(urls: readonly string[]): boolean {
  try {
    return splitServerCredentials(urls).credentials !== undefined;
  } catch {
    return true; // URLs with different credentials: connecting reports it, naming the servers
  }
}

/** Servers fit to print: passwords and tokens in URLs become `***`. */
export function printableServers(urls: readonly string[]): string {
  return urls.map(redactServer).join(", ");
}

const CONFIG_FIELDS: Readonly<Record<string, string>> = {
  token: "nats.token",
  user: "nats.user",
  pass: "nats.pass",
  nkeySeedFile: "nats.nkeySeed",
  credsFile: "nats.creds",
  "tls.caFile": "nats.tls.ca",
  "tls.certFile": "nats.tls.cert",
  "tls.keyFile": "nats.tls.key",
};

/**
 * A connection failure as one sentence naming what to fix, never a secret: unusable credentials
 * (exit 2, like any invalid config), refused credentials, or no server reached (exit 1).
 * Undefined for anything else.
 */
export function natsFailure(err: unknown, target: NatsTarget): CliExit | undefined {
  const fieldOf = (option: string) =>
    option === "servers" || option === "url" ? target.origin : (CONFIG_FIELDS[option] ?? option);
  if (err instanceof ConnectOptionsError) {
    return new CliExit(ExitCode.Invalid, `${fieldOf(err.option)}: ${err.reason}`, { cause: err });
  }
  if (err instanceof NatsAuthError) {
    const servers = printableServers([target.options.servers ?? []].flat());
    const what =
      err.credentials === "none"
        ? "a connection without credentials (set nats.token, nats.user and nats.pass, nats.nkeySeed or nats.creds, or put them in the server URL)"
        : err.credentials === "user"
          ? "these credentials (nats.user / nats.pass)"
          : `these credentials (${err.credentials === "url" ? `the ones in ${target.origin}` : fieldOf(err.credentials)})`;
    return new CliExit(ExitCode.Failure, `${err.reason}: ${servers} refused ${what}`, { cause: err });
  }
  if (err instanceof NatsConnectError) return new CliExit(ExitCode.Failure, err.message, { cause: err });
  return undefined;
}

/**
 * A publish or subscription the server refused to this user, as one sentence saying what to grant:
 * the user's permissions lack what this config needs. Undefined for any other failure.
 */
export function permissionFailure(err: unknown): CliExit | undefined {
  const denied = permissionDenied(err);
  if (denied === undefined) return undefined;
  const verb = denied.operation === "publish" ? "publish to" : "subscribe to";
  return new CliExit(
    ExitCode.Failure,
    `permissions violation: the server does not let this NATS user ${verb} ${denied.subject}; \`junction permissions -c FILE\` prints what the config needs`,
    { cause: err },
  );
}
