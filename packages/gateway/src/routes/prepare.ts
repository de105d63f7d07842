import { type Codec, type MessageIdentity, type OutgoingOptions, rawCodec } from "@junction/sdk";
import type { FastifyRequest } from "fastify";
import { type Principal, principalHeader } from "../auth/principal.ts";
import { idempotencyKeyOf } from "../http/headers.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";

/** What a route sends to NATS for one HTTP request. */
export interface Outbound {
  readonly subject: string;
  readonly data: Uint8Array | undefined;
  readonly options: OutgoingOptions & {
    readonly idempotencyKey?: string;
    readonly causedBy: MessageIdentity;
  };
}

// Payloads are bytes both ways: the gateway neither decodes replies nor re-encodes bodies.
const RAW = rawCodec() as Codec<unknown>;

/**
 * Builds the subject (400 for a parameter that is not one token), payload and headers, for a caller
 * already authenticated (`rt.auth`) when the route needs it.
 */
export function prepare(
  rt: RouteRuntime,
  ctx: GatewayContext,
  req: FastifyRequest,
  principal: Principal | undefined,
): Outbound {
  const subject = rt.subject(req.params as Record<string, string | undefined>);
  const payload = ctx.bodies.payloadOf(req);
  const idempotencyKey = idempotencyKeyOf(req.headers);
  return {
    subject,
    data: payload.data,
    options: {
      codec: RAW,
      causedBy: ctx.identityOf(req),
      headers: rt.forward(
        req.headers,
        payload.contentType,
        principal === undefined ? undefined : principalHeader(principal),
      ),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
  };
}
