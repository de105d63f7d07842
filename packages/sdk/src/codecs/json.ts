import { type Codec, guarded } from "./codec.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** JSON, the default. An empty payload decodes to `undefined` (a request with no body). */
export function jsonCodec<T = unknown>(): Codec<T> {
  return {
    contentType: "application/json",
    encode: (value) =>
      guarded("cannot encode JSON", () => {
        const text = JSON.stringify(value);
        if (text === undefined) throw new TypeError(`${typeof value} is not JSON`);
        return encoder.encode(text);
      }),
    decode: (data) =>
      guarded(
        "cannot decode JSON",
        () => (data.length === 0 ? undefined : JSON.parse(decoder.decode(data))) as T,
      ),
  };
}
