import { connect, type JunctionClient } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";

/** Options every NATS tool (pub, req, sub) takes. */
export interface NatsToolOptions {
  server?: string;
}

const DEFAULT_SERVER = "nats://127.0.0.1:4222";

/** Adds `--server`; the default is resolved at run time so `NATS_URL` set later still counts. */
export function withServerOption(command: Command): Command {
  return command.option("-s, --server <url>", `NATS server (default: $NATS_URL, then ${DEFAULT_SERVER})`);
}

/** `--server`, then `NATS_URL`, then the local default. TODO: the config file's `nats.servers` before the default. */
export function resolveServer(option: string | undefined): string {
  return option || process.env.NATS_URL || DEFAULT_SERVER;
}

/** Connects with the SDK client (so identity headers are written); a failure ends the command with exit 1. */
export async function connectOrExit(option: string | undefined, name: string): Promise<JunctionClient> {
  const server = resolveServer(option);
  try {
    // One quick attempt: a CLI should say "cannot connect" rather than retry forever.
    return await connect({ servers: server, name, timeoutMs: 5000, reconnect: { maxAttempts: 0 } });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliExit(ExitCode.Failure, `cannot connect to ${server}: ${reason}`, { cause: err });
  }
}

/** Collects a repeatable `--header K=V`. */
export const collectHeader = (value: string, all: string[]): string[] => [...all, value];

export function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliExit(ExitCode.Invalid, `--header ${JSON.stringify(pair)}: use NAME=VALUE`);
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return headers;
}

export function parsePositive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliExit(ExitCode.Invalid, `${flag} ${text}: use a positive integer`);
  return n;
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
