import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalAws, startLocalAws } from "@junction/local";
import { type AwsClientSet, createAwsClients } from "../../aws/clients.ts";
import { loadConfig } from "../../config/load.ts";
import { translate } from "../../translate.ts";
import type { TargetRequest } from "../types.ts";

/** A local edge endpoint, clients for it, and the AWS operations each client sent (retries excluded). */
export interface LocalTargets {
  readonly aws: LocalAws;
  readonly clients: AwsClientSet;
  readonly dir: string;
  /** Command names as sent, e.g. `SendMessageBatchCommand`. */
  readonly calls: string[];
  count(command: string): number;
  close(): Promise<void>;
}

export async function startLocalTargets(
  functions: Readonly<Record<string, { handler: string; timeoutMs?: number }>> = {},
  dir: string = mkdtempSync(join(tmpdir(), "junction-targets-")),
): Promise<LocalTargets> {
  const aws = await startLocalAws({ port: 0, functions, baseDir: dir });
  // The SDK path, so calls can be counted and failures injected with middleware; the lean path has
  // tests of its own (aws/batch-calls.test.ts).
  const clients = createAwsClients({ region: "us-east-1", url: aws.url, batchCalls: "sdk" });
  const calls: string[] = [];
  for (const client of [clients.sqs, clients.dynamodb, clients.eventbridge, clients.lambda]) {
    (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        calls.push(context.commandName ?? "?");
        return next(args);
      },
      { step: "initialize", name: "countCalls" },
    );
  }
  return {
    aws,
    clients,
    dir,
    calls,
    count: (command) => calls.filter((c) => c === command).length,
    close: async () => {
      clients.destroy();
      await aws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const encoder = new TextEncoder();

/** Requests made by the real mappers: `routes` is the YAML list of routes (no streams needed). */
export function mapper(routes: string): (subject: string, data?: unknown) => TargetRequest {
  const loaded = loadConfig(`routes:\n${routes}`, { env: {} });
  return (subject, data = {}) => {
    const [request] = translate(loaded.routes, {
      subject,
      data: encoder.encode(typeof data === "string" ? data : JSON.stringify(data)),
    }).requests;
    if (request === undefined) throw new Error(`no request for ${subject}`);
    return request;
  };
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
