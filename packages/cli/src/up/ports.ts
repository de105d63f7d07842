import { createServer } from "node:net";
import type { JunctionConfig, LoadedConfig } from "@junction/bridge";
import { InvalidArgumentError } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";

/** One listener a command opens, and how its user moves it elsewhere. */
export interface Listener {
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The config field that sets it. */
  readonly field: string;
  /** The command-line flag that overrides it. */
  readonly flag: string;
}

/** `--nats-port` and friends: each overrides its config field for this run; 0 = a random port. */
export interface PortFlags {
  readonly natsPort?: number;
  readonly awsPort?: number;
  readonly gatewayPort?: number;
  readonly opsPort?: number;
}

/** Commander's parser for a port flag (`InvalidArgumentError` ends the command with exit 2). */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError("use a port number from 0 to 65535 (0 = random)");
  }
  return port;
}

const withPort = (listen: string, port: number | undefined): string =>
  port === undefined ? listen : `${listen.slice(0, listen.lastIndexOf(":"))}:${port}`;

/** The loaded config with the port flags applied. */
export function applyPortFlags(loaded: LoadedConfig, flags: PortFlags): LoadedConfig {
  const { config } = loaded;
  return {
    ...loaded,
    config: {
      ...config,
      local: {
        natsPort: flags.natsPort ?? config.local.natsPort,
        awsPort: flags.awsPort ?? config.local.awsPort,
      },
      ...(config.gateway === undefined
        ? {}
        : { gateway: { ...config.gateway, listen: withPort(config.gateway.listen, flags.gatewayPort) } }),
      ops: { ...config.ops, listen: withPort(config.ops.listen, flags.opsPort) },
    },
  };
}

const split = (listen: string) => {
  const at = listen.lastIndexOf(":");
  return { host: listen.slice(0, at), port: Number(listen.slice(at + 1)) };
};

/**
 * The listeners a command opens: the embedded nats-server and AWS edge endpoint (only `junction up`
 * starts them, and only when the config asks for them), the gateway and the ops endpoint.
 */
export function listenersOf(config: JunctionConfig, options: { readonly embedded: boolean }): Listener[] {
  const listeners: Listener[] = [];
  if (options.embedded && config.nats.servers === "local") {
    const port = config.local.natsPort;
    listeners.push({
      what: "nats-server",
      host: "127.0.0.1",
      port,
      field: "local.natsPort",
      flag: "--nats-port",
    });
  }
  if (options.embedded && config.aws.endpoint === "local") {
    const port = config.local.awsPort;
    listeners.push({
      what: "the AWS edge endpoint",
      host: "127.0.0.1",
      port,
      field: "local.awsPort",
      flag: "--aws-port",
    });
  }
  if (config.gateway !== undefined) {
    listeners.push({
      what: "the gateway",
      ...split(config.gateway.listen),
      field: "gateway.listen",
      flag: "--gateway-port",
    });
  }
  listeners.push({
    what: "the ops endpoint",
    ...split(config.ops.listen),
    field: "ops.listen",
    flag: "--ops-port",
  });
  return listeners;
}

/** The gateway's or the ops endpoint's listener. */
export function listenerOf(config: JunctionConfig, field: "gateway.listen" | "ops.listen"): Listener {
  return listenersOf(config, { embedded: false }).find((l) => l.field === field) as Listener;
}

/** `err` as the `portInUse` sentence when it is a listen's EADDRINUSE (a port taken since the check). */
export function orPortInUse(err: unknown, listener: Listener): unknown {
  return (err as NodeJS.ErrnoException).code === "EADDRINUSE" ? portInUse(listener, { cause: err }) : err;
}

/** The one sentence for a listener whose port is taken. */
export function portInUse(listener: Listener, options?: ErrorOptions): CliExit {
  return new CliExit(
    ExitCode.Failure,
    `${listener.what} cannot listen on ${listener.host}:${listener.port}: the port is in use ` +
      `(set ${listener.field} or pass ${listener.flag} PORT, 0 for a random one, or stop what holds it)`,
    options,
  );
}

/**
 * Fails with the `portInUse` sentence for the first listener whose port is taken, before anything
 * starts; random ports (0) are always free. Two listeners on one port are reported the same way.
 */
export async function assertListenersFree(listeners: readonly Listener[]): Promise<void> {
  const seen = new Set<string>();
  for (const listener of listeners) {
    if (listener.port === 0) continue;
    const key = `${listener.port}`;
    if (seen.has(key)) throw portInUse(listener);
    seen.add(key);
    await probe(listener);
  }
}

function probe(listener: Listener): Promise<void> {
  const server = createServer();
  return new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(orPortInUse(err, listener)));
    server.listen(listener.port, listener.host, () => server.close(() => resolve()));
  });
}
