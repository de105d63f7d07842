import type { FastifyReply, FastifyRequest } from "fastify";
import { CORRELATION_HEADER } from "../http/identity.ts";
import { refuseIfDraining } from "./admit.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";
import { acquireBoth, releaseBoth } from "./limiter.ts";
import { prepare } from "./prepare.ts";
import { createRouteCaller } from "./shift.ts";

/** Allow-listed reply headers go back to the caller, with the reply's content type. */
export function createReplyHeaders(allowList: readonly string[]) {
  return (header: (name: string) => string | undefined): Record<string, string> => {
    const out: Record<string, string> = { "content-type": header("Content-Type") ?? "application/json" };
    for (const name of allowList) {
      const value = header(name);
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}

/**
 * HTTP body → NATS request → the reply as the HTTP response (204 when the reply is empty). A caller that
 * hangs up does not cancel the request: the service works on it anyway, so its slot stays taken until
 * the reply or the timeout, which keeps the in-flight limit true to the load on the service.
 */
export function requestHandler(rt: RouteRuntime, ctx: GatewayContext) {
  const replyHeaders = createReplyHeaders(ctx.settings.responseHeaders);
  // Plain or durable request/reply, possibly shifted to a shadow or canary subject (shift.ts).
  const call = createRouteCaller(rt, ctx);
  const inFlight = ctx.metrics.inFlight.labels({ route: rt.label });
  // The hot path: admitted inline (as `admitted()` does) to spare a promise per request.
  return async (req: FastifyRequest, reply: FastifyReply) => {
    refuseIfDraining(rt, ctx);
    ctx.state.busy++;
    try {
      const principal = rt.auth === undefined ? undefined : await rt.auth(req);
      const out = prepare(rt, ctx, req, principal);
      acquireBoth(rt.limiter, ctx.requests);
      inFlight.inc();
      try {
        const msg = await ctx.tracing.within(req, () =>
          call(req.params as Record<string, string | undefined>, out),
        );
        const data = msg.data;
        const headers = replyHeaders((name) => msg.header(name));
        headers[CORRELATION_HEADER] = out.options.causedBy.correlationId;
        reply.code(data.length === 0 ? 204 : 200).headers(headers);
        return reply.send(
          data.length === 0 ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        );
      } finally {
        releaseBoth(rt.limiter, ctx.requests);
        inFlight.dec();
      }
    } finally {
      ctx.state.busy--;
    }
  };
}
