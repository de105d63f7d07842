export { type SavedStream, StreamStore } from "./stream-store.ts";
export { createLocalDynamoDbStreams } from "./streams-api.ts";
export { createLocalDynamoDb } from "./tables.ts";
