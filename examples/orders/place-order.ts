// Places an order and prints its acknowledgement, then how fulfilment ended:
//   npx tsx examples/orders/place-order.ts '{"orderId":"o-1","customer":"ada","items":[{"sku":"sku-1","qty":2}],"amount":120,"country":"FR"}'
import { connect, jsonCodec, type ReceivedMessage, receivedMessage } from "@junction/sdk";
import { sendCommand } from "@junction/sdk/commands";
import { natsUrl } from "./src/connection.ts";
import { Subjects } from "./src/domain.ts";

const order = JSON.parse(process.argv[2] ?? "{}") as unknown;
const client = await connect({ servers: natsUrl(), name: "place-order" });
// A root command: its id is the flow's correlation id.
const id = `cmd-${Date.now().toString(36)}`;
try {
  // Listen first: the outcome may come before the acknowledgement is printed.
  const outcome = new Promise<ReceivedMessage>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("no outcome within 15 s (is the service running?)")),
      15_000,
    );
    const sub = client.nc.subscribe("shop.events.order.*", {
      callback: (_err, msg) => {
        const m = receivedMessage(msg, jsonCodec());
        if (
          m.identity.correlationId !== id ||
          (m.subject !== Subjects.confirmed && m.subject !== Subjects.rejected)
        )
          return;
        clearTimeout(timer);
        sub.unsubscribe();
        resolve(m);
      },
    });
  });
  outcome.catch(() => {}); // awaited below only when the order was accepted
  await client.nc.flush();
  const ack = await sendCommand(client, Subjects.place, order, { via: "jetstream", id, timeoutMs: 10_000 });
  process.stdout.write(`${JSON.stringify(ack)}\n`);
  if (ack.status === "accepted") {
    const m = await outcome;
    process.stdout.write(`${m.subject} ${new TextDecoder().decode(m.data)}\n`);
  }
  process.stdout.write(`trace: npx junction trace -c examples/orders/junction.yaml ${id}\n`);
} finally {
  await client.drain();
}
