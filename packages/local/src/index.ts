export { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./aws/index.ts";
export { type BareEmulators, startBareEmulators } from "./edge/emulators.ts";
export {
  type CompiledEventPattern,
  compileEventPattern,
  InvalidEventPatternError,
} from "./eventbridge/pattern/index.ts";
export {
  type NatsClusterOptions,
  type NatsServer,
  NatsServerConfigError,
  NatsServerMissingError,
  type NatsServerOptions,
  NatsServerStartError,
  startNatsServer,
} from "./nats-server/index.ts";
export { PortInUseError } from "./ports.ts";
export { type LocalAws, type LocalAwsOptions, startLocalAws } from "./stack/local-aws.ts";
