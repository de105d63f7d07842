import { tracingOff } from "@junction/sdk/telemetry";
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";

/**
 * The bridge's spans go to the globally registered tracer provider: `junction run` / `up` register one
 * when the config has `telemetry:`; without one every span is a no-op and nothing is injected.
 */
const tracer = () => trace.getTracer("@junction/bridge");

/** Reads W3C trace context from a header record regardless of case (peers write `Traceparent`). */
const recordGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const found = Object.keys(carrier).find((k) => k.toLowerCase() === key);
    return found === undefined ? undefined : carrier[found];
  },
};

/** The trace a message's headers continue (W3C `traceparent` / `tracestate`), or none. */
export function contextOf(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, recordGetter);
}

/** What a span is; built only when one is recorded. */
export interface SpanDescription {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes?: Attributes;
  /** Default: the active context. */
  readonly parent?: Context;
}

/** The span `fn` gets when none is recorded: one object for every call, not one per message. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `fn` in a new span and ends it when `fn` settles: an error status for a throw, or for a result
 * `failure` says is one. `describe` runs only when a span is recorded: per message and per send,
 * without a registered OTel SDK there is no span, no attribute object and no context copy at all (the
 * gateway's and the SDK's spans skip the same way).
 */
export function inSpan<R>(
  describe: () => SpanDescription,
  fn: (span: Span, ctx: Context) => Promise<R>,
  failure?: (result: R) => { code: string; message: string } | undefined,
): Promise<R> {
  if (tracingOff()) return fn(NO_SPAN, context.active());
  return recorded(describe(), fn, failure);
}

async function recorded<R>(
  d: SpanDescription,
  fn: (span: Span, ctx: Context) => Promise<R>,
  failure?: (result: R) => { code: string; message: string } | undefined,
): Promise<R> {
  const parent = d.parent ?? context.active();
  const span = tracer().startSpan(
    d.name,
    { kind: d.kind, ...(d.attributes === undefined ? {} : { attributes: d.attributes }) },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  try {
    const result = await context.with(ctx, () => fn(span, ctx));
    const failed = failure?.(result);
    if (failed !== undefined) fail(span, failed.code, failed.message);
    return result;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    fail(span, typeof code === "string" ? code : (err as Error).name, (err as Error).message);
    if (err instanceof Error) span.recordException(err);
    throw err;
  } finally {
    span.end();
  }
}

function fail(span: Span, code: string, message: string): void {
  span.setAttribute("error.type", code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

export { SpanKind };
