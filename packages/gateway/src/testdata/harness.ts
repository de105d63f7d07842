// Test support: a real nats-server, a service connection, and a gateway on 127.0.0.1:0.
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { Registry } from "prom-client";
import type { GatewayConfigInput } from "../config/schema.ts";
import { createGateway, type Gateway, type GatewayDeps } from "../gateway.ts";

export interface Harness {
  readonly nats: TestNats;
  /** The connection test services answer on. */
  readonly service: JunctionClient;
  /** The connection the gateway sends on. */
  readonly client: JunctionClient;
  readonly gateway: Gateway;
  readonly registry: Registry;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  dispose(): Promise<void>;
}

/** Starts NATS (or reuses `nats`), two connections and the gateway. `dispose()` undoes it all. */
export async function startHarness(
  config: GatewayConfigInput,
  options: { nats?: TestNats; deps?: Partial<GatewayDeps> } = {},
): Promise<Harness> {
  const nats = options.nats ?? (await startTestNats());
  const service = await connect({ servers: nats.url, name: "test-service" });
  const client = await connect({ servers: nats.url, name: "test-gateway" });
  const registry = new Registry();
  const gateway = createGateway({ listen: "127.0.0.1:0", ...config }, { client, registry, ...options.deps });
  const url = await gateway.start();
  return {
    nats,
    service,
    client,
    gateway,
    registry,
    url,
    async dispose() {
      await gateway.stop();
      await client.drain().catch(() => {});
      await service.drain().catch(() => {});
      if (options.nats === undefined) await nats.dispose();
    },
  };
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly correlationId: string;
  readonly instance: string;
  readonly errors?: readonly { in: string; name: string; reason: string }[];
}

/** POSTs JSON (or raw text with `contentType`) and returns the response with its body read. */
export async function post(
  url: string,
  body?: unknown,
  init: { headers?: Record<string, string>; contentType?: string; method?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json<T = unknown>(): T }> {
  const raw = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(url, {
    method: init.method ?? "POST",
    headers: {
      ...(raw === undefined ? {} : { "content-type": init.contentType ?? "application/json" }),
      ...init.headers,
    },
    ...(raw === undefined ? {} : { body: raw }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Waits (bounded) until `check()` holds; the timeout error names `what`. */
export function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return waitFor(what, async () => check() || "not yet", { timeoutMs, intervalMs: 10 });
}
