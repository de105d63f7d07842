import { parsePattern } from "@junction/sdk";
import { DLQ_STREAM, DLQ_SUBJECT_PREFIX } from "@junction/sdk/jetstream";
import { partitionConsumer } from "@junction/sdk/partitions";
import {
  clientPermissions,
  durableConsumerPermissions,
  jetStreamPublishPermissions,
  kvPermissions,
  mergePermissions,
  type NatsPermissions,
  orderedConsumerPermissions,
  streamPermissions,
} from "@junction/sdk/permissions";
import { templatePattern } from "../config/check-inbound.ts";
import type { LoadedConfig } from "../config/load.ts";
import { CHECKPOINT_BUCKET } from "../kv-mirror/checkpoint.ts";
import { DELIVERED_BUCKET } from "../runtime/delivered.ts";

/** The bucket of partition groups and elections (the SDK's default). */
const GROUPS_BUCKET = "JUNCTION_GROUPS";

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
    // The ops console lists dead letters with an ordered consumer.
    orderedConsumerPermissions(DLQ_STREAM),
    kvPermissions(DELIVERED_BUCKET, { create: true, write: true }),
  ];
  // Partitioned consumer groups (ordered routes) and elections (KV mirrors) keep their membership and
  // ownership in one bucket, watched by every member (docs/scaling.md).
  const groups = kvPermissions(GROUPS_BUCKET, { create: true, write: true, watch: true });
  for (const route of routes.routes) {
    if (route.stream !== undefined && route.orderingKey !== undefined && route.partitions !== undefined) {
      sets.push(groups);
      for (let n = 0; n < route.partitions; n++)
        sets.push(durableConsumerPermissions(route.stream, partitionConsumer(route.name, n)));
    }
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
    sets.push(kvPermissions(CHECKPOINT_BUCKET, { create: true, write: true }), groups);
    for (const kv of config.kv) {
      sets.push(
        kvPermissions(kv.bucket, { write: kv.direction === "both" }),
        orderedConsumerPermissions(`KV_${kv.bucket}`),
      );
    }
  }
  return mergePermissions(...sets);
}
