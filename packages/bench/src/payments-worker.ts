// One process of `junction bench payments`: the gateway serving payments.authorize as `junction up`
// serves the catalogue (`gateway`), a bare node:http server making the same durable call with the SDK
// (`bare`, the HTTP floor the gateway is compared with), or the workers answering it (`responder`).
import { createServer } from "node:http";
import { loadConfig } from "@junction/bridge";
import { createGateway, servedGateway } from "@junction/gateway";
import { connect, type JunctionClient, rawCodec } from "@junction/sdk";
import { createLogger } from "junction/bench-support";
import { serveWorker } from "./worker-process.ts";

export interface PaymentsWorkerSetup {
  readonly role: "gateway" | "bare" | "responder";
  readonly natsUrl: string;
}

/**
 * The catalogue the benchmark serves: authorize, capture and refund (durable), sync (a query). Void is
 * in PAYMENTS for the scenario whose workers run in the benchmark's own process.
 */
export const PAYMENTS_BENCH_CONFIG = `
streams:
  - { name: PAYMENTS, subjects: ["hyperswitch.payments.*.authorize", "hyperswitch.payments.*.capture", "hyperswitch.payments.*.void"], duplicateWindow: 2m }
  - { name: REFUNDS, subjects: ["hyperswitch.refunds.*.execute"], duplicateWindow: 2m }
operations:
  - { name: payments.authorize, subject: "hyperswitch.payments.{merchantId}.authorize", kind: durable, stream: PAYMENTS, timeoutMs: 10000 }
  - { name: payments.capture, subject: "hyperswitch.payments.{merchantId}.capture", kind: durable, stream: PAYMENTS, timeoutMs: 10000 }
  - { name: payments.sync, subject: "hyperswitch.payments.{merchantId}.sync", kind: query, timeoutMs: 3000 }
  - { name: refunds.execute, subject: "hyperswitch.refunds.{merchantId}.execute", kind: durable, stream: REFUNDS, timeoutMs: 10000 }
gateway: { listen: "127.0.0.1:0", limits: { maxInFlight: 4096 } }
`;

serveWorker<PaymentsWorkerSetup>(async (setup) => {
  const client = await connect({ servers: setup.natsUrl, name: `bench payments ${setup.role}` });
  if (setup.role === "responder") {
    // A connector that answers at once: what is measured is Junction's path, not a card network.
    const answer = (status: string) => (job: { readonly data: unknown }) => ({
      paymentId: (job.data as { paymentId?: string }).paymentId,
      status,
    });
    const js = client.jetstream();
    await js.durableResponder("PAYMENTS", "payments-authorize", answer("authorized"), {
      filterSubject: "hyperswitch.payments.*.authorize",
      concurrency: 256,
    });
    await js.durableResponder("PAYMENTS", "payments-capture", answer("captured"), {
      filterSubject: "hyperswitch.payments.*.capture",
      concurrency: 64,
    });
    await js.durableResponder("REFUNDS", "refunds-execute", answer("refunded"), {
      filterSubject: "hyperswitch.refunds.*.execute",
    });
    await client.serve("hyperswitch.payments.{merchantId}.sync", answer("authorized"));
    return {};
  }
  if (setup.role === "bare") return { info: await serveBare(client) };
  const section = servedGateway(loadConfig(PAYMENTS_BENCH_CONFIG, { env: {} }).config);
  if (section === undefined) throw new Error("the benchmark config has no gateway");
  const gateway = createGateway(section, { client, logger: createLogger("junction", "warn") });
  return { info: await gateway.start() };
});

/**
 * What a careful engineer writes without a framework: node:http, the body read whole, the SDK's durable
 * request under the caller's Idempotency-Key, the outcome's bytes as the answer. No routing, schema,
 * auth, limits, metrics or problem documents: only what any HTTP front of a durable call must do.
 */
async function serveBare(client: JunctionClient): Promise<string> {
  const js = client.jetstream();
  const codec = rawCodec();
  const server = createServer((req, res) => {
    const key = req.headers["idempotency-key"];
    const contentType = req.headers["content-type"];
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (typeof key !== "string") return void res.writeHead(400).end();
      js.durableRequest<Uint8Array>(BARE_SUBJECT, Buffer.concat(chunks), {
        idempotencyKey: key,
        timeoutMs: 10_000,
        codec,
        ...(contentType === undefined ? {} : { headers: { "Content-Type": contentType } }),
      }).then(
        (data) => res.writeHead(200, { "content-type": "application/json" }).end(data),
        () => res.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** The one operation the bare server serves: authorize for merchant m1, whatever the path. */
const BARE_SUBJECT = "hyperswitch.payments.m1.authorize";
