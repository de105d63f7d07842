import { type Codec, rawCodec } from "@junction/sdk";
import { BadRequestError } from "../errors.ts";
import type { GatewayContext } from "./context.ts";
import type { Outbound } from "./prepare.ts";

/** A reply as the request handler needs it: its bytes and (for plain replies) its headers. */
export interface Answer {
  readonly data: Uint8Array;
  header(name: string): string | undefined;
}

/** Sends one route's NATS call to `subject` (the route's own, or a shadow's or canary's). */
export type RouteCall = (subject: string, out: Outbound) => Promise<Answer>;

const RAW = rawCodec() as Codec<unknown>;
const NO_HEADERS = () => undefined;

/**
 * Plain request/reply, or, for `durable` routes, durable request/reply (docs/protocol.md §6): the command
 * goes into JetStream and runs once per `Idempotency-Key`, which is therefore required; a caller that
 * timed out gets the stored outcome by retrying with the same key. Outcomes keep bytes, not headers.
 */
export function createRouteCall(durable: boolean, timeoutMs: number, ctx: GatewayContext): RouteCall {
  if (!durable) return (subject, out) => ctx.client.request(subject, out.data, { ...out.options, timeoutMs });
  return async (subject, out) => {
    const { idempotencyKey, causedBy, headers } = out.options;
    if (idempotencyKey === undefined) throw missingKey();
    const data = await ctx.client.jetstream().durableRequest<Uint8Array>(subject, out.data, {
      idempotencyKey,
      timeoutMs,
      causedBy,
      codec: RAW,
      ...(headers === undefined ? {} : { headers }),
    });
    return { data, header: NO_HEADERS };
  };
}

function missingKey(): BadRequestError {
  return new BadRequestError("this operation runs once per Idempotency-Key: send one", [
    {
      in: "header",
      name: "Idempotency-Key",
      reason: "required: 1-256 characters without control characters",
    },
  ]);
}
