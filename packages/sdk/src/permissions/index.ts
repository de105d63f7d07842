export {
  clientPermissions,
  durableConsumerPermissions,
  durableRequestPermissions,
  jetStreamPublishPermissions,
  kvPermissions,
  mergePermissions,
  type NatsPermissions,
  orderedConsumerPermissions,
  streamPermissions,
} from "./permissions.ts";
