import type { FastifyReply, FastifyRequest } from "fastify";
import { withTraceContext } from "../http/trace.ts";
import type { GatewayContext, RouteRuntime } from "./context.ts";
import { acquireBoth, releaseBoth } from "./limiter.ts";
import { prepare } from "./prepare.ts";

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

/** HTTP body → NATS request → the reply as the HTTP response (204 when the reply is empty). */
export function requestHandler(rt: RouteRuntime, ctx: GatewayContext) {
  const replyHeaders = createReplyHeaders(ctx.settings.responseHeaders);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const out = await prepare(rt, ctx, req);
    acquireBoth(rt.limiter, ctx.requests);
    ctx.metrics.inFlight.inc({ route: rt.label });
    // A caller that hangs up frees its slot at once instead of holding it until the timeout.
    const hangUp = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) hangUp.abort();
    };
    reply.raw.once("close", onClose);
    try {
      const msg = await withTraceContext(req.headers, () =>
        ctx.client.request(out.subject, out.data, {
          ...out.options,
          timeoutMs: rt.timeoutMs,
          signal: hangUp.signal,
        }),
      );
      const data = msg.data;
      reply.code(data.length === 0 ? 204 : 200).headers(replyHeaders((name) => msg.header(name)));
      return reply.send(
        data.length === 0 ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      );
    } finally {
      reply.raw.off("close", onClose);
      releaseBoth(rt.limiter, ctx.requests);
      ctx.metrics.inFlight.dec({ route: rt.label });
    }
  };
}
