export { type ConnectOptions, ConnectOptionsError, natsOptions } from "./options.ts";
