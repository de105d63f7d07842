import { Match, type MsgHdrs } from "@nats-io/nats-core";
import { type Context, propagation, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";

/** Writes W3C `traceparent` / `tracestate` (or whatever the registered propagator emits) into NATS headers. */
export const headerSetter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/**
 * Reads propagation headers regardless of case: NATS headers are case-sensitive by default and peers
 * write `Traceparent` (nats-server's own tracing does).
 */
export const headerGetter: TextMapGetter<MsgHdrs> = {
  keys: (carrier) => carrier.keys(),
  // `get` answers "" for a missing header; propagators want undefined.
  get: (carrier, key) => carrier.get(key, Match.IgnoreCase) || undefined,
};

/** Injects `ctx` into `headers` with the globally registered propagator (a no-op without an OTel SDK). */
export function injectContext(ctx: Context, headers: MsgHdrs): void {
  propagation.inject(ctx, headers, headerSetter);
}

/** The context carried by `headers`, on top of `base`; `base` itself when there are none. */
export function extractContext(base: Context, headers: MsgHdrs | undefined): Context {
  return headers === undefined ? base : propagation.extract(base, headers, headerGetter);
}
