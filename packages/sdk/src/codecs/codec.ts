import { CodecError } from "../errors/index.ts";

/** Turns values into payload bytes and back. A failure is a `CodecError`, never a crash. */
export interface Codec<T> {
  /** Sent as the `Content-Type` header so peers in other languages know how to decode. */
  readonly contentType: string;
  encode(value: T): Uint8Array;
  decode(data: Uint8Array): T;
}

/** Runs a codec step and turns whatever it throws into a `CodecError`. */
export function guarded<R>(what: string, fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
