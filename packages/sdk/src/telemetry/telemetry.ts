import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { Registry } from "prom-client";
import { errorType } from "./errors.ts";
import { createMetrics, type JunctionMetrics } from "./metrics.ts";
import { extractContext, injectContext } from "./propagation.ts";
import { tracingOff } from "./tracing-off.ts";
import type { Observation, ProcessInfo, SendInfo, Telemetry } from "./types.ts";

export interface TelemetryOptions {
  /** Default: the global tracer provider's `@junction/sdk` tracer (a no-op until an OTel SDK is registered). */
  readonly tracer?: Tracer;
  /** Prometheus registry for the `junction_*` series; without one, no metrics are kept. */
  readonly meterRegistry?: Registry;
}

const BREAKER_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/**
 * OpenTelemetry tracing (messaging semantic conventions, `messaging.system = "nats"`) and Prometheus
 * metrics. Trace context travels in W3C `traceparent` / `tracestate` headers through the globally
 * registered propagator, so register an OTel SDK (or at least a propagator) for it to flow.
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const tracer = options.tracer ?? trace.getTracer("@junction/sdk");
  // A tracer given explicitly is used; the global one only once an OTel SDK is registered.
  const untraced = options.tracer === undefined ? tracingOff : () => false;
  const metrics = options.meterRegistry === undefined ? undefined : createMetrics(options.meterRegistry);

  return {
    startSend(info) {
      const labels = { operation: info.operation, direction: "send" };
      metrics?.sent.inc({ operation: info.operation });
      metrics?.inFlight.inc(labels);
      const record = (seconds: number, outcome: string) => {
        if (metrics === undefined) return;
        metrics.inFlight.dec(labels);
        // A core publish has no reply to wait for: it is counted as sent, not as a request.
        if (info.operation === "publish") return;
        metrics.requests.inc({ operation: info.operation, outcome });
        metrics.requestDuration.observe({ operation: info.operation, outcome }, seconds);
      };
      if (untraced()) return observe(undefined, record, metrics);
      const producer = info.operation === "publish" || info.operation === "jetstream.publish";
      const parent = context.active();
      const span = tracer.startSpan(
        `${producer ? "publish" : "send"} ${info.subject}`,
        {
          kind: producer ? SpanKind.PRODUCER : SpanKind.CLIENT,
          attributes: {
            ...messageAttributes(info),
            "messaging.operation.type": "send",
            "messaging.operation.name": info.operation,
          },
        },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      injectContext(spanContext, info.headers);
      return observe({ span, context: spanContext }, record, metrics);
    },

    startProcess(info) {
      const labels = { operation: info.operation, direction: "process" };
      metrics?.inFlight.inc(labels);
      const record = (seconds: number, outcome: string) => {
        if (metrics === undefined) return;
        metrics.inFlight.dec(labels);
        metrics.processDuration.observe(
          { operation: info.operation, destination: info.destination, outcome },
          seconds,
        );
      };
      if (untraced()) return observe(undefined, record, metrics);
      // Child of the sender's context, so one request is one trace; plus the link the semconv asks for.
      const parent = extractContext(context.active(), info.headers);
      const remote = trace.getSpanContext(parent);
      const links: Link[] = remote?.isRemote ? [{ context: remote }] : [];
      const span = tracer.startSpan(
        `process ${info.destination}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            ...messageAttributes(info),
            "messaging.destination.template": info.destination,
            "messaging.operation.type": "process",
            "messaging.operation.name": info.operation,
            ...(info.group === undefined ? {} : { "messaging.consumer.group.name": info.group }),
          },
        },
        parent,
      );
      return observe({ span, context: trace.setSpan(parent, span) }, record, metrics);
    },

    breakerState(subject, state) {
      metrics?.breakerState.set({ subject }, BREAKER_VALUE[state]);
    },

    redelivered(stream, consumer) {
      metrics?.redeliveries.inc({ stream, consumer });
    },
  };
}

function messageAttributes(info: SendInfo | ProcessInfo): Attributes {
  return {
    "messaging.system": "nats",
    "messaging.destination.name": info.subject,
    "messaging.message.id": info.identity.id,
    "messaging.message.conversation_id": info.identity.correlationId,
  };
}

/** An observation that ends its span (none while untraced) and records its metrics exactly once. */
function observe(
  traced: { readonly span: Span; readonly context: Context } | undefined,
  record: (seconds: number, outcome: string) => void,
  metrics: JunctionMetrics | undefined,
): Observation {
  const started = performance.now();
  let ended = false;
  return {
    run: (fn) => (traced === undefined ? fn() : context.with(traced.context, fn)),
    end(error) {
      if (ended) return;
      ended = true;
      let outcome = "ok";
      const span = traced?.span;
      if (error !== undefined) {
        outcome = errorType(error);
        span?.setAttribute("error.type", outcome);
        span?.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        if (error instanceof Error) span?.recordException(error);
        metrics?.errors.inc({ code: outcome });
      }
      span?.end();
      record((performance.now() - started) / 1000, outcome);
    },
  };
}
