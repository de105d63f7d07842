import { ProxyTracerProvider, propagation, trace } from "@opentelemetry/api";

// What the API's proxy delegates to while no OTel SDK is registered: a fresh proxy has no delegate.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True while no OpenTelemetry SDK is registered (no tracer provider, no propagator): every span would
 * be a no-op and no trace context could travel. Hot paths then skip span work altogether, which would
 * otherwise build attributes, a no-op span and a context copy per request or message. Asked per call,
 * so an SDK registered later takes effect at once.
 */
export function tracingOff(): boolean {
  const provider = trace.getTracerProvider();
  return (
    provider instanceof ProxyTracerProvider &&
    provider.getDelegate() === NOOP_PROVIDER &&
    propagation.fields().length === 0
  );
}
