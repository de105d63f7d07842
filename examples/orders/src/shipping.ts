import type { JunctionClient } from "@junction/sdk";
import { type CommandHandler, createCommandHandler } from "@junction/sdk/commands";
import { z } from "zod";
import { Subjects } from "./domain.ts";

const Shipment = z.object({ orderId: z.string(), country: z.string().length(2) });

export const CARRIER_COUNTRIES: readonly string[] = ["DE", "FR", "GB", "NL", "US"];

/** Shipping: scheduled where a carrier goes, else the step fails (and fulfilment compensates). */
export function shipping(client: JunctionClient): CommandHandler {
  return createCommandHandler<z.infer<typeof Shipment>>(
    {
      subject: Subjects.ship,
      schema: Shipment,
      rejectionEvent: Subjects.shippingFailed,
      handle: (cmd) => {
        if (!CARRIER_COUNTRIES.includes(cmd.data.country))
          cmd.reject("NO_CARRIER", `no carrier ships to ${cmd.data.country}`);
        cmd.emit(Subjects.scheduled, { orderId: cmd.data.orderId, carrier: "parcel-co" });
      },
    },
    { client },
  );
}
