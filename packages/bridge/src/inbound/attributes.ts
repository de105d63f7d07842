import type { Message } from "@aws-sdk/client-sqs";
import { Headers, type MessageIdentity } from "@junction/sdk";
import { traceparentOf } from "../aws/trace-context.ts";

const IDENTITY = new Set(
  [Headers.MsgId, Headers.CorrelationId, Headers.CausationId].map((h) => h.toLowerCase()),
);

/**
 * Identity and headers of an SQS message on its way into NATS. The message id is `id` (the SQS message
 * id, or the event id: what JetStream deduplicates on). A correlation and causation id carried as
 * message attributes continue their flow; `traceparent` / `tracestate` attributes, else SQS's
 * `AWSTraceHeader`, continue the trace. Other String and Number attributes become headers as named.
 */
export function restoreIdentity(
  message: Message,
  id: string,
  origin: string,
): { identity: MessageIdentity; headers: Record<string, string> } {
  const attrs = message.MessageAttributes ?? {};
  const attr = (name: string) => {
    const found = Object.entries(attrs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    return found?.StringValue === undefined || found.StringValue === "" ? undefined : found.StringValue;
  };
  const correlationId = attr(Headers.CorrelationId) ?? id;
  const causationId = attr(Headers.CausationId);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (IDENTITY.has(name.toLowerCase()) || value.StringValue === undefined) continue;
    // NATS header values are one line.
    headers[name] = value.StringValue.replace(/[\r\n]+/g, " ");
  }
  if (attr("traceparent") === undefined) {
    const traceparent = traceparentOf(message.Attributes?.AWSTraceHeader);
    if (traceparent !== undefined) headers.traceparent = traceparent;
  }
  headers[Headers.Origin] = origin;
  return {
    identity: { id, correlationId, ...(causationId === undefined ? {} : { causationId }) },
    headers,
  };
}
