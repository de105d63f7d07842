// One process of `junction bench payments`: the gateway serving payments.authorize as `junction up`
// serves the catalogue (`gateway`), or the durable worker answering it (`responder`).
import { loadConfig, servedGateway } from "@junction/bridge";
import { createGateway } from "@junction/gateway";
import { connect } from "@junction/sdk";
import { createLogger } from "../logger.ts";
import { serveWorker } from "./worker-process.ts";

export interface PaymentsWorkerSetup {
  readonly role: "gateway" | "responder";
  readonly natsUrl: string;
}

/** The catalogue the benchmark serves: authorize, durable, in PAYMENTS. */
export const PAYMENTS_BENCH_CONFIG = `
streams: [{ name: PAYMENTS, subjects: ["hyperswitch.payments.*.authorize"], duplicateWindow: 2m }]
operations:
  - { name: payments.authorize, subject: "hyperswitch.payments.{merchantId}.authorize", kind: durable, stream: PAYMENTS, timeoutMs: 10000 }
gateway: { listen: "127.0.0.1:0", limits: { maxInFlight: 4096 } }
`;

serveWorker<PaymentsWorkerSetup>(async (setup) => {
  const client = await connect({ servers: setup.natsUrl, name: `bench payments ${setup.role}` });
  if (setup.role === "responder") {
    // A connector that answers at once: what is measured is Junction's path, not a card network.
    await client
      .jetstream()
      .durableResponder(
        "PAYMENTS",
        "payments-authorize",
        (job) => ({ paymentId: (job.data as { paymentId?: string }).paymentId, status: "authorized" }),
        { filterSubject: "hyperswitch.payments.*.authorize", concurrency: 256 },
      );
    return {};
  }
  const section = servedGateway(loadConfig(PAYMENTS_BENCH_CONFIG, { env: {} }).config);
  if (section === undefined) throw new Error("the benchmark config has no gateway");
  const gateway = createGateway(section, { client, logger: createLogger("junction", "warn") });
  return { info: await gateway.start() };
});
