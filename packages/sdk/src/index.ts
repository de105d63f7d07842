/**
 * The core: connect, request/publish/serve, identity, envelopes, subjects, codecs and the shared errors.
 * Everything else has its own entry point (`@junction/sdk/jetstream`, `/kv`, `/streaming`, `/saga` …,
 * listed in package.json `exports`), so an import names the part of the SDK it uses.
 */
export * from "./client/index.ts";
export * from "./codecs/index.ts";
export * from "./connect/index.ts";
export * from "./envelopes/index.ts";
export * from "./errors/index.ts";
export * from "./identity/index.ts";
export * from "./subjects/index.ts";
