import { inSpan, SpanKind } from "../tracing/index.ts";

/**
 * A client span around one AWS call (OpenTelemetry's `aws-api` RPC conventions), in the trace of the
 * message it carries: the first message of a batch, whose send span is active when the batch goes.
 */
export function awsCall<R>(service: string, operation: string, call: () => Promise<R>): Promise<R> {
  return inSpan(
    () => ({
      name: `${service}.${operation}`,
      kind: SpanKind.CLIENT,
      attributes: { "rpc.system": "aws-api", "rpc.service": service, "rpc.method": operation },
    }),
    call,
  );
}
