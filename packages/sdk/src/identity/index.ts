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
  identityFromScan,
  identityOf,
  type JunctionHeaders,
  kindOf,
  type OutgoingMeta,
  readHeader,
  scanJunctionHeaders,
  writeHeaders,
} from "./nats-headers.ts";
