import type { FastifyReply, FastifyRequest } from "fastify";
import { DrainingError } from "../errors.ts";
import { CORRELATION_HEADER } from "../http/identity.ts";
import { problemBody, problemOf } from "../http/problem.ts";
import { openSse } from "../http/sse.ts";
import { admitted } from "./admit.ts";
import type { ActiveStream, GatewayContext, RouteRuntime } from "./context.ts";
import { acquireBoth, releaseBoth } from "./limiter.ts";
import { prepare } from "./prepare.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * NATS streamed reply → Server-Sent Events: `chunk` events (the chunk's text; `binary` with base64 for
 * bytes that are not UTF-8), then `end`, or `error` with a problem document. The first chunk is awaited
 * before answering, so a stream that cannot start (no responders, timeout, refused) is a plain HTTP
 * error. Heartbeat comments keep idle streams open; a caller that hangs up cancels the NATS stream (the
 * responder sees it); a caller too slow to read is cut off rather than buffered without bound.
 */
export function streamHandler(rt: RouteRuntime, ctx: GatewayContext) {
  const { heartbeatMs, maxStreamMs, maxBufferBytes } = ctx.settings;
  const inFlight = ctx.metrics.inFlight.labels({ route: rt.label });
  return admitted(rt, ctx, stream);

  async function stream(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = rt.auth === undefined ? undefined : await rt.auth(req);
    const out = prepare(rt, ctx, req, principal);
    acquireBoth(rt.limiter, ctx.streams);
    inFlight.inc();
    ctx.metrics.streams.inc();
    const cancel = new AbortController();
    let draining = false;
    const active: ActiveStream = {
      drain: () => {
        draining = true;
        cancel.abort(new DrainingError());
      },
    };
    ctx.activeStreams.add(active);
    const onClose = () => {
      if (!reply.raw.writableFinished) cancel.abort();
    };
    reply.raw.once("close", onClose);
    const done = () => {
      reply.raw.off("close", onClose);
      ctx.activeStreams.delete(active);
      releaseBoth(rt.limiter, ctx.streams);
      inFlight.dec();
      ctx.metrics.streams.dec();
    };

    const chunks = ctx.tracing
      .within(req, () =>
        ctx.client.requestStream<Uint8Array>(out.subject, out.data, {
          ...out.options,
          inactivityMs: rt.timeoutMs,
          deadlineMs: maxStreamMs,
          signal: cancel.signal,
        }),
      )
      [Symbol.asyncIterator]();
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch (err) {
      done();
      throw draining ? new DrainingError() : err;
    }

    reply.hijack();
    const identity = ctx.identityOf(req);
    const sse = openSse(reply.raw, { [CORRELATION_HEADER]: identity.correlationId });
    const heartbeat = setInterval(() => sse.comment("heartbeat"), heartbeatMs);
    let id = 0;
    try {
      for (; !next.done; next = await chunks.next()) {
        writeChunk(sse, next.value, ++id);
        if (sse.buffered > maxBufferBytes) {
          cancel.abort();
          break;
        }
      }
      if (!cancel.signal.aborted) sse.event("end", "{}");
    } catch (err) {
      if (!reply.raw.destroyed) {
        const problem = problemOf(draining ? new DrainingError() : err, ctx.settings);
        sse.event("error", problemBody(problem, req.url.split("?")[0] ?? "", identity.correlationId));
      }
    } finally {
      clearInterval(heartbeat);
      // Leaving the loop early (slow client) also ends the NATS stream: the iterator unsubscribes.
      await chunks.return?.();
      sse.end();
      done();
    }
  }
}

function writeChunk(sse: ReturnType<typeof openSse>, data: Uint8Array, id: number): void {
  let text: string | undefined;
  try {
    text = utf8.decode(data);
  } catch {
    text = undefined;
  }
  if (text === undefined) sse.event("binary", Buffer.from(data).toString("base64"), id);
  else sse.event("chunk", text, id);
}
