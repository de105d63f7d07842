import type { MessageIdentity } from "../identity/index.ts";
import type { ClientContext } from "./context.ts";
import { type OutgoingOptions, prepareOutgoing } from "./outgoing.ts";

/** Core NATS publish (at most once) with Junction identity. Returns the identity it sent. */
export function publish(
  ctx: ClientContext,
  subject: string,
  data?: unknown,
  options?: OutgoingOptions,
): MessageIdentity {
  const out = prepareOutgoing(ctx, data, options);
  const observation = ctx.telemetry.startSend({
    operation: "publish",
    subject,
    identity: out.identity,
    headers: out.headers,
  });
  try {
    ctx.nc.publish(subject, out.payload, { headers: out.headers });
    observation.end();
  } catch (err) {
    observation.end(err);
    throw err;
  }
  return out.identity;
}
