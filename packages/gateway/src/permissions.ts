import { parsePattern } from "@junction/sdk";
import {
  clientPermissions,
  durableRequestPermissions,
  mergePermissions,
  type NatsPermissions,
} from "@junction/sdk/permissions";
import type { GatewayConfig } from "./config/schema.ts";

/**
 * Everything the gateway does on NATS for these routes: requests, publishes and streamed requests on
 * their subjects (a `{name}` token is `*`), shadow and canary subjects, JetStream publishes and durable
 * request/reply (with its outcome bucket). Replies arrive on the client's inbox.
 */
export function gatewayPermissions(config: Pick<GatewayConfig, "routes">): NatsPermissions {
  const sets: NatsPermissions[] = [clientPermissions()];
  for (const route of config.routes) {
    const subjects = [
      route.request,
      route.publish,
      route.stream,
      route.shadow?.subject,
      route.canary?.subject,
    ]
      .filter((s): s is string => s !== undefined)
      .map((s) => parsePattern(s).natsSubject);
    for (const subject of subjects) {
      sets.push(
        route.durable === true && route.request !== undefined
          ? durableRequestPermissions(subject)
          : { publish: [subject], subscribe: [] }, // a JetStream publish is a publish too
      );
    }
  }
  return mergePermissions(...sets);
}
