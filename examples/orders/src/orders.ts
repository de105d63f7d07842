import { type JunctionClient, ServiceError } from "@junction/sdk";
import { type CommandHandler, createCommandHandler } from "@junction/sdk/commands";
import type { Worker } from "@junction/sdk/jetstream";
import { type KvBucket, KvConflictError } from "@junction/sdk/kv";
import type { SagaOutcome } from "@junction/sdk/saga";
import { type Order, OrderRef, PlaceOrder, Streams, Subjects } from "./domain.ts";

/** `order.place`: stores the order (once per order id) and emits `order.placed`, which starts fulfilment. */
export function placeOrder(client: JunctionClient, orders: KvBucket<Order>): CommandHandler {
  return createCommandHandler<PlaceOrder>(
    {
      subject: Subjects.place,
      schema: PlaceOrder,
      handle: async (cmd) => {
        try {
          await orders.create(cmd.data.orderId, { ...cmd.data, status: "placed" });
        } catch (err) {
          if (err instanceof KvConflictError)
            cmd.reject("DUPLICATE_ORDER", `order ${cmd.data.orderId} exists`);
          throw err;
        }
        cmd.emit(Subjects.placed, cmd.data);
        return { orderId: cmd.data.orderId, status: "placed" };
      },
    },
    { client },
  );
}

/** `order.cancel`: a confirmed order can be cancelled, once. */
export function cancelOrder(client: JunctionClient, orders: KvBucket<Order>): CommandHandler {
  return createCommandHandler<OrderRef>(
    {
      subject: Subjects.cancel,
      schema: OrderRef,
      handle: async (cmd) => {
        const entry = await orders.get(cmd.data.orderId);
        if (entry === undefined) return cmd.reject("ORDER_NOT_FOUND", `no order ${cmd.data.orderId}`);
        if (entry.value.status !== "confirmed") {
          cmd.reject("NOT_CANCELLABLE", `order ${cmd.data.orderId} is ${entry.value.status}`);
        }
        try {
          await orders.update(cmd.data.orderId, { ...entry.value, status: "cancelled" }, entry.revision);
        } catch (err) {
          if (err instanceof KvConflictError)
            cmd.reject("CONFLICT", `order ${cmd.data.orderId} changed meanwhile`);
          throw err;
        }
        cmd.emit(Subjects.cancelled, { orderId: cmd.data.orderId, refund: entry.value.amount });
        return { orderId: cmd.data.orderId, status: "cancelled" };
      },
    },
    { client },
  );
}

/** Follows the fulfilment saga's outcome: the order becomes confirmed or rejected (with the reason). */
export function orderStatus(client: JunctionClient, orders: KvBucket<Order>): Promise<Worker> {
  return client.jetstream().worker<SagaOutcome<PlaceOrder>>(
    Streams.events,
    "order-status",
    async (job) => {
      const { outcome, data } = job.data;
      const confirmed = outcome === "completed";
      const why = job.data.failure;
      const reason = confirmed
        ? undefined
        : why?.reason === "timeout"
          ? `${why.step}: no answer in time`
          : `${why?.step}: ${(why?.event?.data as { reason?: string } | undefined)?.reason ?? "failed"}`;
      const entry = await orders.get(data.orderId);
      if (entry === undefined) return;
      await orders.put(data.orderId, {
        ...entry.value,
        status: confirmed ? "confirmed" : "rejected",
        ...(reason === undefined ? {} : { reason }),
      });
      // A deterministic id: a redelivered outcome stores the event once.
      await job.jsPublish(
        confirmed ? Subjects.confirmed : Subjects.rejected,
        { orderId: data.orderId, ...(reason === undefined ? {} : { reason }) },
        { id: `${job.identity.id}-order`, kind: "event" },
      );
    },
    { filterSubject: `${Subjects.fulfilment}.*`, concurrency: 8 },
  );
}

/** `order.get` (request/reply; no stream captures queries): the order as stored, or 404. */
export function serveOrders(client: JunctionClient, orders: KvBucket<Order>) {
  return client.serve<OrderRef>(Subjects.getOrder, async (ctx) => {
    const entry = await orders.get(String(ctx.data?.orderId ?? ""));
    if (entry === undefined) throw new ServiceError(404, `no order ${ctx.data?.orderId}`);
    return entry.value;
  });
}
