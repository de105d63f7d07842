import { defineSaga } from "@junction/sdk/saga";
import { type PlaceOrder, Subjects } from "./domain.ts";

/**
 * Reserve stock → charge payment → schedule shipping. A failure undoes what was done, latest first:
 * shipping fails → refund, then release; payment declined → release.
 */
export const fulfilment = defineSaga<PlaceOrder>({
  name: "fulfilment",
  outcomeSubject: Subjects.fulfilment,
  timeoutMs: 10_000,
  steps: [
    {
      name: "reserve-stock",
      command: {
        subject: Subjects.reserve,
        data: ({ data }) => ({ orderId: data.orderId, items: data.items }),
      },
      success: Subjects.reserved,
      failure: Subjects.reservationFailed,
      compensation: {
        command: {
          subject: Subjects.release,
          data: ({ data }) => ({ orderId: data.orderId, items: data.items }),
        },
        success: Subjects.released,
      },
    },
    {
      name: "charge-payment",
      command: {
        subject: Subjects.charge,
        data: ({ data }) => ({ orderId: data.orderId, customer: data.customer, amount: data.amount }),
      },
      success: Subjects.charged,
      failure: Subjects.declined,
      compensation: {
        command: {
          subject: Subjects.refund,
          data: ({ data, results }) => ({
            orderId: data.orderId,
            paymentId: (results["charge-payment"] as { paymentId: string }).paymentId,
            amount: data.amount,
          }),
        },
        success: Subjects.refunded,
      },
    },
    {
      name: "schedule-shipping",
      command: {
        subject: Subjects.ship,
        data: ({ data }) => ({ orderId: data.orderId, country: data.country }),
      },
      success: Subjects.scheduled,
      failure: Subjects.shippingFailed,
    },
  ],
});
