export { NatsServerConfigError, NatsServerMissingError, NatsServerStartError } from "./errors.ts";
export { startNatsServer } from "./start.ts";
export type { NatsClusterOptions, NatsServer, NatsServerOptions } from "./types.ts";
