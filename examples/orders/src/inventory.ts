import type { JunctionClient } from "@junction/sdk";
import { type CommandHandler, createCommandHandler } from "@junction/sdk/commands";
import { z } from "zod";
import { Item, Subjects } from "./domain.ts";

const Reservation = z.object({ orderId: z.string(), items: z.array(Item).min(1) });
type Reservation = z.infer<typeof Reservation>;

/**
 * Stock, in memory for the example (a real service would keep it in KV or a database). A reservation
 * is all-or-nothing; releasing an order twice gives its stock back once.
 */
export function inventory(
  client: JunctionClient,
  initial: Readonly<Record<string, number>>,
): CommandHandler[] {
  const stock = new Map(Object.entries(initial));
  const held = new Map<string, Reservation["items"]>();
  const reserve = createCommandHandler<Reservation>(
    {
      subject: Subjects.reserve,
      schema: Reservation,
      rejectionEvent: Subjects.reservationFailed,
      handle: (cmd) => {
        const { orderId, items } = cmd.data;
        if (!held.has(orderId)) {
          const short = items.find((i) => (stock.get(i.sku) ?? 0) < i.qty);
          if (short) cmd.reject("OUT_OF_STOCK", `only ${stock.get(short.sku) ?? 0} of ${short.sku} left`);
          for (const i of items) stock.set(i.sku, (stock.get(i.sku) ?? 0) - i.qty);
          held.set(orderId, items);
        }
        cmd.emit(Subjects.reserved, { orderId, items });
      },
    },
    { client },
  );
  const release = createCommandHandler<Reservation>(
    {
      subject: Subjects.release,
      schema: Reservation,
      handle: (cmd) => {
        const items = held.get(cmd.data.orderId);
        held.delete(cmd.data.orderId);
        for (const i of items ?? []) stock.set(i.sku, (stock.get(i.sku) ?? 0) + i.qty);
        cmd.emit(Subjects.released, { orderId: cmd.data.orderId, items: cmd.data.items });
      },
    },
    { client },
  );
  return [reserve, release];
}
