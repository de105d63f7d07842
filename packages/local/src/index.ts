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
