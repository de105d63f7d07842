import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { type Codec, guarded } from "./codec.ts";

/**
 * Protobuf through `@bufbuild/protobuf` generated types: `protobufCodec(GreetingSchema)`. Encoding
 * accepts a message or its init shape, so `{ name: "x" }` works as well as `create(Schema, …)`.
 */
export function protobufCodec<Desc extends DescMessage>(
  schema: Desc,
): Codec<MessageShape<Desc> | MessageInitShape<Desc>> & { decode(data: Uint8Array): MessageShape<Desc> } {
  return {
    contentType: `application/protobuf; proto=${schema.typeName}`,
    encode: (value) =>
      guarded(`cannot encode ${schema.typeName}`, () =>
        toBinary(schema, create(schema, value as MessageInitShape<Desc>)),
      ),
    decode: (data) => guarded(`cannot decode ${schema.typeName}`, () => fromBinary(schema, data)),
  };
}
