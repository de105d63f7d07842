export { type Codec, guarded } from "./codec.ts";
export { jsonCodec } from "./json.ts";
export { protobufCodec } from "./protobuf.ts";
export { rawCodec, stringCodec } from "./raw.ts";
