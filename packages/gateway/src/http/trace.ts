import { tracingOff } from "@junction/sdk/telemetry";
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { FastifyRequest } from "fastify";

/** The gateway's HTTP server spans: one per request that reaches NATS, ended with its answer. */
export interface HttpTracing {
  /**
   * Runs `fn` inside the request's server span (a child of the caller's W3C `traceparent`, if any), so
   * the SDK's send span continues the HTTP client's trace. The span is started on first use.
   */
  within<R>(req: FastifyRequest, fn: () => R): R;
  /** Ends the request's span, if it has one, with the status it was answered with. */
  end(req: FastifyRequest, status: number): void;
}

/**
 * Spans go to the globally registered tracer provider (`junction run` / `up` register one with
 * `telemetry:`); without one none is made at all. Only requests that go to NATS get one: probes and
 * refusals before NATS cost nothing.
 */
export function createHttpTracing(): HttpTracing {
  const tracer = trace.getTracer("@junction/gateway");
  const spans = new WeakMap<FastifyRequest, Context>();
  return {
    within(req, fn) {
      if (tracingOff()) return fn();
      let ctx = spans.get(req);
      if (ctx === undefined) {
        const parent =
          req.headers.traceparent === undefined
            ? ROOT_CONTEXT
            : propagation.extract(ROOT_CONTEXT, req.headers);
        const route = req.routeOptions.url ?? "unmatched";
        const span = tracer.startSpan(
          `${req.method} ${route}`,
          {
            kind: SpanKind.SERVER,
            attributes: {
              "http.request.method": req.method,
              "http.route": route,
              "url.path": req.url.split("?")[0] ?? "",
            },
          },
          parent,
        );
        ctx = trace.setSpan(parent, span);
        spans.set(req, ctx);
      }
      return context.with(ctx, fn);
    },
    end(req, status) {
      const span: Span | undefined = trace.getSpan(spans.get(req) ?? ROOT_CONTEXT);
      if (span === undefined) return;
      spans.delete(req);
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
