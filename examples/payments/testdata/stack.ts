// The payments example for tests: a testkit nats-server, the streams provisioned as `junction up` does,
// the gateway serving the example's operation catalogue (as `junction run` / `up` build it) on a random
// loopback port, and Node workers in this process, each on its own connection as a worker process has.
import { readFileSync } from "node:fs";
import { applyProvision, type JunctionConfig, loadConfig, planProvision } from "@junction/bridge";
import { createGateway, type Gateway, servedGateway } from "@junction/gateway";
import { connect, type JunctionClient } from "@junction/sdk";
import { startTestNats, type TestNats } from "@junction/testkit";
import { Registry } from "prom-client";
import { type Document, parseDocument } from "yaml";
import { type Connector, createConnector } from "../src/connector.ts";
import { type PaymentsWorkerOptions, startPaymentsWorker } from "../src/worker.ts";

export const EXAMPLE_CONFIG = new URL("../junction.yaml", import.meta.url);

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, checked by the tests
  readonly body: any;
}

export interface RunningWorker {
  readonly connector: Connector;
  readonly client: JunctionClient;
  stop(): Promise<void>;
}

export interface PaymentsStack extends AsyncDisposable {
  readonly nats: TestNats;
  readonly config: JunctionConfig;
  /** The gateway's own NATS client. */
  readonly client: JunctionClient;
  readonly url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  get(path: string): Promise<HttpAnswer>;
  /** A Node worker on its own connection. */
  worker(options?: PaymentsWorkerOptions & { readonly connector?: Connector }): Promise<RunningWorker>;
  dispose(): Promise<void>;
}

/** The example's junction.yaml, edited (`edit(doc)`) and loaded; the gateway listens on a random port. */
export function exampleConfig(edit: (doc: Document) => void = () => {}): JunctionConfig {
  const doc = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  doc.setIn(["gateway", "listen"], "127.0.0.1:0");
  edit(doc);
  return loadConfig(doc.toString(), { env: {} }).config;
}

/** Sets `timeoutMs` of the named operation in the example's catalogue. */
export function setOperationTimeout(doc: Document, operation: string, timeoutMs: number): void {
  const ops = doc.get("operations") as {
    items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
  };
  const op = ops.items.find((o) => o.get("name") === operation);
  if (op === undefined) throw new Error(`no operation ${operation}`);
  op.set("timeoutMs", timeoutMs);
}

export async function startPaymentsStack(config: JunctionConfig = exampleConfig()): Promise<PaymentsStack> {
  const nats = await startTestNats();
  const clients: JunctionClient[] = [];
  const workers: RunningWorker[] = [];
  let gateway: Gateway | undefined;
  const dispose = async () => {
    await gateway?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(clients.map((c) => c.drain().catch(() => {})));
    await nats.dispose();
  };
  try {
    const client = await connect({ servers: nats.url, name: "gateway" });
    clients.push(client);
    await applyProvision(planProvision(config), { nats: client });
    const section = servedGateway(config);
    if (section === undefined) throw new Error("the config has no gateway: section");
    gateway = createGateway(section, { client, registry: new Registry() });
    const url = await gateway.start();
    const http = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    };
    return {
      nats,
      config,
      client,
      url,
      post: (path, body, headers) => http("POST", path, body, headers),
      get: (path) => http("GET", path),
      async worker(options = {}) {
        const { connector = createConnector(), ...rest } = options;
        const workerClient = await connect({ servers: nats.url, name: "payments-worker" });
        clients.push(workerClient);
        const running = await startPaymentsWorker(workerClient, connector, rest);
        let stopped: Promise<void> | undefined;
        const worker: RunningWorker = {
          connector,
          client: workerClient,
          stop: () => {
            stopped ??= running.stop().then(() => workerClient.drain().catch(() => {}));
            return stopped;
          },
        };
        workers.push(worker);
        return worker;
      },
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** A fresh idempotency key. */
export const newKey = (): string => `idem-${Math.random().toString(36).slice(2)}`;

/** An authorize body; `card` picks the fake connector's behaviour (see src/connector.ts). */
export const authorizeBody = (paymentId: string, over: Record<string, unknown> = {}) => ({
  paymentId,
  amount: 1250,
  currency: "EUR",
  card: { number: "4242424242424242" },
  ...over,
});
