import { z } from "zod";

/** Every subject of the shop, by the `{domain}.{commands|events|queries}.{aggregate}.{name}` convention. */
export const Subjects = {
  place: "shop.commands.order.place",
  cancel: "shop.commands.order.cancel",
  placed: "shop.events.order.placed",
  confirmed: "shop.events.order.confirmed",
  rejected: "shop.events.order.rejected",
  cancelled: "shop.events.order.cancelled",
  getOrder: "shop.queries.order.get",
  reserve: "shop.commands.stock.reserve",
  release: "shop.commands.stock.release",
  reserved: "shop.events.stock.reserved",
  reservationFailed: "shop.events.stock.reservation-failed",
  released: "shop.events.stock.released",
  charge: "shop.commands.payment.charge",
  refund: "shop.commands.payment.refund",
  charged: "shop.events.payment.charged",
  declined: "shop.events.payment.declined",
  refunded: "shop.events.payment.refunded",
  ship: "shop.commands.shipping.schedule",
  scheduled: "shop.events.shipping.scheduled",
  shippingFailed: "shop.events.shipping.failed",
  /** The fulfilment saga's outcome: `.completed`, `.compensated`, `.failed`. */
  fulfilment: "shop.events.fulfilment",
} as const;

export const Streams = { commands: "SHOP_COMMANDS", events: "SHOP_EVENTS" } as const;

export const Item = z.object({ sku: z.string().min(1), qty: z.number().int().positive() });
export type Item = z.infer<typeof Item>;

export const PlaceOrder = z.object({
  orderId: z.string().regex(/^[-_A-Za-z0-9]+$/, "letters, digits, - and _"),
  customer: z.string().min(1),
  items: z.array(Item).min(1),
  amount: z.number().positive(),
  country: z.string().length(2),
});
export type PlaceOrder = z.infer<typeof PlaceOrder>;

export const OrderRef = z.object({ orderId: z.string().regex(/^[-_A-Za-z0-9]+$/) });
export type OrderRef = z.infer<typeof OrderRef>;

export type OrderStatus = "placed" | "confirmed" | "rejected" | "cancelled";
export interface Order extends PlaceOrder {
  readonly status: OrderStatus;
  readonly reason?: string;
}
