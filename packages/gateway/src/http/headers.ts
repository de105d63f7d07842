import type { IncomingHttpHeaders } from "node:http";
import { Headers } from "@junction/sdk";
import { isForwardable } from "../config/forwarding.ts";
import { first } from "./identity.ts";
import { hasControl } from "./text.ts";

// Trace context always travels; everything else only when allow-listed.
const ALWAYS = ["traceparent", "tracestate"];

/**
 * Builds the NATS headers of one route's requests from HTTP headers, by an allow-list. Credentials
 * (`Authorization`, `X-Api-Key`), hop-by-hop headers and Junction's own names never pass, whatever the
 * list says: the config check reports them, and this holds even for a config that skipped it.
 */
export function createHeaderForwarder(allowList: readonly string[]) {
  const names = [...new Set([...ALWAYS, ...allowList.filter(isForwardable).map((n) => n.toLowerCase())])];
  return (headers: IncomingHttpHeaders, contentType: string | undefined, principal: string | undefined) => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const value = first(headers[name]);
      if (value !== undefined && value !== "" && !hasControl(value, true)) out[name] = value;
    }
    if (contentType !== undefined) out["Content-Type"] = contentType;
    if (principal !== undefined) out[Headers.Principal] = principal;
    return out;
  };
}

/** The idempotency key a caller sent (`Idempotency-Key`, the IETF draft's name), if usable. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const key = first(headers["idempotency-key"]);
  return key !== undefined && key.length > 0 && key.length <= 256 && !hasControl(key, true) ? key : undefined;
}
