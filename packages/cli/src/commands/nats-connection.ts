import { existsSync } from "node:fs";
import type { JunctionConfig, LoadedConfig } from "@junction/bridge";
import { connect, type JunctionClient } from "@junction/sdk";
import type { Telemetry } from "@junction/sdk/telemetry";
import type { Command } from "commander";
import { type NatsTarget, natsFailure, natsTarget, type ServerOrigin } from "../nats-options.ts";
import { readStackEndpoints } from "../stack-endpoints.ts";
import { loadConfigOrExit } from "./config-file.ts";

/** Options every NATS tool (pub, req, sub) takes. */
export interface NatsToolOptions {
  server?: string;
  config?: string;
}

const DEFAULT_SERVER = "nats://127.0.0.1:4222";
const DEFAULT_CONFIG = "junction.yaml";

/** Adds `--server` and `--config`; the server is resolved at run time so `NATS_URL` set later still counts. */
export function withServerOption(command: Command): Command {
  return command
    .option(
      "-s, --server <url>",
      `NATS server (default: $NATS_URL, then the config's, then ${DEFAULT_SERVER})`,
    )
    .option(
      "-c, --config <file>",
      `config whose nats: section (servers, credentials, TLS) is used (default: ./${DEFAULT_CONFIG} if present)`,
    );
}

/**
 * `--server`, then `NATS_URL`, then the config's `nats.servers` — for `local`, the running stack's
 * `.junction/endpoints.json`, else the configured local port — then the local default. The config
 * (`--config`, else ./junction.yaml if present) also gives the credentials and TLS.
 */
export async function toolTarget(
  opts: NatsToolOptions,
  name: string,
): Promise<NatsTarget & { readonly loaded: LoadedConfig | undefined }> {
  const file = opts.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  const loaded = file === undefined ? undefined : await loadConfigOrExit(file);
  const servers: { urls: string[]; origin: ServerOrigin } = opts.server
    ? { urls: [opts.server], origin: "--server" }
    : process.env.NATS_URL
      ? { urls: [process.env.NATS_URL], origin: "NATS_URL" }
      : loaded === undefined
        ? { urls: [DEFAULT_SERVER], origin: "the default server" }
        : { urls: configServers(loaded.config), origin: "nats.servers" };
  return { ...natsTarget(loaded, servers, name), loaded };
}

/** How a command that takes a config (run, provision, dlq) reaches its NATS. */
export function configTarget(loaded: LoadedConfig, name: string): NatsTarget {
  return natsTarget(loaded, { urls: configServers(loaded.config), origin: "nats.servers" }, name);
}

/** A config's NATS servers; `local` is the stack `junction up` runs here, else the configured port. */
function configServers(config: JunctionConfig): string[] {
  if (config.nats.servers !== "local") return [config.nats.servers].flat();
  return [readStackEndpoints().nats ?? `nats://127.0.0.1:${config.local.natsPort}`];
}

/**
 * Connects with the SDK client (so identity headers are written), or ends the command with one
 * sentence saying why. One attempt at first: a CLI says "cannot connect" rather than retry forever;
 * `reconnect` (for processes that run on) keeps reconnecting after a later disconnect.
 */
export async function connectOrExit(
  target: NatsTarget,
  { reconnect = false, telemetry }: { reconnect?: boolean; telemetry?: Telemetry } = {},
): Promise<JunctionClient> {
  try {
    return await connect({
      ...target.options,
      ...(telemetry === undefined ? {} : { telemetry }),
      timeoutMs: 5000,
      ...(reconnect ? {} : { reconnect: { maxAttempts: 0 } }),
    });
  } catch (err) {
    throw natsFailure(err, target) ?? err;
  }
}

/**
 * The payload as typed: its bytes as they are, labelled `application/json` when it parses as JSON and
 * as text otherwise (a `--header Content-Type=…` wins).
 */
export function payloadOf(
  data: string | undefined,
  headers: Record<string, string>,
): { bytes: Uint8Array; headers: Record<string, string> } {
  const text = data ?? "";
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
  const contentType =
    text === "" ? undefined : isJson(text) ? "application/json" : "text/plain; charset=utf-8";
  return {
    bytes: new TextEncoder().encode(text),
    headers: hasType || contentType === undefined ? headers : { ...headers, "Content-Type": contentType },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A payload for people: the JSON value when it is JSON, else its text. */
export function dataOf(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return text === "" ? "" : JSON.parse(text);
  } catch {
    return text;
  }
}
