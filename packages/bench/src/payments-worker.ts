// One process of `junction bench payments`: the gateway serving payments.authorize as `junction up`
// serves the catalogue (`gateway`), or the workers answering it (`responder`).
import { loadConfig } from "@junction/bridge";
import { createGateway, servedGateway } from "@junction/gateway";
import { connect } from "@junction/sdk";
import { createLogger } from "junction/bench-support";
import { serveWorker } from "./worker-process.ts";

export interface PaymentsWorkerSetup {
  readonly role: "gateway" | "responder";
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
  const section = servedGateway(loadConfig(PAYMENTS_BENCH_CONFIG, { env: {} }).config);
  if (section === undefined) throw new Error("the benchmark config has no gateway");
  const gateway = createGateway(section, { client, logger: createLogger("junction", "warn") });
  return { info: await gateway.start() };
});
