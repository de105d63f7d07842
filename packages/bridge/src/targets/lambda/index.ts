import { defineTarget } from "../definition.ts";
import { LambdaTargetSchema } from "./config.ts";
import { compileLambdaTarget, MAX_SYNC_PAYLOAD } from "./map.ts";
import { createLambdaSender } from "./send.ts";

export { LambdaTargetSchema } from "./config.ts";

export const lambdaTarget = defineTarget({
  type: "lambda",
  schema: LambdaTargetSchema,
  capabilities: {
    // One Invoke per message; a `to` (Event) payload is limited to 1 MB, a `reply` to 6 MB.
    batch: { maxCount: 1, maxBytes: MAX_SYNC_PAYLOAD },
    maxRequestBytes: MAX_SYNC_PAYLOAD,
    ordering: false,
    reply: true,
  },
  compile: compileLambdaTarget,
  createSender: (clients, limit) => createLambdaSender(clients.lambda, limit),
  // The functions are deployed by their owners (or served by `junction up` from `functions:`).
  resources: () => {},
  // The invocation's client context, `custom.traceparent` (unless the entry sets a client context).
  carryTrace: (input, carrier) =>
    input.ClientContext === undefined
      ? { ...input, ClientContext: Buffer.from(JSON.stringify({ custom: carrier })).toString("base64") }
      : input,
});
