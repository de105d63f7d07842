export { StreamInactiveError } from "./errors.ts";
export { isNoResponders, isTerminator } from "./protocol.ts";
export { type ReplyStream, type RequestStreamOptions, requestStream } from "./request-stream.ts";
export {
  type ServeStreamOptions,
  type StreamContext,
  type StreamHandler,
  type StreamService,
  serveStream,
} from "./serve-stream.ts";
export type { StreamWriter } from "./writer.ts";
