/** Header names of Junction's wire protocol (docs/protocol.md). */
export const Headers = {
  MsgId: "Nats-Msg-Id",
  CorrelationId: "Junction-Correlation-Id",
  CausationId: "Junction-Causation-Id",
  Kind: "Junction-Kind",
  IdempotencyKey: "Junction-Idempotency-Key",
  TraceParent: "traceparent",
  TraceState: "tracestate",
  ServiceError: "Nats-Service-Error",
  ServiceErrorCode: "Nats-Service-Error-Code",
  /** Where the bridge took a message from (`sqs:<queue>`, `eventbridge:<bus>`), so it is not sent back. */
  Origin: "Junction-Origin",
  /** Who called, as the gateway authenticated them (`apikey:<name>`, `jwt:<name>:<sub>`). */
  Principal: "Junction-Principal",
} as const;
export type HeaderName = (typeof Headers)[keyof typeof Headers];

/** Reads a header regardless of case: peers write `Traceparent`, `nats-msg-id` … */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}
