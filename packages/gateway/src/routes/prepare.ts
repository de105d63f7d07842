import { type Codec, type OutgoingOptions, rawCodec } from "@junction/sdk";
import type { FastifyRequest } from "fastify";
import { principalHeader } from "../auth/principal.ts";
import { idempotencyKeyOf } from "../http/headers.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";

/** What a route sends to NATS for one HTTP request. */
export interface Outbound {
  readonly subject: string;
  readonly data: Uint8Array | undefined;
  readonly options: OutgoingOptions & { readonly idempotencyKey?: string };
}

// Payloads are bytes both ways: the gateway neither decodes replies nor re-encodes bodies.
const RAW = rawCodec() as Codec<unknown>;

/**
 * Authenticates the caller, then builds the subject, payload and headers. Throws the 401/403/400 errors
 * before anything reaches NATS.
 */
export async function prepare(rt: RouteRuntime, ctx: GatewayContext, req: FastifyRequest): Promise<Outbound> {
  const principal = rt.auth === undefined ? undefined : await rt.auth(req.headers);
  const subject = rt.subject(req.params as Record<string, string | undefined>);
  const payload = ctx.bodies.payloadOf(req, rt.validated);
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
