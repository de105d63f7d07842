import type { Codec } from "./codec.ts";

/** Bytes as they are. */
export function rawCodec(): Codec<Uint8Array> {
  return { contentType: "application/octet-stream", encode: (value) => value, decode: (data) => data };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 text. */
export function stringCodec(): Codec<string> {
  return {
    contentType: "text/plain; charset=utf-8",
    encode: (value) => encoder.encode(value),
    decode: (data) => decoder.decode(data),
  };
}
