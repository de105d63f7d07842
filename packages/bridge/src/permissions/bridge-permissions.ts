import {
  clientPermissions,
  durableConsumerPermissions,
  jetStreamPublishPermissions,
  kvPermissions,
  mergePermissions,
  type NatsPermissions,
  orderedConsumerPermissions,
  parsePattern,
  streamPermissions,
} from "@junction/sdk";
import { templatePattern } from "../config/check-inbound.ts";
import type { LoadedConfig } from "../config/load.ts";
import { CHECKPOINT_BUCKET } from "../kv-mirror/checkpoint.ts";
import { DELIVERED_BUCKET } from "../runtime/delivered.ts";
import { DLQ_STREAM, DLQ_SUBJECT_PREFIX } from "../runtime/dlq/format.ts";

/**
 * Everything the bridge of this config does on NATS (`junction run` without the gateway): stream
 * routes' durable consumers, core routes' queue subscriptions and replies, the dead-letter stream,
 * its delivered-targets bucket, inbound and subscriptions publishing into JetStream, KV mirrors and
 * their checkpoints. Provisioning (`junction provision`) is not included: it creates what this uses.
 */
export function bridgePermissions(loaded: LoadedConfig): NatsPermissions {
  const { config, routes } = loaded;
  const sets: NatsPermissions[] = [
    clientPermissions(),
    streamPermissions(DLQ_STREAM, { create: true }),
    jetStreamPublishPermissions(`${DLQ_SUBJECT_PREFIX}.>`),
    kvPermissions(DELIVERED_BUCKET, { create: true, write: true }),
  ];
  for (const route of routes.routes) {
    if (route.stream !== undefined) {
      sets.push(
        streamPermissions(route.stream),
        durableConsumerPermissions(route.stream, route.name),
        // The unrouted watch (ops/unrouted.ts): an ordered consumer on every stream a route reads.
        orderedConsumerPermissions(route.stream),
      );
    } else {
      sets.push({
        publish: [],
        subscribe: [route.pattern.natsSubject],
        ...(route.reply === undefined ? {} : { allowResponses: true }),
      });
    }
  }
  for (const inbound of config.inbound) {
    const pattern = templatePattern(inbound.to);
    if (pattern !== undefined) sets.push(jetStreamPublishPermissions(pattern.natsSubject));
  }
  for (const subscription of config.subscriptions) {
    sets.push(jetStreamPublishPermissions(parsePattern(subscription.subject).natsSubject));
  }
  if (config.kv.length > 0) {
    sets.push(kvPermissions(CHECKPOINT_BUCKET, { create: true, write: true }));
    for (const kv of config.kv) {
      sets.push(
        kvPermissions(kv.bucket, { write: kv.direction === "both" }),
        orderedConsumerPermissions(`KV_${kv.bucket}`),
      );
    }
  }
  return mergePermissions(...sets);
}
