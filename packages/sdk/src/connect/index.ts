export { type ClientOptions, connect, createClient, type JunctionClient } from "./client.ts";
export {
  ConnectOptionsError,
  type CredentialSource,
  NatsAuthError,
  NatsConnectError,
  permissionDenied,
} from "./errors.ts";
export { type ConnectOptions, natsOptions } from "./options.ts";
export { redactServer, splitServerCredentials, type UrlCredentials } from "./server-url.ts";
