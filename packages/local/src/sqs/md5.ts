import { createHash } from "node:crypto";

export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export function md5OfBody(body: string): string {
  return createHash("md5").update(body, "utf8").digest("hex");
}

/**
 * SQS's MD5 of message attributes (the SDKs check it): per attribute in name order, the name, the data
 * type and the value, each as a 4-byte big-endian length and its bytes, the value preceded by its
 * transport type (1 string, 2 binary). Undefined when there are none, as SQS omits it then.
 */
export function md5OfAttributes(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash("md5");
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const { DataType, StringValue, BinaryValue } = attributes[name] as MessageAttributeValue;
    field(Buffer.from(name, "utf8"));
    field(Buffer.from(DataType, "utf8"));
    const binary = DataType.startsWith("Binary");
    hash.update(Buffer.from([binary ? 2 : 1]));
    field(binary ? Buffer.from(BinaryValue ?? "", "base64") : Buffer.from(StringValue ?? "", "utf8"));
  }
  return hash.digest("hex");
}
