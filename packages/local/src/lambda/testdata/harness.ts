import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { readBody } from "../../aws/index.ts";
import { createLocalLambda } from "../local-lambda.ts";
import type { LocalLambda, LocalLambdaOptions } from "../types.ts";

export const testdataDir = fileURLToPath(new URL(".", import.meta.url));

export interface Harness {
  readonly lambda: LocalLambda;
  readonly client: LambdaClient;
  readonly logs: string[];
}

/**
 * A local Lambda behind a bare node:http server on 127.0.0.1 (standing in for the edge endpoint),
 * and the stock SDK client pointed at it. The `after` hook closes all of it, workers included.
 */
export async function startHarness(
  t: { after(fn: () => Promise<void>): void },
  options: Omit<LocalLambdaOptions, "baseDir" | "onLog"> & { baseDir?: string },
): Promise<Harness> {
  const logs: string[] = [];
  const lambda = createLocalLambda({
    baseDir: testdataDir,
    ...options,
    onLog: (name, line) => logs.push(`${name}: ${line}`),
  });
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    await lambda.handle(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body },
      res,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  t.after(async () => {
    client.destroy();
    await lambda.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { lambda, client, logs };
}

export function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function parse(payload: Uint8Array | undefined): unknown {
  return JSON.parse(new TextDecoder().decode(payload));
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
