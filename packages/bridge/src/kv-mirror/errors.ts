import { JunctionError } from "@junction/sdk";

export const KvMirrorErrorCode = {
  /** The table is missing, or its key schema is not the layout's. */
  Table: "ERR_KV_MIRROR_TABLE",
  /** `direction: both` and the table has no usable stream, or the endpoint has no Streams API. */
  Stream: "ERR_KV_MIRROR_STREAM",
  /** The bucket does not exist. */
  Bucket: "ERR_KV_MIRROR_BUCKET",
} as const;
export type KvMirrorErrorCode = (typeof KvMirrorErrorCode)[keyof typeof KvMirrorErrorCode];

/** The mirror cannot start; the message says what to fix. */
export class KvMirrorError extends JunctionError {
  constructor(code: KvMirrorErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
