import { headerValue } from "@junction/sdk";

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/**
 * PutEvents takes trace context as an X-Ray `TraceHeader`; NATS messages carry W3C `traceparent`.
 * The two name the same ids: the X-Ray root is `1-<first 8 hex of the trace id>-<other 24>`, the
 * parent is the span id, and the sampled bit is bit 0 of the flags. Malformed or all-zero context is
 * dropped rather than sent.
 */
export function traceHeaderOf(headers: Readonly<Record<string, string>>): string | undefined {
  const match = TRACEPARENT.exec(headerValue(headers, "traceparent")?.trim().toLowerCase() ?? "");
  if (match === null) return undefined;
  const [, traceId = "", parentId = "", flags = "00"] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  const sampled = (Number.parseInt(flags, 16) & 1) === 1 ? 1 : 0;
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${parentId};Sampled=${sampled}`;
}

const XRAY = /(?:^|;)\s*Root=1-([\da-f]{8})-([\da-f]{24})\s*(?:;|$)/i;
const XRAY_PARENT = /(?:^|;)\s*Parent=([\da-f]{16})\s*(?:;|$)/i;
const XRAY_SAMPLED = /(?:^|;)\s*Sampled=([01])\s*(?:;|$)/i;

/**
 * The reverse, for messages coming from AWS (SQS's `AWSTraceHeader`): a W3C `traceparent`, or
 * undefined when the X-Ray header has no root or no parent (a trace cannot continue without both).
 */
export function traceparentOf(xrayHeader: string | undefined): string | undefined {
  const root = XRAY.exec(xrayHeader ?? "");
  const parent = XRAY_PARENT.exec(xrayHeader ?? "");
  if (root === null || parent === null) return undefined;
  const sampled = XRAY_SAMPLED.exec(xrayHeader ?? "")?.[1] === "1" ? "01" : "00";
  return `00-${(root[1] as string).toLowerCase()}${(root[2] as string).toLowerCase()}-${(parent[1] as string).toLowerCase()}-${sampled}`;
}
