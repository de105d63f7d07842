import type { JunctionClient } from "@junction/sdk";
import { type CommandHandler, createCommandHandler } from "@junction/sdk/commands";
import { type DedupStore, idempotent } from "@junction/sdk/dedup";
import { z } from "zod";
import { Subjects } from "./domain.ts";

const Charge = z.object({ orderId: z.string(), customer: z.string(), amount: z.number().positive() });
const Refund = z.object({ orderId: z.string(), paymentId: z.string(), amount: z.number().positive() });

export const CARD_LIMIT = 1000;

/**
 * Payments: a charge must never run twice, even when the command is delivered again (a worker crash,
 * a resend with the same idempotency key). `idempotent()` records each charge in KV, so every instance
 * of this service skips what another already charged.
 */
export function payments(client: JunctionClient, dedup: DedupStore): CommandHandler[] {
  const charge = createCommandHandler<z.infer<typeof Charge>>(
    {
      subject: Subjects.charge,
      schema: Charge,
      rejectionEvent: Subjects.declined,
      handle: idempotent(
        (cmd) => {
          if (cmd.data.amount > CARD_LIMIT) {
            cmd.reject("PAYMENT_DECLINED", `${cmd.data.amount} is over the card limit of ${CARD_LIMIT}`);
          }
          cmd.emit(Subjects.charged, {
            orderId: cmd.data.orderId,
            paymentId: `pay-${cmd.data.orderId}`,
            amount: cmd.data.amount,
          });
        },
        { name: "payment-charge", store: dedup },
      ),
    },
    { client },
  );
  const refund = createCommandHandler<z.infer<typeof Refund>>(
    {
      subject: Subjects.refund,
      schema: Refund,
      handle: idempotent(
        (cmd) => {
          cmd.emit(Subjects.refunded, cmd.data);
        },
        { name: "payment-refund", store: dedup },
      ),
    },
    { client },
  );
  return [charge, refund];
}
