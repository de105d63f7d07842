// The order domain as one process: command handlers (JetStream workers), the fulfilment saga's
// coordinator, the order status projection and the order query. Run it next to `junction up`:
//   npx junction up -c examples/orders/junction.yaml      # terminal 1
//   npx tsx examples/orders/service.ts                    # terminal 2 (same directory)
// Saga states, orders and payment dedup records are in KV: a restarted service carries sagas on.
import { connect } from "@junction/sdk";
import { createKvDedupStore } from "@junction/sdk/dedup";
import { createSagaCoordinator } from "@junction/sdk/saga";
import { natsUrl } from "./src/connection.ts";
import { type Order, type PlaceOrder, Streams, Subjects } from "./src/domain.ts";
import { fulfilment } from "./src/fulfilment.ts";
import { inventory } from "./src/inventory.ts";
import { cancelOrder, orderStatus, placeOrder, serveOrders } from "./src/orders.ts";
import { payments } from "./src/payments.ts";
import { shipping } from "./src/shipping.ts";

const server = natsUrl();
const client = await connect({ servers: server, name: "orders-service" });
const report = (err: Error) => process.stderr.write(`orders: ${err.message}\n`);
const orders = await client.kv<Order>("SHOP_ORDERS");
const dedup = createKvDedupStore({ bucket: "SHOP_DEDUP" }, { client });

const handlers = [
  placeOrder(client, orders),
  cancelOrder(client, orders),
  ...inventory(client, { "sku-1": 100, "sku-2": 20, "sku-3": 0 }),
  ...payments(client, dedup),
  shipping(client),
];
// One durable worker per command, named after its subject (`shop-commands-order-place` …).
for (const h of handlers) {
  await h.work(Streams.commands, h.subject.replaceAll(".", "-"), { concurrency: 16, onError: report });
}
const coordinator = await createSagaCoordinator<PlaceOrder>(
  { saga: fulfilment, stream: Streams.events, trigger: { subject: Subjects.placed }, onError: report },
  { client },
);
await orderStatus(client, orders);
await serveOrders(client, orders);
process.stdout.write(`orders service ready on ${server}\n`);

const stop = async () => {
  await coordinator.stop();
  await client.drain();
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
