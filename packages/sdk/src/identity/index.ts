export { type HeaderName, Headers, headerValue } from "./headers.ts";
export {
  identityFrom,
  type MessageIdentity,
  MessageKind,
  newIdentity,
  newMessageId,
  readIdentity,
} from "./identity.ts";
export {
  headerRecord,
  identityOf,
  kindOf,
  type OutgoingMeta,
  readHeader,
  writeHeaders,
} from "./nats-headers.ts";
