import { existsSync } from "node:fs";
import type { JunctionConfig } from "@junction/bridge";
import { connect, type JunctionClient } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
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
      `config whose nats.servers is used (default: ./${DEFAULT_CONFIG} if present)`,
    );
}

/**
 * `--server`, then `NATS_URL`, then the config's `nats.servers` — for `local`, the running stack's
 * `.junction/endpoints.json`, else the configured local port — then the local default.
 */
export async function resolveServers(opts: NatsToolOptions): Promise<string[]> {
  const explicit = opts.server || process.env.NATS_URL;
  if (explicit) return [explicit];
  const file = opts.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  if (file === undefined) return [DEFAULT_SERVER];
  const { config } = await loadConfigOrExit(file);
  return natsServersOf(config);
}

/** A config's NATS servers; `local` is the stack `junction up` runs here, else the configured port. */
export function natsServersOf(config: JunctionConfig): string[] {
  if (config.nats.servers !== "local") return [config.nats.servers].flat();
  return [readStackEndpoints().nats ?? `nats://127.0.0.1:${config.local.natsPort}`];
}

/** Connects with the SDK client (so identity headers are written); a failure ends the command with exit 1. */
export async function connectOrExit(opts: NatsToolOptions, name: string): Promise<JunctionClient> {
  return connectToOrExit(await resolveServers(opts), name);
}

/** Connects to these servers, or ends the command with exit 1 and the reason. */
export async function connectToOrExit(servers: readonly string[], name: string): Promise<JunctionClient> {
  const server = servers.join(", ");
  try {
    // One quick attempt: a CLI should say "cannot connect" rather than retry forever.
    return await connect({ servers, name, timeoutMs: 5000, reconnect: { maxAttempts: 0 } });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliExit(ExitCode.Failure, `cannot connect to ${server}: ${reason}`, { cause: err });
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
