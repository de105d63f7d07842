// The payments worker (Node): authorize and sync against the fake connector. Run it next to `junction up`:
//   npx junction up -c examples/payments/junction.yaml      # terminal 1
//   npx tsx examples/payments/worker.ts                     # terminal 2 (same directory)
// NATS_URL overrides the server; WORKER_MAX_DELIVER and WORKER_BACKOFF_MS (comma-separated) tune retries.
import { connect } from "@junction/sdk";
import { createConnector } from "./src/connector.ts";
import { startPaymentsWorker } from "./src/worker.ts";

const server = process.env.NATS_URL ?? "nats://127.0.0.1:4222"; // junction up's default port
const client = await connect({ servers: server, name: "payments-worker-node" });
const backoff = process.env.WORKER_BACKOFF_MS?.split(",").map(Number);
const worker = await startPaymentsWorker(client, createConnector(), {
  ...(process.env.WORKER_MAX_DELIVER ? { maxDeliver: Number(process.env.WORKER_MAX_DELIVER) } : {}),
  ...(backoff === undefined ? {} : { backoff }),
  onError: (err) => process.stderr.write(`payments worker: ${err.message}\n`),
});
process.stdout.write(`payments worker (node) ready on ${server}\n`);

const stop = async () => {
  await worker.stop();
  await client.drain();
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
