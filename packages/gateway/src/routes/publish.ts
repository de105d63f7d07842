import { idempotencyScope } from "@junction/sdk/jetstream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CORRELATION_HEADER } from "../http/identity.ts";
import { admitted } from "./admit.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";
import { acquireBoth, releaseBoth } from "./limiter.ts";
import { prepare } from "./prepare.ts";

/**
 * HTTP body → NATS publish, answered 202. Core publishes are at most once and answer at once; durable
 * ones wait for the stream's ack and report its sequence. A durable publish with an `Idempotency-Key`
 * takes the key, scoped to the subject (`idempotencyScope`), as its message id, so the stream stores a
 * retried POST once (`duplicate: true`) and the same key on another path is another message.
 */
export function publishHandler(rt: RouteRuntime, ctx: GatewayContext) {
  const durable = rt.config.durable === true;
  const inFlight = ctx.metrics.inFlight.labels({ route: rt.label });
  return admitted(rt, ctx, publish);

  async function publish(req: FastifyRequest, reply: FastifyReply) {
    const principal = rt.auth === undefined ? undefined : await rt.auth(req);
    const out = prepare(rt, ctx, req, principal);
    if (!durable) {
      const identity = ctx.tracing.within(req, () => ctx.client.publish(out.subject, out.data, out.options));
      return reply
        .code(202)
        .header(CORRELATION_HEADER, identity.correlationId)
        .send({ id: identity.id, correlationId: identity.correlationId });
    }
    acquireBoth(rt.limiter, ctx.requests);
    inFlight.inc();
    try {
      const key = out.options.idempotencyKey;
      const ack = await ctx.tracing.within(req, () =>
        ctx.client.jetstream().publish(out.subject, out.data, {
          ...out.options,
          timeoutMs: rt.timeoutMs,
          ...(key === undefined ? {} : { id: idempotencyScope(out.subject, key) }),
        }),
      );
      return reply.code(202).header(CORRELATION_HEADER, ack.identity.correlationId).send({
        id: ack.identity.id,
        correlationId: ack.identity.correlationId,
        stream: ack.stream,
        seq: ack.seq,
        duplicate: ack.duplicate,
      });
    } finally {
      releaseBoth(rt.limiter, ctx.requests);
      inFlight.dec();
    }
  }
}
