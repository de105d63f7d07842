import { traceHeaderOf } from "../../aws/trace-context.ts";
import { defineTarget } from "../definition.ts";
import { EventBridgeTargetSchema } from "./config.ts";
import { compileEventBridgeTarget, MAX_ENTRY_BYTES } from "./map.ts";
import { createEventBridgeSender, MAX_CALL_BYTES, MAX_ENTRIES_PER_CALL } from "./send.ts";

export { NATS_RESOURCE_PREFIX } from "./map.ts";

export const eventbridgeTarget = defineTarget({
  type: "eventbridge",
  schema: EventBridgeTargetSchema,
  capabilities: {
    batch: { maxCount: MAX_ENTRIES_PER_CALL, maxBytes: MAX_CALL_BYTES },
    maxRequestBytes: MAX_ENTRY_BYTES,
    ordering: false,
    reply: false,
  },
  compile: compileEventBridgeTarget,
  createSender: (clients, limit) => createEventBridgeSender(clients.batch, limit),
  resources: (config, declare) => declare.bus(config.bus),
  // The entry's `TraceHeader` (X-Ray's format).
  carryTrace(input, carrier) {
    const xray = traceHeaderOf(carrier);
    return xray === undefined ? input : { ...input, TraceHeader: xray };
  },
});
