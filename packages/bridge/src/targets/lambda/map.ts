import { MappingError } from "../../errors.ts";
import { compileValue } from "../../templates/index.ts";
import { compileField } from "../compile-field.ts";
import type { CompiledTarget, TargetCompileContext } from "../types.ts";
import type { LambdaTargetConfig } from "./config.ts";

/** Invoke payload limits: 6 MB synchronous, 1 MB asynchronous (`Event`). ClientContext: 3,583 bytes. */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
const MAX_CLIENT_CONTEXT = 3583;

export function compileLambdaTarget(config: LambdaTargetConfig, ctx: TargetCompileContext): CompiledTarget {
  const fn = compileField(ctx, "function", config.function);
  const payload = compileValue(config.payload, ctx.vocabulary, [...ctx.path, "payload"], ctx.report);
  const sync = ctx.role === "reply";
  const limit = sync ? MAX_SYNC_PAYLOAD : MAX_ASYNC_PAYLOAD;

  return {
    service: "lambda",
    map(scope, message) {
      const bytes = Buffer.from(JSON.stringify(payload.render(scope)), "utf8");
      if (bytes.length > limit) {
        throw new MappingError(
          `Lambda payload is ${bytes.length} bytes, over the ${limit}-byte Invoke limit`,
        );
      }
      const input: Record<string, unknown> = {
        FunctionName: fn.renderText(scope),
        InvocationType: sync ? "RequestResponse" : "Event",
        Payload: new Uint8Array(bytes),
      };
      if (config.qualifier !== undefined) input.Qualifier = config.qualifier;
      if (sync) {
        // Lambda passes ClientContext to synchronous invocations only: the handler sees the NATS identity.
        const custom: Record<string, string> = {
          subject: message.subject,
          messageId: message.id,
          correlationId: message.correlationId,
        };
        if (message.causationId !== undefined) custom.causationId = message.causationId;
        const encoded = Buffer.from(JSON.stringify({ custom }), "utf8").toString("base64");
        if (encoded.length <= MAX_CLIENT_CONTEXT) input.ClientContext = encoded;
      }
      return { service: "lambda", operation: "Invoke", resource: input.FunctionName as string, input };
    },
  };
}
