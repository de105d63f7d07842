export * from "./client/index.ts";
export * from "./codecs/index.ts";
export * from "./connect/index.ts";
export * from "./envelopes/index.ts";
export { JunctionError } from "./errors.ts";
export * from "./identity/index.ts";
export * from "./subjects/index.ts";
export * from "./telemetry/index.ts";
