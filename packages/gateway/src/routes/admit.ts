import type { FastifyReply, FastifyRequest } from "fastify";
import { DrainingError } from "../errors.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Refuses new work once a drain began (503 draining). */
export function refuseIfDraining(rt: RouteRuntime, ctx: GatewayContext): void {
  if (!ctx.state.draining) return;
  ctx.metrics.rejected.inc({ route: rt.label, reason: "draining" });
  throw new DrainingError();
}

/** Admits a request unless draining, and counts it as running until it ends, so a drain can wait for it. */
export function admitted(rt: RouteRuntime, ctx: GatewayContext, handler: Handler): Handler {
  return async (req, reply) => {
    refuseIfDraining(rt, ctx);
    ctx.state.busy++;
    try {
      return await handler(req, reply);
    } finally {
      ctx.state.busy--;
    }
  };
}
