export { type HeaderName, Headers, headerValue } from "./headers.ts";
export {
  identityFromScan,
  type JunctionHeaders,
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
  scanJunctionHeaders,
  writeHeaders,
} from "./nats-headers.ts";
